/** @module Test and benchmark helpers: a relay on port 0 in a temp dir, and real clients for it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { Role } from '../src/auth/token';
import { createToken } from '../src/auth/token';
import type { RelayConfig } from '../src/config';
import { startRelay, type RelayHandle } from '../src/relay';

export async function makeDataDir(): Promise<string> {
	return mkdtemp(join(tmpdir(), 'promptloom-relay-'));
}

export async function removeDataDir(dir: string): Promise<void> {
	await rm(dir, { recursive: true, force: true });
}

export interface TestRelay {
	relay: RelayHandle;
	dataDir: string;
	token(workspace: string, role: Role, user?: string, ttlSeconds?: number): Promise<string>;
}

/** Starts a relay in-process on port 0 (reusing `dataDir` when given). */
export async function startTestRelay(
	dataDir?: string,
	config?: Partial<RelayConfig>
): Promise<TestRelay> {
	const dir = dataDir ?? (await makeDataDir());
	const relay = await startRelay({ port: 0, dataDir: dir, config });
	return {
		relay,
		dataDir: dir,
		token: (workspace, role, user = role, ttlSeconds) =>
			createToken({ dataDir: dir, workspace, role, user, ttlSeconds })
	};
}

export interface TestClient {
	doc: Y.Doc;
	provider: WebsocketProvider;
	destroy(): void;
}

/**
 * A stock y-websocket client in Node (`ws` as the WebSocket). BroadcastChannel is disabled, so
 * two clients in one process can only meet through the relay.
 */
export function connectClient(
	wsUrl: string,
	room: string,
	token: string,
	doc = new Y.Doc()
): TestClient {
	const provider = new WebsocketProvider(wsUrl, room, doc, {
		params: { token },
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true,
		maxBackoffTime: 500
	});
	return {
		doc,
		provider,
		destroy() {
			provider.destroy();
			doc.destroy();
		}
	};
}

/** Polls `check` until it returns true; rejects with `what` after `timeoutMs` (a deadline, not a measurement). */
export async function waitFor(
	check: () => boolean,
	what: string,
	timeoutMs = 10_000
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 10));
	}
}

/** Opens a raw WebSocket; resolves with the HTTP status when the upgrade is refused, or 101. */
export function upgradeStatus(url: string): Promise<{ status: number; body: string }> {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(url);
		ws.on('unexpected-response', (_req, res) => {
			let body = '';
			res.on('data', (c: Buffer) => (body += c.toString()));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
		});
		ws.on('open', () => {
			ws.close();
			resolve({ status: 101, body: '' });
		});
		ws.on('error', (e) => {
			if (!/Unexpected server response/.test(e.message)) reject(e);
		});
	});
}

/** A raw socket that records what it receives and how it was closed. */
export interface RawClient {
	ws: WebSocket;
	messages: Uint8Array[];
	closed: Promise<{ code: number; reason: string }>;
	opened: Promise<void>;
}

export function rawClient(url: string): RawClient {
	const ws = new WebSocket(url);
	const messages: Uint8Array[] = [];
	ws.on('message', (data: Buffer) => messages.push(new Uint8Array(data)));
	ws.on('error', () => {});
	const opened = new Promise<void>((resolve, reject) => {
		ws.once('open', () => resolve());
		ws.once('unexpected-response', () => reject(new Error('upgrade refused')));
	});
	const closed = new Promise<{ code: number; reason: string }>((resolve) =>
		ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }))
	);
	return { ws, messages, closed, opened };
}

/** The `ws://` URL of a room. */
export function roomUrl(relay: RelayHandle, room: string, token?: string): string {
	return `${relay.wsUrl}/${room}${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`;
}

export interface RelayProcess {
	child: ChildProcess;
	url: string;
	wsUrl: string;
	/** Sends SIGKILL and resolves once the process is gone. */
	kill(): Promise<void>;
}

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the relay as its own process (`node --import tsx sync-server/src/main.ts`) and waits for its URL. */
export function spawnRelayProcess(dataDir: string): Promise<RelayProcess> {
	const child = spawn(
		process.execPath,
		['--import', 'tsx', 'sync-server/src/main.ts', '--port', '0', '--data', dataDir],
		{
			cwd: repoRoot,
			stdio: ['ignore', 'pipe', 'pipe']
		}
	);
	const kill = () =>
		new Promise<void>((resolve) => {
			if (child.exitCode !== null || child.signalCode !== null) return resolve();
			child.once('exit', () => resolve());
			child.kill('SIGKILL');
		});
	return new Promise((resolve, reject) => {
		let out = '';
		let err = '';
		child.stderr!.on('data', (c: Buffer) => {
			if (err.length < 10_000) err += c.toString();
		});
		child.stdout!.on('data', (c: Buffer) => {
			out += c.toString();
			const m = /relay listening on http:\/\/(\S+)/.exec(out);
			if (m) resolve({ child, url: `http://${m[1]}`, wsUrl: `ws://${m[1]}`, kill });
		});
		child.once('exit', (code) => reject(new Error(`relay exited with ${code}: ${err}`)));
	});
}
