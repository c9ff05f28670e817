import { afterEach, describe, expect, it } from 'vitest';
import { createToken } from '../../sync-server/src/auth/token';
import { allSynced, relayScope, waitFor } from '../../sync-server/testing/harness';
import * as Y from 'yjs';

const relays = relayScope(afterEach);

describe('relay persistence', () => {
	it('keeps every document across a clean restart, including after log compaction', async () => {
		const first = await relays.start({ config: { compactAfterUpdates: 5 } });
		const token = await first.token('ws1', 'editor');
		const a = relays.client(first, 'ws1/doc1', token);
		const b = relays.client(first, 'ws1/doc2', token);
		await allSynced(a, b);
		for (let i = 0; i < 40; i++) a.doc.getArray<number>('n').push([i]);
		b.doc.getText('t').insert(0, 'second doc');
		for (const c of [a, b]) c.destroy();
		await first.relay.close();

		const second = await relays.start({ dataDir: first.dataDir });
		const a2 = relays.client(second, 'ws1/doc1', await second.token('ws1', 'viewer'));
		const b2 = relays.client(second, 'ws1/doc2', await second.token('ws1', 'viewer'));
		await waitFor(
			() => a2.doc.getArray('n').length === 40 && b2.doc.getText('t').length === 10,
			'restored state'
		);
		expect(a2.doc.getArray('n').toArray()).toEqual([...Array(40).keys()]);
		expect(b2.doc.getText('t').toString()).toBe('second doc');
	});

	it('every update acknowledged to its sender survives kill -9 of the relay process', async () => {
		const dataDir = await relays.dataDir();
		const token = await createToken({ dataDir, workspace: 'ws1', role: 'editor' });
		const run1 = await relays.spawn(dataDir);
		// The writer observes what the relay sends it without applying it: its own structs can only
		// come back as the acknowledgement the relay sends after the LevelDB write.
		let acknowledged = 0;
		const writerDoc = new Y.Doc();
		const writer = relays.peer(run1, 'ws1/doc', token, {
			doc: writerDoc,
			observe: (update) => {
				const end = Y.parseUpdateMeta(update).to.get(writerDoc.clientID) ?? 0;
				acknowledged = Math.max(acknowledged, end);
			}
		});
		await writer.synced;
		const items = writerDoc.getArray<string>('items');
		for (let i = 0; i < 300; i++) {
			items.push([`item-${i}`]);
			if (i % 50 === 0) await new Promise((r) => setTimeout(r, 1));
		}
		writerDoc.getText('body').insert(0, 'acknowledged text');
		const sent = Y.getState(writerDoc.store, writerDoc.clientID);
		await waitFor(() => acknowledged >= sent, 'acknowledgement of every write');
		writer.close();
		await run1.kill();

		const run2 = await relays.spawn(dataDir);
		const reader = relays.client(run2, 'ws1/doc', token);
		await waitFor(() => reader.doc.getArray('items').length === 300, 'state after kill -9');
		expect(reader.doc.getArray('items').toArray()).toEqual(
			Array.from({ length: 300 }, (_, i) => `item-${i}`)
		);
		expect(reader.doc.getText('body').toString()).toBe('acknowledged text');
	}, 60_000);
});
