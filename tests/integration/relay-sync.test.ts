import { afterEach, describe, expect, it } from 'vitest';
import { allSynced, relayScope, waitFor } from '../../sync-server/testing/harness';

const relays = relayScope(afterEach);

describe('relay sync with stock y-websocket clients', () => {
	it('two editors converge on concurrent text and map edits', async () => {
		const relay = await relays.start();
		const token = await relay.token('ws1', 'editor');
		const a = relays.client(relay, 'ws1/doc1', token);
		const b = relays.client(relay, 'ws1/doc1', token);
		await allSynced(a, b);
		a.doc.getText('body').insert(0, 'hello ');
		b.doc.getText('body').insert(0, 'world');
		a.doc.getMap('meta').set('a', 1);
		b.doc.getMap('meta').set('b', 2);
		await waitFor(
			() =>
				a.doc.getText('body').length === 11 &&
				b.doc.getText('body').length === 11 &&
				b.doc.getMap('meta').size === 2 &&
				a.doc.getMap('meta').size === 2,
			'convergence'
		);
		expect(a.doc.getText('body').toString()).toBe(b.doc.getText('body').toString());
		expect(a.doc.getMap('meta').toJSON()).toEqual({ a: 1, b: 2 });
		expect(b.doc.getMap('meta').toJSON()).toEqual({ a: 1, b: 2 });
	});

	it('keeps rooms apart: an edit in one document never reaches another', async () => {
		const relay = await relays.start();
		const token = await relay.token('ws1', 'editor');
		const a = relays.client(relay, 'ws1/doc1', token);
		const b = relays.client(relay, 'ws1/doc2', token);
		const a2 = relays.client(relay, 'ws1/doc1', token);
		await allSynced(a, b, a2);
		a.doc.getText('t').insert(0, 'only doc1');
		await waitFor(() => a2.doc.getText('t').toString() === 'only doc1', 'doc1 peer update');
		expect(b.doc.getText('t').toString()).toBe('');
	});

	it('a late joiner receives the full state, and presence (awareness) is relayed', async () => {
		const relay = await relays.start();
		const token = await relay.token('ws1', 'editor');
		const a = relays.client(relay, 'ws1/doc1', token);
		await allSynced(a);
		a.doc.getText('t').insert(0, 'before b joined');
		a.provider.awareness.setLocalStateField('user', { name: 'Ada', color: '#f00' });
		const b = relays.client(relay, 'ws1/doc1', token);
		await waitFor(() => b.doc.getText('t').toString() === 'before b joined', 'late joiner state');
		await waitFor(
			() => b.provider.awareness.getStates().get(a.doc.clientID)?.user?.name === 'Ada',
			'awareness of a at b'
		);
		a.destroy();
		await waitFor(
			() => !b.provider.awareness.getStates().has(a.doc.clientID),
			'a removed from presence'
		);
	});

	it('reports rooms and connections on GET /healthz', async () => {
		const relay = await relays.start();
		const token = await relay.token('ws1', 'editor');
		const a = relays.client(relay, 'ws1/doc1', token);
		await allSynced(a);
		const res = await fetch(`${relay.relay.url}/healthz`);
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ ok: true, rooms: 1, connections: 1 });
		const missing = await fetch(`${relay.relay.url}/nope`);
		expect(missing.status).toBe(404);
	});
});
