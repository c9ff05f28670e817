import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	connectClient,
	removeDataDir,
	startTestRelay,
	waitFor,
	type TestClient,
	type TestRelay
} from '../../sync-server/testing/harness';

let relay: TestRelay | undefined;
const clients: TestClient[] = [];

afterEach(async () => {
	for (const c of clients.splice(0)) c.destroy();
	if (relay) {
		await relay.relay.close();
		await removeDataDir(relay.dataDir);
		relay = undefined;
	}
});

async function batch(token: string | undefined, body: unknown): Promise<Response> {
	return fetch(`${relay!.relay.url}/sync/batch`, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			...(token ? { authorization: `Bearer ${token}` } : {})
		},
		body: typeof body === 'string' ? body : JSON.stringify(body)
	});
}

describe('POST /sync/batch', () => {
	it('returns what the caller lacks for many documents, open or stored, in one response', async () => {
		relay = await startTestRelay();
		const token = await relay.token('ws1', 'editor');
		const closed = connectClient(relay.relay.wsUrl, 'ws1/stored', token);
		const open = connectClient(relay.relay.wsUrl, 'ws1/open', token);
		const witness = connectClient(relay.relay.wsUrl, 'ws1/open', token);
		clients.push(open, witness);
		closed.doc.getText('t').insert(0, 'stored text');
		open.doc.getText('t').insert(0, 'open text');
		await waitFor(
			() => closed.provider.synced && witness.doc.getText('t').length === 9,
			'writes relayed'
		);
		const stillThere = connectClient(relay.relay.wsUrl, 'ws1/stored', token);
		await waitFor(() => stillThere.doc.getText('t').length === 11, 'stored write acknowledged');
		stillThere.destroy();
		closed.destroy();
		await waitFor(() => relay!.relay.stats().rooms === 1, 'stored room closed');

		// The new device already has part of the open document.
		const device = new Y.Doc();
		Y.applyUpdate(device, Y.encodeStateAsUpdate(open.doc));
		const res = await batch(await relay.token('ws1', 'viewer'), {
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
		relay = await startTestRelay();
		const writer = connectClient(relay.relay.wsUrl, 'ws1/doc', await relay.token('ws1', 'editor'));
		clients.push(writer);
		writer.doc.getText('t').insert(0, 'ws1 secret');
		const witness = connectClient(relay.relay.wsUrl, 'ws1/doc', await relay.token('ws1', 'viewer'));
		clients.push(witness);
		await waitFor(() => witness.doc.getText('t').length === 10, 'write relayed');
		const res = await batch(await relay.token('ws2', 'owner'), { docs: [{ doc: 'doc' }] });
		const json = (await res.json()) as { workspace: string; docs: Array<{ update: string }> };
		expect(json.workspace).toBe('ws2');
		const doc = new Y.Doc();
		Y.applyUpdate(doc, Buffer.from(json.docs[0].update, 'base64'));
		expect(doc.getText('t').toString()).toBe('');
	});

	it('refuses a missing token (401) and malformed bodies (400)', async () => {
		relay = await startTestRelay();
		const token = await relay.token('ws1', 'editor');
		expect((await batch(undefined, { docs: [] })).status).toBe(401);
		expect((await batch(token, '{oops')).status).toBe(400);
		expect((await batch(token, { docs: [{ doc: 'a/b' }] })).status).toBe(400);
		expect(
			(await batch(token, { docs: [{ doc: 'a', sv: Buffer.from([9, 9, 9]).toString('base64') }] }))
				.status
		).toBe(400);
		expect((await fetch(`${relay.relay.url}/sync/batch`)).status).toBe(405);
	});
});
