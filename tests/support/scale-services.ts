/**
 * @module The services of a multi-instance relay for tests and benches: Debian's PostgreSQL
 * (initdb in a temp dir, run as `nobody` when we are root, which PostgreSQL refuses) and
 * redis-server, each on a free loopback port with its data in a temp dir, plus relay child
 * processes started with `--postgres` and `--redis`. Everything is stopped by `stop()`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const port = (server.address() as { port: number }).port;
			server.close(() => resolve(port));
		});
	});
}

/** The directory of Debian's PostgreSQL binaries (the newest installed), or null. */
export function postgresBin(): string | null {
	const base = '/usr/lib/postgresql';
	if (!existsSync(base)) return null;
	const versions = readdirSync(base)
		.filter((v) => existsSync(join(base, v, 'bin', 'postgres')))
		.sort((a, b) => Number(b) - Number(a));
	return versions.length ? join(base, versions[0], 'bin') : null;
}

const asRoot = process.getuid?.() === 0;
/** Spawn options running PostgreSQL as `nobody` when we are root (it refuses to run as root). */
const NOBODY = 65534;
const asUser = asRoot ? { uid: NOBODY, gid: NOBODY } : {};

async function until(what: string, check: () => Promise<boolean>, ms = 15_000): Promise<void> {
	const end = Date.now() + ms;
	while (Date.now() < end) {
		if (await check().catch(() => false)) return;
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error(`${what} did not come up within ${ms} ms`);
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
	return new Promise((resolve) => {
		if (child.exitCode !== null || child.signalCode !== null) return resolve();
		const t = setTimeout(() => child.kill('SIGKILL'), 5000);
		child.once('exit', () => {
			clearTimeout(t);
			resolve();
		});
		child.kill(signal);
	});
}

export interface PostgresServer {
	url: string;
	stop(): Promise<void>;
	/** Stops the server (fast shutdown) and starts it again on the same port and data. */
	restart(): Promise<void>;
	kill(): Promise<void>;
	start(): Promise<void>;
}

export async function startPostgres(): Promise<PostgresServer> {
	const bin = postgresBin();
	if (!bin) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
	const dir = mkdtempSync(join(tmpdir(), 'promptloom-pg-'));
	const data = join(dir, 'data');
	if (asRoot) chownSync(dir, NOBODY, NOBODY);
	execFileSync(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync'], {
		stdio: 'ignore',
		cwd: dir,
		...asUser
	});
	const port = await freePort();
	const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
	let child: ChildProcess | null = null;
	const start = async () => {
		const argv = [
			join(bin, 'postgres'),
			'-D',
			data,
			'-p',
			String(port),
			'-h',
			'127.0.0.1',
			'-k',
			dir,
			// Test speed: the relay's promise is about its own crashes, not the host's.
			'-c',
			'fsync=off',
			'-c',
			'synchronous_commit=off',
			'-c',
			'full_page_writes=off',
			'-c',
			'max_connections=200'
		];
		child = spawn(argv[0], argv.slice(1), { stdio: 'ignore', cwd: dir, ...asUser });
		const pg = await import('pg');
		await until('postgres', async () => {
			const c = new pg.default.Client({ connectionString: url });
			await c.connect();
			await c.end();
			return true;
		});
	};
	await start();
	return {
		url,
		start,
		async stop() {
			if (child) await stopChild(child, 'SIGINT');
			rmSync(dir, { recursive: true, force: true });
		},
		async restart() {
			if (child) await stopChild(child, 'SIGINT');
			await start();
		},
		async kill() {
			if (child) await stopChild(child, 'SIGINT');
		}
	};
}

export interface RedisServer {
	url: string;
	stop(): Promise<void>;
	/** Stops the server (its clients see it gone) until {@link start}. */
	kill(): Promise<void>;
	start(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
	if (!existsSync('/usr/bin/redis-server'))
		throw new Error('redis-server is not installed (apt-get install redis-server)');
	const dir = mkdtempSync(join(tmpdir(), 'promptloom-redis-'));
	const port = await freePort();
	let child: ChildProcess | null = null;
	const start = async () => {
		child = spawn(
			'/usr/bin/redis-server',
			[
				'--port',
				String(port),
				'--bind',
				'127.0.0.1',
				'--save',
				'',
				'--appendonly',
				'no',
				'--dir',
				dir
			],
			{ stdio: 'ignore' }
		);
		const { Redis } = await import('ioredis');
		await until('redis', async () => {
			const r = new Redis(port, '127.0.0.1', {
				lazyConnect: true,
				maxRetriesPerRequest: 0,
				retryStrategy: () => null
			});
			r.on('error', () => {});
			try {
				await r.connect();
				return (await r.ping()) === 'PONG';
			} finally {
				r.disconnect();
			}
		});
	};
	await start();
	return {
		url: `redis://127.0.0.1:${port}`,
		start,
		async kill() {
			if (child) await stopChild(child, 'SIGKILL');
		},
		async stop() {
			if (child) await stopChild(child, 'SIGKILL');
			rmSync(dir, { recursive: true, force: true });
		}
	};
}

export interface RelayInstance {
	child: ChildProcess;
	url: string;
	wsUrl: string;
	/** SIGKILL; resolves once the process is gone. */
	kill(): Promise<void>;
	/** SIGTERM (clean close); resolves once the process is gone. */
	stop(): Promise<void>;
	/** Lines the relay wrote to stderr (its JSON log). */
	log: string[];
}

/** Starts `promptloom relay --port 0 --postgres … --redis …` as a child process. */
export function startRelayInstance(postgres: string, redis: string): Promise<RelayInstance> {
	// The instance's own directory (webhooks, observations), removed when it exits.
	const dataDir = mkdtempSync(join(tmpdir(), 'promptloom-relay-instance-'));
	const child = spawn(
		process.execPath,
		[
			'--import',
			'tsx',
			'sync-server/src/main.ts',
			'--port',
			'0',
			'--postgres',
			postgres,
			'--redis',
			redis,
			'--data',
			dataDir
		],
		{ cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] }
	);
	child.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));
	const log: string[] = [];
	let partial = '';
	child.stderr!.on('data', (c: Buffer) => {
		partial += c.toString();
		const lines = partial.split('\n');
		partial = lines.pop()!;
		if (log.length < 5000) log.push(...lines);
	});
	return new Promise((resolve, reject) => {
		let out = '';
		child.stdout!.on('data', (c: Buffer) => {
			out += c.toString();
			const m = /relay listening on http:\/\/(\S+)/.exec(out);
			if (m)
				resolve({
					child,
					url: `http://${m[1]}`,
					wsUrl: `ws://${m[1]}`,
					kill: () => stopChild(child, 'SIGKILL'),
					stop: () => stopChild(child, 'SIGTERM'),
					log
				});
		});
		child.once('exit', (code) => reject(new Error(`relay exited with ${code}: ${log.join('\n')}`)));
	});
}

/** PostgreSQL, Redis and `count` relay instances on them; `stop()` ends every instance started. */
export async function startCluster(count: number) {
	const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
	const started: RelayInstance[] = [];
	/** Starts one more instance on the same services (stopped with the cluster). */
	const startRelay = async () => {
		const r = await startRelayInstance(postgres.url, redis.url);
		started.push(r);
		return r;
	};
	const relays: RelayInstance[] = [];
	for (let i = 0; i < count; i++) relays.push(await startRelay());
	return {
		postgres,
		redis,
		relays,
		startRelay,
		async stop() {
			await Promise.all(started.map((r) => r.kill()));
			await Promise.all([postgres.stop(), redis.stop()]);
		}
	};
}
