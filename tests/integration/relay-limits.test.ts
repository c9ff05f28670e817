import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { allSynced, relayScope, waitFor } from '../../sync-server/testing/harness';

const relays = relayScope(afterEach);

function message(write: (e: encoding.Encoder) => void): Uint8Array {
	const e = encoding.createEncoder();
	write(e);
	return encoding.toUint8Array(e);
}

function syncUpdate(update: Uint8Array): Uint8Array {
	return message((e) => {
		encoding.writeVarUint(e, 0);
		encoding.writeVarUint(e, 2);
		encoding.writeVarUint8Array(e, update);
	});
}

const validUpdate = (() => {
	const d = new Y.Doc();
	d.getText('t').insert(0, 'hello world');
	return Y.encodeStateAsUpdate(d);
})();

const corruptUpdate = (() => {
	const u = new Uint8Array(validUpdate);
	u[3] = 0xff;
	u[4] = 0xff;
	return u.subarray(0, 9);
})();

const badMessages: Array<[string, Uint8Array | string, number]> = [
	['unknown message type', message((e) => encoding.writeVarUint(e, 42)), 1003],
	[
		'unknown sync step',
		message((e) => (encoding.writeVarUint(e, 0), encoding.writeVarUint(e, 9))),
		1003
	],
	['text frame', 'hello', 1003],
	['truncated message', new Uint8Array([0, 2, 50, 1, 2]), 1007],
	['empty message', new Uint8Array(0), 1007],
	['corrupt Yjs update', syncUpdate(corruptUpdate), 1007],
	[
		'corrupt state vector',
		message(
			(e) => (
				encoding.writeVarUint(e, 0),
				encoding.writeVarUint(e, 0),
				encoding.writeVarUint8Array(e, new Uint8Array([5, 200]))
			)
		),
		1007
	],
	[
		'awareness with invalid JSON',
		message((e) => {
			encoding.writeVarUint(e, 1);
			encoding.writeVarUint8Array(
				e,
				message((a) => {
					encoding.writeVarUint(a, 1);
					encoding.writeVarUint(a, 7);
					encoding.writeVarUint(a, 1);
					encoding.writeVarString(a, '{not json');
				})
			);
		}),
		1007
	]
];

/**
 * A relay whose `limit` is 2: one token opens `ws1/a` and `ws1/b`, then its upgrade of `ws1/c`
 * is refused with 429 naming the limit.
 */
async function twoOpenThirdRefused(limit: 'maxConnectionsPerToken' | 'maxRoomsPerWorkspace') {
	const relay = await relays.start({ config: { [limit]: 2 } });
	const token = await relay.token('ws1', 'editor');
	const a = relays.raw(relay, 'ws1/a', token);
	const b = relays.raw(relay, 'ws1/b', token);
	await Promise.all([a.opened, b.opened]);
	const third = await relay.upgrade('ws1/c', token);
	expect(third.status).toBe(429);
	expect(JSON.parse(third.body).error).toMatch(limit);
	return { relay, token, a, b };
}

describe('relay limits and bad input', () => {
	it.each(badMessages)('a %s closes only that connection', async (_name, payload, code) => {
		const relay = await relays.start();
		const token = await relay.token('ws1', 'editor');
		const good = relays.client(relay, 'ws1/doc', token);
		await allSynced(good);
		const bad = relays.raw(relay, 'ws1/doc', token);
		await bad.opened;
		bad.ws.send(payload);
		const closed = await bad.closed;
		expect(closed.code).toBe(code);
		expect(closed.reason.length).toBeGreaterThan(0);
		// The relay and the other client in the same room carry on.
		const other = relays.client(relay, 'ws1/doc', token);
		good.doc.getText('t').insert(0, 'still alive');
		await waitFor(
			() => other.doc.getText('t').toString() === 'still alive',
			'relay still serves the room'
		);
		expect(good.provider.wsconnected).toBe(true);
		expect(relay.relay.stats().closedMalformed).toBe(1);
	});

	it('refuses an oversize message with close code 1009 and a reason, keeping other clients', async () => {
		const relay = await relays.start({ config: { maxMessageBytes: 1024 } });
		const token = await relay.token('ws1', 'editor');
		const good = relays.client(relay, 'ws1/doc', token);
		await allSynced(good);
		const bad = relays.raw(relay, 'ws1/doc', token);
		await bad.opened;
		const d = new Y.Doc();
		d.getText('t').insert(0, 'x'.repeat(2000));
		bad.ws.send(syncUpdate(Y.encodeStateAsUpdate(d)));
		const closed = await bad.closed;
		expect(closed.code).toBe(1009);
		expect(closed.reason).toMatch(/exceeds the limit of 1024/);
		expect(good.doc.getText('t').toString()).toBe('');
		good.doc.getText('t').insert(0, 'small');
		const other = relays.client(relay, 'ws1/doc', token);
		await waitFor(() => other.doc.getText('t').toString() === 'small', 'small edits still flow');
		expect(relay.relay.stats().closedOversize).toBe(1);
	});

	it('refuses connections beyond maxConnectionsPerToken with 429, and frees the slot on close', async () => {
		const { relay, token, a, b } = await twoOpenThirdRefused('maxConnectionsPerToken');
		expect((await relay.upgrade('ws1/c', await relay.token('ws1', 'editor', 'other'))).status).toBe(
			101
		);
		a.ws.close();
		await a.closed;
		await waitFor(() => relay.relay.stats().connections === 1, 'slot freed');
		expect((await relay.upgrade('ws1/c', token)).status).toBe(101);
		b.ws.close();
	});

	it('refuses opening more than maxRoomsPerWorkspace documents with 429, other workspaces unaffected', async () => {
		const { relay, token, a, b } = await twoOpenThirdRefused('maxRoomsPerWorkspace');
		expect((await relay.upgrade('ws1/a', token)).status).toBe(101);
		expect((await relay.upgrade('ws2/c', await relay.token('ws2', 'editor'))).status).toBe(101);
		a.ws.close();
		b.ws.close();
	});
});
