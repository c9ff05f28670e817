/**
 * @module Runs the test LLM server standalone: `tsx tests/support/mock-llm/cli.ts --port 11435`.
 * Options: `--port N` (default 11435, 0 = any free port), `--host H`, `--latency MS`,
 * `--chunk-delay MS`. Prints one JSON line `{"url": ..., "port": ...}` once listening.
 */
import { startMockLlm } from './server';

function option(args: string[], name: string): string | undefined {
	const i = args.indexOf(name);
	if (i !== -1) return args[i + 1];
	const eq = args.find((a) => a.startsWith(`${name}=`));
	return eq?.slice(name.length + 1);
}

function intOption(args: string[], name: string, fallback: number): number {
	const v = option(args, name);
	if (v === undefined) return fallback;
	const n = Number(v);
	if (!Number.isInteger(n) || n < 0) {
		process.stderr.write(`mock-llm: ${name} must be a non-negative integer, got "${v}"\n`);
		process.exit(2);
	}
	return n;
}

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
	process.stdout.write(
		'usage: tsx tests/support/mock-llm/cli.ts [--port 11435] [--host 127.0.0.1] [--latency ms] [--chunk-delay ms]\n'
	);
	process.exit(0);
}

const server = await startMockLlm({
	port: intOption(args, '--port', 11435),
	host: option(args, '--host') ?? '127.0.0.1',
	latencyMs: intOption(args, '--latency', 0),
	chunkDelayMs: intOption(args, '--chunk-delay', 0)
});
process.stdout.write(`${JSON.stringify({ url: server.url, port: server.port })}\n`);

const stop = () => {
	void server.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
