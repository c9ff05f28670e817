import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createToken } from '../../sync-server/src/auth/token';
import { startRelay, type RelayHandle } from '../../sync-server/src/relay';
import type { RoomStore } from '../../sync-server/src/rooms/store';
import {
	connectClient,
	makeDataDir,
	removeDataDir,
	waitFor,
	type TestClient
} from '../../sync-server/testing/harness';
import { connectRawPeer, type RawPeer } from '../../sync-server/testing/raw-peer';

const clients: TestClient[] = [];
const peers: RawPeer[] = [];
const relays: RelayHandle[] = [];
const dirs: string[] = [];

afterEach(async () => {
	for (const c of clients.splice(0)) c.destroy();
	for (const p of peers.splice(0)) p.close();
	for (const r of relays.splice(0)) await r.close();
	for (const d of dirs.splice(0)) await removeDataDir(d);
});

/** A store whose writes can be held back, then let through or failed (as if the relay died). */
function gatedStore(inner: RoomStore) {
	const held: Array<{ write: () => void; fail: (error: Error) => void }> = [];
	const gate = {
		hold: false,
		held,
		releaseHeld() {
			gate.hold = false;
			for (const h of held.splice(0)) h.write();
		},
		failHeld() {
			gate.hold = false;
			for (const h of held.splice(0)) h.fail(new Error('simulated lost write'));
		}
	};
	const store: RoomStore = {
		...inner,
		append: (room, update) =>
			gate.hold
				? new Promise<void>((resolve, reject) =>
						held.push({
							write: () => inner.append(room, update).then(resolve, reject),
							fail: reject
						})
					)
				: inner.append(room, update)
	};
	return { gate, store };
}

async function relayWithGate(dataDir: string) {
	let gate!: ReturnType<typeof gatedStore>['gate'];
	const relay = await startRelay({
		port: 0,
		dataDir,
		wrapStore: (inner) => {
			const gated = gatedStore(inner);
			gate = gated.gate;
			return gated.store;
		}
	});
	relays.push(relay);
	return { relay, gate };
}

describe('relay fan-out before durability', () => {
	it('delivers an update to other clients while its write is pending, and acknowledges it to the sender only once stored', async () => {
		const dataDir = await makeDataDir();
		dirs.push(dataDir);
		const { relay, gate } = await relayWithGate(dataDir);
		const token = await createToken({ dataDir, workspace: 'ws1', role: 'editor' });
		const url = `${relay.wsUrl}/ws1/doc?token=${token}`;
		const writerDoc = new Y.Doc();
		const seenByWriter: number[] = [];
		const writer = connectRawPeer(url, {
			doc: writerDoc,
			observe: (u) => seenByWriter.push(...Y.parseUpdateMeta(u).to.keys())
		});
		const witness = connectRawPeer(url);
		peers.push(writer, witness);
		await Promise.all([writer.synced, witness.synced]);

		gate.hold = true;
		writerDoc.getText('t').insert(0, 'pending');
		await waitFor(() => witness.doc.getText('t').toString() === 'pending', 'witness update');
		await waitFor(() => gate.held.length > 0, 'write started');
		expect(seenByWriter).not.toContain(writerDoc.clientID);

		gate.releaseHeld();
		await waitFor(() => seenByWriter.includes(writerDoc.clientID), 'acknowledgement');
		expect(witness.doc.getText('t').toString()).toBe('pending');
	});

	it('a client that received an update the relay then failed to store re-syncs it on reconnect', async () => {
		const dataDir = await makeDataDir();
		dirs.push(dataDir);
		const first = await relayWithGate(dataDir);
		const token = await createToken({ dataDir, workspace: 'ws1', role: 'editor' });
		const writer = connectClient(first.relay.wsUrl, 'ws1/doc', token);
		const witness = connectClient(first.relay.wsUrl, 'ws1/doc', token);
		clients.push(writer, witness);
		await waitFor(() => writer.provider.synced && witness.provider.synced, 'synced');

		let witnessDropped = false;
		witness.provider.on('status', ({ status }: { status: string }) => {
			if (status === 'disconnected') witnessDropped = true;
		});
		first.gate.hold = true;
		writer.doc.getText('t').insert(0, 'never stored by the first write');
		await waitFor(() => witness.doc.getText('t').length > 0, 'witness received the update');
		await waitFor(() => first.gate.held.length > 0, 'write started');
		// The writer goes away unacknowledged; only the witness still holds the update.
		clients.splice(0, 1)[0].destroy();
		first.gate.failHeld();
		// The failed room closes the witness (1011); its provider reconnects, answers the relay's
		// sync step 1 with what the relay lacks, and that update is stored.
		await waitFor(
			() => witnessDropped && witness.provider.wsconnected && witness.provider.synced,
			'witness reconnected'
		);
		const reader = connectClient(first.relay.wsUrl, 'ws1/doc', token);
		clients.push(reader);
		await waitFor(() => reader.doc.getText('t').length > 0, 'relay has the update again');
		for (const c of clients.splice(0)) c.destroy();
		await relays.splice(0)[0].close();

		const second = await startRelay({ port: 0, dataDir });
		relays.push(second);
		const after = connectClient(second.wsUrl, 'ws1/doc', token);
		clients.push(after);
		await waitFor(() => after.doc.getText('t').length > 0, 'state after restart');
		expect(after.doc.getText('t').toString()).toBe('never stored by the first write');
	});
});
