/**
 * @module Benchmark: wall time of `promptloom --help` and of rendering a small template through the
 * real executable (compiled dist/cli when built, as after `npm ci`), and the idle memory of the relay
 * started by `promptloom relay` beside the stock y-websocket server's, measured in the same run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { percentile } from './stats';

const ROUNDS = 7;

function wallMs(args: string[]): number {
	const start = performance.now();
	const r = spawnSync(process.execPath, ['bin/promptloom.js', ...args], { encoding: 'utf8' });
	const ms = performance.now() - start;
	if (r.status !== 0) throw new Error(`promptloom ${args.join(' ')} failed: ${r.stderr}`);
	return ms;
}

function rssMb(pid: number): number {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
	return kb / 1024;
}

/** Starts a server process, waits until it prints `ready`, lets it settle and reads its RSS. */
async function idleRss(command: string[], ready: RegExp, env: NodeJS.ProcessEnv): Promise<number> {
	const child: ChildProcess = spawn(process.execPath, command, { env, stdio: 'pipe' });
	try {
		await new Promise<void>((resolve, reject) => {
			let out = '';
			const onData = (d: Buffer) => {
				out += d.toString();
				if (ready.test(out)) resolve();
			};
			child.stdout!.on('data', onData);
			child.stderr!.on('data', onData);
			child.on('exit', (code) => reject(new Error(`${command.join(' ')} exited ${code}: ${out}`)));
		});
		await new Promise((r) => setTimeout(r, 1500));
		return rssMb(child.pid!);
	} finally {
		child.kill('SIGTERM');
	}
}

/** Returns `cli.help_ms`, `cli.render_ms`, `sync.relay_rss_mb_idle` and `peer.yws_rss_mb_idle`. */
export async function run(): Promise<Record<string, number>> {
	if (!existsSync('dist/cli/main.js')) spawnSync(process.execPath, ['scripts/build-cli.js']);
	const dir = mkdtempSync(join(tmpdir(), 'promptloom-cli-bench-'));
	try {
		const template = join(dir, 'small.jinja');
		const vars = join(dir, 'vars.json');
		writeFileSync(template, 'Hello {{ name }}, {% for t in topics %}{{ t | upper }} {% endfor %}');
		writeFileSync(vars, JSON.stringify({ name: 'Ann', topics: ['a', 'b'] }));
		wallMs(['--help']); // warm the file cache
		const help: number[] = [];
		const render: number[] = [];
		for (let i = 0; i < ROUNDS; i++) {
			help.push(wallMs(['--help']));
			render.push(wallMs(['render', template, '--vars', vars]));
		}
		const relay: number[] = [];
		const yws: number[] = [];
		for (let i = 0; i < 3; i++) {
			relay.push(
				await idleRss(
					['bin/promptloom.js', 'relay', '--port', '0', '--data', join(dir, `relay-${i}`)],
					/ws:\/\//,
					process.env
				)
			);
			yws.push(
				await idleRss(['node_modules/@y/websocket-server/src/server.js'], /running at/, {
					...process.env,
					HOST: '127.0.0.1',
					PORT: String(20000 + Math.floor(Math.random() * 20000))
				})
			);
		}
		const round = (x: number) => Math.round(x * 10) / 10;
		return {
			'cli.help_ms': round(percentile(help, 50)),
			'cli.render_ms': round(percentile(render, 50)),
			'sync.relay_rss_mb_idle': round(percentile(relay, 50)),
			'peer.yws_rss_mb_idle': round(percentile(yws, 50))
		};
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	console.log(JSON.stringify(await run(), null, 2));
}
