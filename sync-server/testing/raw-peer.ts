/**
 * @module A light y-protocols peer over a plain `ws` socket (a real Yjs doc, no provider
 * machinery): used by the benchmarks where hundreds of WebsocketProviders would be too heavy.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import WebSocket from 'ws';
import * as Y from 'yjs';

const MESSAGE_SYNC = 0;

export interface RawPeer {
	doc: Y.Doc;
	ws: WebSocket;
	/** Resolves after the relay's sync step 2 has been applied. */
	synced: Promise<void>;
	close(): void;
}

export interface RawPeerOptions {
	doc?: Y.Doc;
	/**
	 * Receives every remote update. When given, remote updates are NOT applied to the doc (the
	 * peer only observes traffic; used to keep 200 peers in one benchmark process cheap).
	 */
	observe?: (update: Uint8Array) => void;
}

/** Connects a doc to `url` speaking sync step1/step2/update; local updates are sent at once. */
export function connectRawPeer(url: string, options: RawPeerOptions = {}): RawPeer {
	const doc = options.doc ?? new Y.Doc();
	const observe = options.observe;
	const ws = new WebSocket(url);
	ws.binaryType = 'nodebuffer';
	let markSynced: () => void = () => {};
	let fail: (e: Error) => void = () => {};
	const synced = new Promise<void>((resolve, reject) => {
		markSynced = resolve;
		fail = reject;
	});
	const onUpdate = (update: Uint8Array, origin: unknown) => {
		if (origin === ws || ws.readyState !== ws.OPEN) return;
		const e = encoding.createEncoder();
		encoding.writeVarUint(e, MESSAGE_SYNC);
		syncProtocol.writeUpdate(e, update);
		ws.send(encoding.toUint8Array(e));
	};
	doc.on('update', onUpdate);
	ws.on('open', () => {
		const e = encoding.createEncoder();
		encoding.writeVarUint(e, MESSAGE_SYNC);
		syncProtocol.writeSyncStep1(e, doc);
		ws.send(encoding.toUint8Array(e));
	});
	ws.on('message', (data: Buffer) => {
		const decoder = decoding.createDecoder(
			new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
		);
		if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return;
		if (observe) {
			const type = decoding.readVarUint(decoder);
			const update = decoding.readVarUint8Array(decoder);
			if (type === syncProtocol.messageYjsSyncStep2) markSynced();
			else if (type === syncProtocol.messageYjsUpdate) observe(update);
			return;
		}
		const reply = encoding.createEncoder();
		encoding.writeVarUint(reply, MESSAGE_SYNC);
		const type = syncProtocol.readSyncMessage(decoder, reply, doc, ws);
		if (encoding.length(reply) > 1) ws.send(encoding.toUint8Array(reply));
		if (type === syncProtocol.messageYjsSyncStep2) markSynced();
	});
	ws.on('error', (e) => fail(e));
	ws.on('unexpected-response', (_req, res) =>
		fail(new Error(`upgrade refused: HTTP ${res.statusCode}`))
	);
	return {
		doc,
		ws,
		synced,
		close() {
			doc.off('update', onUpdate);
			ws.close();
		}
	};
}
