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

const clients: TestClient[] = [];
const relays: RelayHandle[] = [];
const children: RelayProcess[] = [];
const dirs: string[] = [];

afterEach(async () => {
	for (const c of clients.splice(0)) c.destroy();
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

	it('every update another client has received survives kill -9 of the relay process', async () => {
		const dataDir = await makeDataDir();
		dirs.push(dataDir);
		const token = await createToken({ dataDir, workspace: 'ws1', role: 'editor' });
		const run1 = await spawnRelayProcess(dataDir);
		children.push(run1);
		const writer = connectClient(run1.wsUrl, 'ws1/doc', token);
		const witness = connectClient(run1.wsUrl, 'ws1/doc', token);
		clients.push(writer, witness);
		await waitFor(() => writer.provider.synced && witness.provider.synced, 'synced');
		const items = writer.doc.getArray<string>('items');
		for (let i = 0; i < 300; i++) {
			items.push([`item-${i}`]);
			if (i % 50 === 0) await new Promise((r) => setTimeout(r, 1));
		}
		writer.doc.getText('body').insert(0, 'acknowledged text');
		// The relay broadcasts an update only after its LevelDB write: seeing it at the witness is the acknowledgement.
		await waitFor(
			() =>
				witness.doc.getArray('items').length === 300 && witness.doc.getText('body').length === 17,
			'witness sees every write'
		);
		for (const c of clients.splice(0)) c.destroy();
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
