import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { postBatch, relayScope, waitFor } from '../../sync-server/testing/harness';

const relays = relayScope(afterEach);

describe('POST /sync/batch', () => {
	it('returns what the caller lacks for many documents, open or stored, in one response', async () => {
		const relay = await relays.start();
		const token = await relay.token('ws1', 'editor');
		const closed = relays.client(relay, 'ws1/stored', token);
		const open = relays.client(relay, 'ws1/open', token);
		const witness = relays.client(relay, 'ws1/open', token);
		closed.doc.getText('t').insert(0, 'stored text');
		open.doc.getText('t').insert(0, 'open text');
		await waitFor(
			() => closed.provider.synced && witness.doc.getText('t').length === 9,
			'writes relayed'
		);
		const stillThere = relays.client(relay, 'ws1/stored', token);
		await waitFor(() => stillThere.doc.getText('t').length === 11, 'stored write acknowledged');
		stillThere.destroy();
		closed.destroy();
		await waitFor(() => relay.relay.stats().rooms === 1, 'stored room closed');

		// The new device already has part of the open document.
		const device = new Y.Doc();
		Y.applyUpdate(device, Y.encodeStateAsUpdate(open.doc));
		const res = await postBatch(relay.relay, await relay.token('ws1', 'viewer'), {
			docs: [
				{ doc: 'stored' },
				{ doc: 'open', sv: Buffer.from(Y.encodeStateVector(device)).toString('base64') },
				{ doc: 'absent' }
			]
		});
		expect(res.status).toBe(200);
		const json = (await res.json()) as {
			workspace: string;
			docs: Array<{ doc: string; update: string }>;
		};
		expect(json.docs.map((d) => d.doc)).toEqual(['stored', 'open', 'absent']);
		const stored = new Y.Doc();
		Y.applyUpdate(stored, Buffer.from(json.docs[0].update, 'base64'));
		expect(stored.getText('t').toString()).toBe('stored text');
		expect(Buffer.from(json.docs[1].update, 'base64').length).toBeLessThan(
			Y.encodeStateAsUpdate(open.doc).length
		);
		Y.applyUpdate(device, Buffer.from(json.docs[1].update, 'base64'));
		expect(device.getText('t').toString()).toBe('open text');
		const absent = new Y.Doc();
		Y.applyUpdate(absent, Buffer.from(json.docs[2].update, 'base64'));
		expect(absent.getText('t').toString()).toBe('');
	});

	it('only ever reads the workspace of the token', async () => {
		const relay = await relays.start();
		const writer = relays.client(relay, 'ws1/doc', await relay.token('ws1', 'editor'));
		writer.doc.getText('t').insert(0, 'ws1 secret');
		const witness = relays.client(relay, 'ws1/doc', await relay.token('ws1', 'viewer'));
		await waitFor(() => witness.doc.getText('t').length === 10, 'write relayed');
		const res = await postBatch(relay.relay, await relay.token('ws2', 'owner'), {
			docs: [{ doc: 'doc' }]
		});
		const json = (await res.json()) as { workspace: string; docs: Array<{ update: string }> };
		expect(json.workspace).toBe('ws2');
		const doc = new Y.Doc();
		Y.applyUpdate(doc, Buffer.from(json.docs[0].update, 'base64'));
		expect(doc.getText('t').toString()).toBe('');
	});

	it('refuses a missing token (401) and malformed bodies (400)', async () => {
		const relay = await relays.start();
		const token = await relay.token('ws1', 'editor');
		expect((await postBatch(relay.relay, undefined, { docs: [] })).status).toBe(401);
		expect((await postBatch(relay.relay, token, '{oops')).status).toBe(400);
		expect((await postBatch(relay.relay, token, { docs: [{ doc: 'a/b' }] })).status).toBe(400);
		expect(
			(
				await postBatch(relay.relay, token, {
					docs: [{ doc: 'a', sv: Buffer.from([9, 9, 9]).toString('base64') }]
				})
			).status
		).toBe(400);
		expect((await fetch(`${relay.relay.url}/sync/batch`)).status).toBe(405);
	});
});
