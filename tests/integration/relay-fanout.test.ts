import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { RoomStore } from '../../sync-server/src/rooms/store';
import { allSynced, relayScope, waitFor } from '../../sync-server/testing/harness';

const relays = relayScope(afterEach);

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

async function relayWithGate(dataDir?: string) {
	let gate!: ReturnType<typeof gatedStore>['gate'];
	const relay = await relays.start({
		dataDir,
		wrapStore: (inner) => {
			const gated = gatedStore(inner);
			gate = gated.gate;
			return gated.store;
		}
	});
	return { relay, gate };
}

describe('relay fan-out before durability', () => {
	it('delivers an update to other clients while its write is pending, and acknowledges it to the sender only once stored', async () => {
		const { relay, gate } = await relayWithGate();
		const token = await relay.token('ws1', 'editor');
		const writerDoc = new Y.Doc();
		const seenByWriter: number[] = [];
		const writer = relays.peer(relay, 'ws1/doc', token, {
			doc: writerDoc,
			observe: (u) => seenByWriter.push(...Y.parseUpdateMeta(u).to.keys())
		});
		const witness = relays.peer(relay, 'ws1/doc', token);
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
		const first = await relayWithGate();
		const token = await first.relay.token('ws1', 'editor');
		const writer = relays.client(first.relay, 'ws1/doc', token);
		const witness = relays.client(first.relay, 'ws1/doc', token);
		await allSynced(writer, witness);

		let witnessDropped = false;
		witness.provider.on('status', ({ status }: { status: string }) => {
			if (status === 'disconnected') witnessDropped = true;
		});
		first.gate.hold = true;
		writer.doc.getText('t').insert(0, 'never stored by the first write');
		await waitFor(() => witness.doc.getText('t').length > 0, 'witness received the update');
		await waitFor(() => first.gate.held.length > 0, 'write started');
		// The writer goes away unacknowledged; only the witness still holds the update.
		writer.destroy();
		first.gate.failHeld();
		// The failed room closes the witness (1011); its provider reconnects, answers the relay's
		// sync step 1 with what the relay lacks, and that update is stored.
		await waitFor(
			() => witnessDropped && witness.provider.wsconnected && witness.provider.synced,
			'witness reconnected'
		);
		const reader = relays.client(first.relay, 'ws1/doc', token);
		await waitFor(() => reader.doc.getText('t').length > 0, 'relay has the update again');
		for (const c of [witness, reader]) c.destroy();
		await first.relay.relay.close();

		const second = await relays.start({ dataDir: first.relay.dataDir });
		const after = relays.client(second, 'ws1/doc', token);
		await waitFor(() => after.doc.getText('t').length > 0, 'state after restart');
		expect(after.doc.getText('t').toString()).toBe('never stored by the first write');
	});
});
