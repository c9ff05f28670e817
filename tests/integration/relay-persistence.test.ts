import { afterEach, describe, expect, it } from 'vitest';
import { createToken } from '../../sync-server/src/auth/token';
import {
	connectClient,
	makeDataDir,
	removeDataDir,
	spawnRelayProcess,
	startTestRelay,
	waitFor,
	type RelayProcess,
	type TestClient
} from '../../sync-server/testing/harness';
import type { RelayHandle } from '../../sync-server/src/relay';
import { connectRawPeer, type RawPeer } from '../../sync-server/testing/raw-peer';
import * as Y from 'yjs';

const clients: TestClient[] = [];
const relays: RelayHandle[] = [];
const children: RelayProcess[] = [];
const dirs: string[] = [];
const peers: RawPeer[] = [];

afterEach(async () => {
	for (const c of clients.splice(0)) c.destroy();
	for (const p of peers.splice(0)) p.close();
	for (const r of relays.splice(0)) await r.close();
	for (const child of children.splice(0)) await child.kill();
	for (const d of dirs.splice(0)) await removeDataDir(d);
});

describe('relay persistence', () => {
	it('keeps every document across a clean restart, including after log compaction', async () => {
		const first = await startTestRelay(undefined, { compactAfterUpdates: 5 });
		relays.push(first.relay);
		dirs.push(first.dataDir);
		const token = await first.token('ws1', 'editor');
		const a = connectClient(first.relay.wsUrl, 'ws1/doc1', token);
		const b = connectClient(first.relay.wsUrl, 'ws1/doc2', token);
		clients.push(a, b);
		await waitFor(() => a.provider.synced && b.provider.synced, 'synced');
		for (let i = 0; i < 40; i++) a.doc.getArray<number>('n').push([i]);
		b.doc.getText('t').insert(0, 'second doc');
		for (const c of clients.splice(0)) c.destroy();
		await first.relay.close();
		relays.splice(0);

		const second = await startTestRelay(first.dataDir);
		relays.push(second.relay);
		const a2 = connectClient(second.relay.wsUrl, 'ws1/doc1', await second.token('ws1', 'viewer'));
		const b2 = connectClient(second.relay.wsUrl, 'ws1/doc2', await second.token('ws1', 'viewer'));
		clients.push(a2, b2);
		await waitFor(
			() => a2.doc.getArray('n').length === 40 && b2.doc.getText('t').length === 10,
			'restored state'
		);
		expect(a2.doc.getArray('n').toArray()).toEqual([...Array(40).keys()]);
		expect(b2.doc.getText('t').toString()).toBe('second doc');
	});

	it('every update acknowledged to its sender survives kill -9 of the relay process', async () => {
		const dataDir = await makeDataDir();
		dirs.push(dataDir);
		const token = await createToken({ dataDir, workspace: 'ws1', role: 'editor' });
		const run1 = await spawnRelayProcess(dataDir);
		children.push(run1);
		// The writer observes what the relay sends it without applying it: its own structs can only
		// come back as the acknowledgement the relay sends after the LevelDB write.
		let acknowledged = 0;
		const writerDoc = new Y.Doc();
		const writer = connectRawPeer(`${run1.wsUrl}/ws1/doc?token=${token}`, {
			doc: writerDoc,
			observe: (update) => {
				const end = Y.parseUpdateMeta(update).to.get(writerDoc.clientID) ?? 0;
				acknowledged = Math.max(acknowledged, end);
			}
		});
		peers.push(writer);
		await writer.synced;
		const items = writerDoc.getArray<string>('items');
		for (let i = 0; i < 300; i++) {
			items.push([`item-${i}`]);
			if (i % 50 === 0) await new Promise((r) => setTimeout(r, 1));
		}
		writerDoc.getText('body').insert(0, 'acknowledged text');
		const sent = Y.getState(writerDoc.store, writerDoc.clientID);
		await waitFor(() => acknowledged >= sent, 'acknowledgement of every write');
		for (const p of peers.splice(0)) p.close();
		await run1.kill();

		const run2 = await spawnRelayProcess(dataDir);
		children.push(run2);
		const reader = connectClient(run2.wsUrl, 'ws1/doc', token);
		clients.push(reader);
		await waitFor(() => reader.doc.getArray('items').length === 300, 'state after kill -9');
		expect(reader.doc.getArray('items').toArray()).toEqual(
			Array.from({ length: 300 }, (_, i) => `item-${i}`)
		);
		expect(reader.doc.getText('body').toString()).toBe('acknowledged text');
	}, 60_000);
});
