/**
 * @module Sync relay benchmarks: fan-out latency and relay memory with 200 clients in one room,
 * and the message round trips of an idle reconnect. Prints JSON; never asserts on time.
 *
 * Fan-out clients are light y-protocols peers over `ws`, not WebsocketProviders: each makes real
 * Yjs edits, but identifies what it receives from the update's metadata (`Y.parseUpdateMeta`)
 * instead of applying it, so one process can host 200 of them without measuring itself rather
 * than the relay. Since the relay sends identical bytes to every peer that did not write to a
 * batch, each distinct payload is decoded once and shared; every peer still receives, frames and
 * counts its own copy when its socket delivers it. An edit's fan-out latency runs from its send
 * until the last of the other 199 peers has it; the writer's own copy (sent by the relay only
 * after the LevelDB write) is reported separately as the ack latency. The relay runs in its own
 * process so its RSS and CPU are its own; the CPU seconds of both processes are printed because
 * the machine's load (other processes on the same cores) moves every latency figure. The reconnect figure uses the stock WebsocketProvider over a socket that delays
 * every message by a fixed one-way latency, so round trips = time to synced / (2 x latency).
 * The new-device figure pulls 10,000 small prompt documents (seeded straight into LevelDB) with
 * one `POST /sync/batch` request and applies each to a fresh Y.Doc.
 */
import { readFile } from 'node:fs/promises';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { createToken } from '../sync-server/src/auth/token';
import { openLeveldbStore } from '../sync-server/src/rooms/store';
import {
	makeDataDir,
	removeDataDir,
	spawnRelayProcess,
	type RelayProcess
} from '../sync-server/testing/harness';
import { connectRawPeer, type RawPeer } from '../sync-server/testing/raw-peer';

const CLIENTS = Number(process.env.SYNC_BENCH_CLIENTS ?? 200);
const EDIT_ROUNDS = 5;
const ROUND_MS = 1000;
const ONE_WAY_LATENCY_MS = 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function rssMb(pid: number): Promise<number> {
	const status = await readFile(`/proc/${pid}/status`, 'utf8');
	const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
	return kb / 1024;
}

async function cpuSeconds(pid: number): Promise<number> {
	const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
	return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Edit {
	client: number;
	sentAt: number;
	/** Peers other than the writer that received it. */
	seenBy: number;
}

/**
 * 200 peers in one room, one edit per peer per second, spread evenly over each second. Fan-out
 * latency of an edit: from its send until the last of the other 199 peers received it. Ack
 * latency: until the writer got it back (the relay echoes an edit only once it is stored).
 */
async function fanout(
	relay: RelayProcess,
	dataDir: string
): Promise<{ p95: number; p50: number; ackP95: number; rss: number; edits: number }> {
	/** Every edit by its Yjs id `client:clock`, with its send time and how many peers got it. */
	const edits = new Map<string, Edit>();
	const latencies: number[] = [];
	const ackLatencies: number[] = [];
	/**
	 * The relay sends the same bytes to every peer that did not write to a batch: decode each
	 * distinct payload once (a pure function of the bytes) instead of 199 times, so the clients'
	 * shared process spends its time receiving, not re-parsing. Every peer still counts its own copy
	 * when its socket delivers it.
	 */
	const decoded = new Map<string, Edit[]>();
	const editsIn = (update: Uint8Array): Edit[] => {
		const key = Buffer.from(update.buffer, update.byteOffset, update.byteLength).toString('latin1');
		let found = decoded.get(key);
		if (found === undefined) {
			found = [];
			const { from, to } = Y.parseUpdateMeta(update);
			for (const [client, end] of to) {
				for (let clock = from.get(client) ?? end; clock < end; clock++) {
					const edit = edits.get(`${client}:${clock}`);
					if (edit) found.push(edit);
				}
			}
			decoded.set(key, found);
		}
		return found;
	};
	/** A peer's observer: others' edits count as delivered; its own coming back is the relay's ack. */
	const observerOf = (doc: Y.Doc) => (update: Uint8Array) => {
		const now = performance.now();
		for (const edit of editsIn(update)) {
			if (edit.client === doc.clientID) ackLatencies.push(now - edit.sentAt);
			else if (++edit.seenBy === CLIENTS - 1) latencies.push(now - edit.sentAt);
		}
	};
	const peers: RawPeer[] = [];
	for (let i = 0; i < CLIENTS; i++) {
		const token = await createToken({
			dataDir,
			workspace: 'bench',
			role: 'editor',
			user: `peer-${i}`
		});
		const doc = new Y.Doc();
		peers.push(
			connectRawPeer(`${relay.wsUrl}/bench/fanout?token=${token}`, {
				doc,
				observe: observerOf(doc)
			})
		);
		if (i % 20 === 19) await Promise.all(peers.slice(-20).map((p) => p.synced));
	}
	await Promise.all(peers.map((p) => p.synced));

	const relayCpu0 = await cpuSeconds(relay.child.pid!);
	const ownCpu0 = process.cpuUsage();
	const rssSamples: number[] = [await rssMb(relay.child.pid!)];
	const sampler = setInterval(
		() => void rssMb(relay.child.pid!).then((v) => rssSamples.push(v)),
		500
	);
	const timers: ReturnType<typeof setTimeout>[] = [];
	for (let round = 0; round < EDIT_ROUNDS; round++) {
		peers.forEach((peer, i) => {
			timers.push(
				setTimeout(
					() => {
						const client = peer.doc.clientID;
						edits.set(`${client}:${Y.getState(peer.doc.store, client)}`, {
							client,
							sentAt: performance.now(),
							seenBy: 0
						});
						peer.doc.getMap<string>('edits').set(`p${i}`, `edit ${round}`);
					},
					round * ROUND_MS + (i * ROUND_MS) / CLIENTS
				)
			);
		});
	}
	const expected = CLIENTS * EDIT_ROUNDS;
	const deadline = Date.now() + EDIT_ROUNDS * ROUND_MS + 30_000;
	while (latencies.length < expected && Date.now() < deadline) await sleep(50);
	clearInterval(sampler);
	timers.forEach(clearTimeout);
	rssSamples.push(await rssMb(relay.child.pid!));
	const own = process.cpuUsage(ownCpu0);
	process.stderr.write(
		`sync bench: CPU during fan-out: relay ${((await cpuSeconds(relay.child.pid!)) - relayCpu0).toFixed(2)} s, ` +
			`clients ${((own.user + own.system) / 1e6).toFixed(2)} s\n`
	);
	for (const p of peers) p.close();
	if (latencies.length < expected) {
		process.stderr.write(
			`sync bench: only ${latencies.length}/${expected} edits reached every peer\n`
		);
	}
	return {
		p95: percentile(latencies, 95),
		p50: percentile(latencies, 50),
		ackP95: percentile(ackLatencies, 95),
		rss: Math.max(...rssSamples),
		edits: latencies.length
	};
}

/** A `ws` socket that delays every message in both directions by a fixed one-way latency. */
class DelayedWebSocket extends WebSocket {
	constructor(...args: ConstructorParameters<typeof WebSocket>) {
		super(...args);
		let current: ((event: WebSocket.MessageEvent) => void) | null = null;
		let listener: ((event: WebSocket.MessageEvent) => void) | null = null;
		Object.defineProperty(this, 'onmessage', {
			get: () => current,
			set: (handler: ((event: WebSocket.MessageEvent) => void) | null) => {
				if (listener) this.removeEventListener('message', listener);
				current = handler;
				listener =
					handler && ((event) => setTimeout(() => handler.call(this, event), ONE_WAY_LATENCY_MS));
				if (listener) this.addEventListener('message', listener);
			}
		});
	}

	override send(data: Parameters<WebSocket['send']>[0]): void {
		setTimeout(() => {
			if (this.readyState === this.OPEN) super.send(data);
		}, ONE_WAY_LATENCY_MS);
	}
}

/** Reconnects a stock client whose state is already up to date; returns the round trips until `synced`. */
async function idleReconnect(relay: RelayProcess, dataDir: string, items: number): Promise<number> {
	const token = await createToken({
		dataDir,
		workspace: 'bench',
		role: 'editor',
		user: 'reconnect'
	});
	const doc = new Y.Doc();
	const provider = new WebsocketProvider(relay.wsUrl, `bench/reconnect-${items}`, doc, {
		params: { token },
		WebSocketPolyfill: DelayedWebSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true
	});
	const whenSynced = () =>
		new Promise<void>((resolve) =>
			provider.synced ? resolve() : provider.once('sync', () => resolve())
		);
	await whenSynced();
	const list = doc.getArray<string>('items');
	doc.transact(() => {
		for (let i = 0; i < items; i++) list.push([`item ${i}`]);
	});
	// Wait until the relay echoed our state back, i.e. it is stored and nothing is left to send.
	await sleep(4 * ONE_WAY_LATENCY_MS + 200);
	provider.disconnect();
	await sleep(50);
	let openedAt = 0;
	provider.on('status', ({ status }: { status: string }) => {
		if (status === 'connected' && openedAt === 0) openedAt = performance.now();
	});
	provider.connect();
	await whenSynced();
	const elapsed = performance.now() - openedAt;
	provider.destroy();
	doc.destroy();
	return Math.round(elapsed / (2 * ONE_WAY_LATENCY_MS));
}

const NEW_DEVICE_DOCS = 10_000;

/** Stores 10,000 small prompt documents directly in the relay's LevelDB (before it starts). */
async function seedPromptDocs(dataDir: string): Promise<void> {
	const store = await openLeveldbStore(dataDir);
	for (let i = 0; i < NEW_DEVICE_DOCS; i++) {
		const doc = new Y.Doc();
		doc
			.getText('body')
			.insert(
				0,
				`You are assistant #${i}. Answer the question about {{ topic }} in ${i % 7} sentences.`
			);
		const meta = doc.getMap('meta');
		meta.set('name', `prompt-${i}`);
		meta.set('tags', ['bench', `group-${i % 50}`]);
		meta.set('model', { model: 'gpt-4o-mini', temperature: 0.2 });
		await store.append(`bench/prompt-${i}`, Y.encodeStateAsUpdate(doc));
		doc.destroy();
	}
	await store.close();
}

/** A new device pulls every prompt document with one `POST /sync/batch` and applies them; seconds. */
async function newDevice(relay: RelayProcess, dataDir: string): Promise<number> {
	const token = await createToken({
		dataDir,
		workspace: 'bench',
		role: 'viewer',
		user: 'new-device'
	});
	const started = performance.now();
	const res = await fetch(`${relay.url}/sync/batch`, {
		method: 'POST',
		headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
		body: JSON.stringify({
			docs: Array.from({ length: NEW_DEVICE_DOCS }, (_, i) => ({ doc: `prompt-${i}` }))
		})
	});
	const json = (await res.json()) as { docs: Array<{ doc: string; update: string }> };
	let names = 0;
	for (const entry of json.docs) {
		const doc = new Y.Doc();
		Y.applyUpdate(doc, Buffer.from(entry.update, 'base64'));
		if (doc.getMap('meta').get('name') === entry.doc) names++;
		doc.destroy();
	}
	const seconds = (performance.now() - started) / 1000;
	if (names !== NEW_DEVICE_DOCS)
		process.stderr.write(`sync bench: new device got ${names}/${NEW_DEVICE_DOCS} documents\n`);
	return seconds;
}

export async function run(): Promise<Record<string, number>> {
	const dataDir = await makeDataDir();
	await createToken({ dataDir, workspace: 'bench', role: 'editor' });
	await seedPromptDocs(dataDir);
	const relay = await spawnRelayProcess(dataDir);
	try {
		const f = await fanout(relay, dataDir);
		const small = await idleReconnect(relay, dataDir, 10);
		const large = await idleReconnect(relay, dataDir, 10_000);
		const pull = await newDevice(relay, dataDir);
		process.stderr.write(
			`sync bench: ${f.edits} edits by ${CLIENTS} raw y-protocols peers; fan-out p50 ${f.p50.toFixed(1)} ms, ` +
				`p95 ${f.p95.toFixed(1)} ms; sender ack (stored) p95 ${f.ackP95.toFixed(1)} ms; relay RSS ${f.rss.toFixed(1)} MB; idle reconnect round trips ` +
				`${small} (10 items), ${large} (10,000 items); new device pulled ${NEW_DEVICE_DOCS} docs ` +
				`via POST /sync/batch in ${pull.toFixed(2)} s\n`
		);
		return {
			'sync.fanout_p95_ms_200_clients': Number(f.p95.toFixed(2)),
			'sync.relay_rss_mb_200_clients': Number(f.rss.toFixed(1)),
			'sync.idle_reconnect_roundtrips': Math.max(small, large),
			'sync.new_device_10k_s': Number(pull.toFixed(2))
		};
	} finally {
		await relay.kill();
		await removeDataDir(dataDir);
	}
}

if (import.meta.url === `file://${process.argv[1]}`) {
	console.log(JSON.stringify(await run(), null, 2));
}
