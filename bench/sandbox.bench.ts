/**
 * @module Cost of one custom JavaScript scorer call in the WebAssembly sandbox (Node, in-process):
 * a fresh QuickJS runtime and context, the harness, the scorer compiled, input in and result out
 * as JSON. The engine's one-time start (compiling the WebAssembly) is excluded.
 */
import { NodeJsSandbox } from '../src/lib/core/eval/sandbox/js-sandbox.node.ts';

const WARMUP = 50;
const CALLS = 1000;

export async function run(): Promise<Record<string, number>> {
	const sandbox = new NodeJsSandbox();
	const input = {
		output: 'The capital of France is Paris.',
		context: { vars: { city: 'Paris', country: 'France' }, expected: 'Paris' }
	};
	const code = 'output.includes(context.vars.city)';
	for (let i = 0; i < WARMUP; i++) await sandbox.run(code, input, { timeoutMs: 1000 });
	const started = performance.now();
	for (let i = 0; i < CALLS; i++) {
		if ((await sandbox.run(code, input, { timeoutMs: 1000 })) !== true)
			throw new Error('the scorer did not return true');
	}
	const perCallUs = ((performance.now() - started) / CALLS) * 1000;
	await sandbox.dispose();
	return { 'sandbox.js_scorer_call_us': Math.round(perCallUs) };
}
