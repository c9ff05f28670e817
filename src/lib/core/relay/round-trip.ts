/**
 * @module One document exchanged with the relay over a short-lived socket, and the relay's
 * confirmation that it stored what it received.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import type { WebsocketProvider } from 'y-websocket';
import type * as Y from 'yjs';

const ROUND_TRIP_TIMEOUT_MS = 20_000;

/**
 * Resolves once the relay answered a fresh sync step 1 with its step 2, which it sends only
 * after storing everything received before it on this socket.
 */
export function confirmStored(provider: WebsocketProvider, doc: Y.Doc): Promise<void> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('timeout')), ROUND_TRIP_TIMEOUT_MS);
		const original = provider.messageHandlers[0];
		provider.messageHandlers[0] = (enc, dec, prov, emitSynced, type) => {
			const step = decoding.peekVarUint(dec);
			original(enc, dec, prov, emitSynced, type);
			if (step === syncProtocol.messageYjsSyncStep2) {
				clearTimeout(timer);
				provider.messageHandlers[0] = original;
				resolve();
			}
		};
		const enc = encoding.createEncoder();
		encoding.writeVarUint(enc, 0);
		syncProtocol.writeSyncStep1(enc, doc);
		provider.ws?.send(encoding.toUint8Array(enc));
	});
}

/**
 * Connects `doc` (through `connect`) until both sides exchanged state; with `confirm`, also until
 * the relay confirmed it stored this device's changes. True on success; the socket is closed.
 */
export async function roundTrip(
	doc: Y.Doc,
	connect: (doc: Y.Doc) => WebsocketProvider,
	confirm: boolean
): Promise<boolean> {
	const provider = connect(doc);
	provider.awareness.setLocalState(null);
	try {
		await new Promise<void>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error('timeout')), ROUND_TRIP_TIMEOUT_MS);
			const done = (synced: boolean) => {
				if (!synced) return;
				clearTimeout(timer);
				resolve();
			};
			provider.on('sync', done);
			if (provider.synced) done(true);
		});
		if (confirm) await confirmStored(provider, doc);
		return true;
	} catch {
		return false;
	} finally {
		provider.destroy();
	}
}
