/**
 * @module Test and benchmark helpers: a relay on port 0 in a temp dir, and real clients for it.
 * Tests use a {@link RelayScope} (`relayScope(afterEach)`): one way to start relays (in-process or
 * as a child process), issue tokens, open clients and peers, and tear everything down.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as decoding from 'lib0/decoding';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { Role } from '../src/auth/token';
import { createToken } from '../src/auth/token';
import type { RelayConfig } from '../src/config';
import {
	MESSAGE_RELAY_ERROR,
	decodeRelayError,
	type RelayErrorPayload
} from '../../src/lib/core/relay/protocol';
import { startRelay, type RelayHandle, type StartRelayOptions } from '../src/relay';
import { connectRawPeer, type RawPeer, type RawPeerOptions } from './raw-peer';

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
	/** Tries a WebSocket upgrade of `room`: 101 when accepted, else the HTTP status and body. */
	upgrade(room: string, token?: string): Promise<{ status: number; body: string }>;
}

/** Starts a relay in-process on port 0 (reusing `dataDir` when given). */
export async function startTestRelay(
	dataDir?: string,
	config?: Partial<RelayConfig>,
	options: Partial<Omit<StartRelayOptions, 'dataDir' | 'config'>> = {}
): Promise<TestRelay> {
	const dir = dataDir ?? (await makeDataDir());
	const relay = await startRelay({ port: 0, ...options, dataDir: dir, config });
	return {
		relay,
		dataDir: dir,
		token: (workspace, role, user = role, ttlSeconds) =>
			createToken({ dataDir: dir, workspace, role, user, ttlSeconds }),
		upgrade: (room, token) => upgradeStatus(roomUrl(relay, room, token))
	};
}

export interface TestClient {
	doc: Y.Doc;
	provider: WebsocketProvider;
	destroy(): void;
}

/**
 * A stock y-websocket client in Node (`ws` as the WebSocket), sending its token as the app does:
 * in the subprotocol list (`promptloom`, `token.<token>`), not in the URL. BroadcastChannel is
 * disabled, so two clients in one process can only meet through the relay. (`raw` and `peer`
 * use the `?token=` query of old clients.)
 */
export function connectClient(
	wsUrl: string,
	room: string,
	token: string,
	doc = new Y.Doc()
): TestClient {
	const provider = new WebsocketProvider(wsUrl, room, doc, {
		protocols: ['promptloom', `token.${token}`],
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true,
		maxBackoffTime: 500
	});
	let destroyed = false;
	return {
		doc,
		provider,
		destroy() {
			if (destroyed) return;
			destroyed = true;
			provider.destroy();
			doc.destroy();
		}
	};
}

/** The relay's current copy of document `docId` of the token's workspace, read through `/sync/batch`. */
export async function fetchRelayDoc(
	relay: RelayHandle,
	token: string,
	docId: string
): Promise<Y.Doc> {
	const res = await postBatch(relay, token, { docs: [{ doc: docId }] });
	if (!res.ok) throw new Error(`/sync/batch answered ${res.status}: ${await res.text()}`);
	const json = (await res.json()) as { docs: Array<{ update: string }> };
	const doc = new Y.Doc();
	Y.applyUpdate(doc, new Uint8Array(Buffer.from(json.docs[0].update, 'base64')));
	return doc;
}

/** Resolves with the code and reason once the relay closed `client` for good (4400–4499). */
export function terminalClose(client: TestClient): Promise<{ code: number; reason: string }> {
	return new Promise((resolve) => client.provider.once('closed', resolve));
}

/** Collects the relay's error messages (type 4) a stock client receives, as the app does. */
export function collectRelayErrors(client: TestClient): RelayErrorPayload[] {
	const received: RelayErrorPayload[] = [];
	client.provider.messageHandlers[MESSAGE_RELAY_ERROR] = (_encoder, decoder: decoding.Decoder) => {
		received.push(decodeRelayError(decoder));
	};
	return received;
}

/** `POST /sync/batch` with `token` as bearer (none when undefined); `body` is sent as is when a string. */
export function postBatch(
	relay: RelayHandle,
	token: string | undefined,
	body: unknown
): Promise<Response> {
	return fetch(`${relay.url}/sync/batch`, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			...(token ? { authorization: `Bearer ${token}` } : {})
		},
		body: typeof body === 'string' ? body : JSON.stringify(body)
	});
}

/**
 * Polls `check` (which may be async, e.g. an HTTP request) until it returns true; rejects with
 * `what` after `timeoutMs` (a deadline, not a measurement).
 */
export async function waitFor(
	check: () => boolean | Promise<boolean>,
	what: string,
	timeoutMs = 10_000
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 10));
	}
}

/** Resolves once every client has synced with the relay. */
export function allSynced(...clients: TestClient[]): Promise<void> {
	return waitFor(() => clients.every((c) => c.provider.synced), 'clients synced');
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

/** Registers a hook that runs after each test (vitest's `afterEach`). */
export type AfterEachHook = (fn: () => Promise<void>) => void;

/** Where a client connects: a test relay, a relay handle or process, or a `ws://` URL. */
export type RelayTarget = TestRelay | RelayHandle | RelayProcess | string;

const wsUrlOf = (target: RelayTarget): string =>
	typeof target === 'string' ? target : 'relay' in target ? target.relay.wsUrl : target.wsUrl;

/**
 * What one test opened: temp dirs, relays, child processes, clients and peers, closed by
 * `teardown()` (clients first, then relays, processes and dirs; extra cleanups run first).
 * Closing something early is fine: every close is idempotent.
 */
export class RelayScope {
	private readonly cleanups: Array<() => unknown> = [];
	private readonly clients: Array<{ close(): void }> = [];
	private readonly relays: RelayHandle[] = [];
	private readonly children: RelayProcess[] = [];
	private readonly dirs: string[] = [];

	/** A fresh temp data dir, removed on teardown. */
	async dataDir(): Promise<string> {
		const dir = await makeDataDir();
		this.dirs.push(dir);
		return dir;
	}

	/**
	 * Starts a relay in-process (port 0 unless `port` is given) in `dataDir` or a fresh temp dir;
	 * start it again on the same `dataDir` (and `port`) to simulate a restart.
	 */
	async start(
		options: { dataDir?: string; config?: Partial<RelayConfig> } & Partial<
			Omit<StartRelayOptions, 'dataDir' | 'config'>
		> = {}
	): Promise<TestRelay> {
		const { dataDir, config, ...rest } = options;
		const t = await startTestRelay(dataDir ?? (await this.dataDir()), config, rest);
		this.relays.push(t.relay);
		return t;
	}

	/** Runs the relay as a child process on `dataDir` (killed on teardown). */
	async spawn(dataDir: string): Promise<RelayProcess> {
		const child = await spawnRelayProcess(dataDir);
		this.children.push(child);
		return child;
	}

	/** A stock y-websocket client of `room` (`<workspaceId>/<docId>`). */
	client(target: RelayTarget, room: string, token: string, doc?: Y.Doc): TestClient {
		const c = connectClient(wsUrlOf(target), room, token, doc);
		this.clients.push({ close: () => c.destroy() });
		return c;
	}

	/** A light y-protocols peer of `room` (see `raw-peer.ts`). */
	peer(target: RelayTarget, room: string, token: string, options?: RawPeerOptions): RawPeer {
		const p = connectRawPeer(
			`${wsUrlOf(target)}/${room}?token=${encodeURIComponent(token)}`,
			options
		);
		this.clients.push(p);
		return p;
	}

	/** A raw socket of `room` that records messages and its close. */
	raw(target: RelayTarget, room: string, token?: string): RawClient {
		const tokenPart = token === undefined ? '' : `?token=${encodeURIComponent(token)}`;
		const r = rawClient(`${wsUrlOf(target)}/${room}${tokenPart}`);
		this.clients.push({ close: () => r.ws.terminate() });
		return r;
	}

	/** Runs `cleanup` on teardown, before clients and relays close. */
	defer(cleanup: () => unknown): void {
		this.cleanups.push(cleanup);
	}

	async teardown(): Promise<void> {
		for (const cleanup of this.cleanups.splice(0).reverse()) await cleanup();
		for (const c of this.clients.splice(0)) c.close();
		for (const r of this.relays.splice(0)) await r.close();
		for (const child of this.children.splice(0)) await child.kill();
		for (const d of this.dirs.splice(0)) await removeDataDir(d);
	}
}

/** A {@link RelayScope} torn down after each test: `const relays = relayScope(afterEach)`. */
export function relayScope(afterEach: AfterEachHook): RelayScope {
	const scope = new RelayScope();
	afterEach(() => scope.teardown());
	return scope;
}
