import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import type { RawClient, TestClient } from '../../sync-server/testing/harness';
import { allSynced, relayScope, waitFor } from '../../sync-server/testing/harness';

const relays = relayScope(afterEach);
const ROOM = 'ws1/p.p1';

/** A y-websocket awareness message with hand-picked entries (client id, clock, state). */
function awarenessMessage(entries: Array<[number, number, unknown]>): Uint8Array {
	const update = encoding.createEncoder();
	encoding.writeVarUint(update, entries.length);
	for (const [id, clock, state] of entries) {
		encoding.writeVarUint(update, id);
		encoding.writeVarUint(update, clock);
		encoding.writeVarString(update, JSON.stringify(state));
	}
	const message = encoding.createEncoder();
	encoding.writeVarUint(message, 1);
	encoding.writeVarUint8Array(message, encoding.toUint8Array(update));
	return encoding.toUint8Array(message);
}

const nameAt = (observer: TestClient, id: number): unknown =>
	(observer.provider.awareness.getStates().get(id) as { user?: { name?: string } } | undefined)
		?.user?.name;

async function openRaw(raw: RawClient): Promise<RawClient> {
	await raw.opened;
	return raw;
}

describe('presence (awareness) at the relay', () => {
	it("a viewer cannot overwrite or remove another member's presence", async () => {
		const relay = await relays.start();
		const ed = relays.client(relay, ROOM, await relay.token('ws1', 'editor', 'ed'));
		const observer = relays.client(relay, ROOM, await relay.token('ws1', 'editor', 'obs'));
		await allSynced(ed, observer);
		ed.provider.awareness.setLocalStateField('user', { name: 'Ed' });
		const edId = ed.doc.clientID;
		await waitFor(() => nameAt(observer, edId) === 'Ed', 'observer sees Ed');

		const viewer = await openRaw(
			relays.raw(relay, ROOM, await relay.token('ws1', 'viewer', 'vic'))
		);
		// Its own presence claims id 777; the entry for Ed's id (a far higher clock) must be ignored.
		viewer.ws.send(
			awarenessMessage([
				[777, 1, { user: { name: 'Vic' } }],
				[edId, 1000, { user: { name: 'HACKED' } }]
			])
		);
		await waitFor(() => nameAt(observer, 777) === 'Vic', 'observer sees Vic');
		// A later update may neither overwrite nor remove Ed.
		viewer.ws.send(awarenessMessage([[edId, 2000, { user: { name: 'HACKED again' } }]]));
		viewer.ws.send(awarenessMessage([[edId, 3000, null]]));
		viewer.ws.send(awarenessMessage([[777, 2, { user: { name: 'Vic 2' } }]]));
		await waitFor(() => nameAt(observer, 777) === 'Vic 2', 'observer sees Vic 2');
		expect(nameAt(observer, edId)).toBe('Ed');
		expect(nameAt(ed, edId)).toBe('Ed');
		// A newcomer gets Ed's real state from the relay.
		const late = relays.client(relay, ROOM, await relay.token('ws1', 'viewer', 'late'));
		await waitFor(() => nameAt(late, 777) === 'Vic 2', 'newcomer sees Vic');
		expect(nameAt(late, edId)).toBe('Ed');
		// Stock clients echo every state they know, so more than the viewer's 3 are dropped.
		expect(relay.relay.stats().droppedAwarenessEntries).toBeGreaterThanOrEqual(3);
	});

	it('a client id is owned by the first connection that claims it', async () => {
		const relay = await relays.start();
		const token = await relay.token('ws1', 'editor', 'ed');
		const observer = relays.client(relay, ROOM, await relay.token('ws1', 'editor', 'obs'));
		await allSynced(observer);
		const first = await openRaw(relays.raw(relay, ROOM, token));
		first.ws.send(awarenessMessage([[4242, 1, { user: { name: 'first' } }]]));
		await waitFor(() => nameAt(observer, 4242) === 'first', 'first claim');
		const second = await openRaw(relays.raw(relay, ROOM, token));
		second.ws.send(
			awarenessMessage([
				[4242, 5, { user: { name: 'second' } }],
				[4343, 1, { user: { name: 'second own' } }]
			])
		);
		await waitFor(() => nameAt(observer, 4343) === 'second own', 'second claims its own id');
		expect(nameAt(observer, 4242)).toBe('first');
	});

	it("removes a closed connection's presence from everyone", async () => {
		const relay = await relays.start();
		const observer = relays.client(relay, ROOM, await relay.token('ws1', 'editor', 'obs'));
		await allSynced(observer);
		const raw = await openRaw(relays.raw(relay, ROOM, await relay.token('ws1', 'viewer')));
		raw.ws.send(awarenessMessage([[5151, 1, { user: { name: 'leaving' } }]]));
		await waitFor(() => nameAt(observer, 5151) === 'leaving', 'present');
		raw.ws.close();
		await waitFor(
			() => !observer.provider.awareness.getStates().has(5151),
			'removal broadcast to the observer'
		);
	});
});
