import * as decoding from 'lib0/decoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DEFAULT_RELAY_CONFIG } from '../config';
import { silentLogger } from '../logger';
import { MESSAGE_AWARENESS, MESSAGE_SYNC } from '../../../src/lib/core/relay/protocol';
import { Room, type RoomMember } from './room';
import type { RoomStore } from './store';

/** A store whose appends wait until the test settles them. */
class HeldStore implements RoomStore {
	readonly stored: Uint8Array[] = [];
	readonly held: Array<{ update: Uint8Array; settle: (error?: Error) => void }> = [];

	async load(): Promise<Uint8Array> {
		return Y.encodeStateAsUpdate(new Y.Doc());
	}
	append(_room: string, update: Uint8Array): Promise<void> {
		return new Promise((resolve, reject) =>
			this.held.push({
				update,
				settle: (error) => {
					if (error) return reject(error);
					this.stored.push(update);
					resolve();
				}
			})
		);
	}
	/** Completes the oldest held write (or fails it), once the room has started it. */
	async release(error?: Error): Promise<void> {
		for (let i = 0; i < 50 && this.held.length === 0; i++) await pause();
		const next = this.held.shift();
		if (!next) throw new Error('no write is held');
		next.settle(error);
		await turn();
	}
	async compact(): Promise<void> {}
	async rooms(): Promise<string[]> {
		return [];
	}
	async close(): Promise<void> {}
}

class FakeMember implements RoomMember {
	readonly received: Uint8Array[] = [];
	closedWith: number | null = null;
	send(message: Uint8Array): void {
		this.received.push(message);
	}
	close(code: number): void {
		this.closedWith = code;
	}
	/** The Yjs updates among the received messages. */
	updates(): Uint8Array[] {
		return this.received.flatMap((m) => {
			const d = decoding.createDecoder(m);
			if (decoding.readVarUint(d) !== MESSAGE_SYNC) return [];
			decoding.readVarUint(d);
			return [decoding.readVarUint8Array(d)];
		});
	}
	/** Client ids whose structs this member has received. */
	writers(): number[] {
		return [...new Set(this.updates().flatMap((u) => [...Y.parseUpdateMeta(u).to.keys()]))].sort();
	}
	awarenessMessages(): Uint8Array[] {
		return this.received.filter((m) => decoding.readVarUint(decoding.createDecoder(m)) === 1);
	}
}

/** Lets the fan-out (setImmediate) and promise continuations run. */
const turn = () => new Promise<void>((r) => setImmediate(r));
/** Lets timers (the write batch window) fire. */
const pause = () => new Promise<void>((r) => setTimeout(r, 1));

/** A client edit: the update `client` would send for one map entry. */
function edit(clientID: number, value: string): Uint8Array {
	const doc = new Y.Doc();
	doc.clientID = clientID;
	doc.getMap('m').set(`k${clientID}`, value);
	return Y.encodeStateAsUpdate(doc);
}

const rooms: Room[] = [];
afterEach(async () => {
	for (const r of rooms.splice(0)) void r.close();
});

async function openRoom(store: RoomStore = new HeldStore(), fanoutIntervalMs = 0) {
	const config = { ...DEFAULT_RELAY_CONFIG, persistBatchMs: 0, fanoutIntervalMs };
	const room = new Room('ws/doc', store, config, silentLogger);
	rooms.push(room);
	await room.ready;
	const [a, b, c] = [new FakeMember(), new FakeMember(), new FakeMember()];
	for (const m of [a, b, c]) room.join(m);
	return { room, a, b, c };
}

describe('room fan-out and acknowledgement', () => {
	it('fans an update out to the other members before it is stored, and echoes it to its sender only after the write', async () => {
		const store = new HeldStore();
		const { room, a, b, c } = await openRoom(store);
		Y.applyUpdate(room.doc, edit(1, 'x'), a);
		await turn();
		expect(store.stored).toHaveLength(0);
		expect(b.writers()).toEqual([1]);
		expect(c.writers()).toEqual([1]);
		expect(a.received).toHaveLength(0);
		expect(room.durable).toBe(false);

		await store.release();
		expect(store.stored).toHaveLength(1);
		expect(a.writers()).toEqual([1]);
		expect(b.received).toHaveLength(1);
		expect(room.durable).toBe(true);
	});

	it('sends the members that wrote nothing the very same message, and each writer the batch without its own updates', async () => {
		const { room, a, b, c } = await openRoom();
		Y.applyUpdate(room.doc, edit(1, 'from a'), a);
		Y.applyUpdate(room.doc, edit(2, 'from b'), b);
		await turn();
		expect(c.received).toHaveLength(1);
		expect(c.writers()).toEqual([1, 2]);
		expect(a.writers()).toEqual([2]);
		expect(b.writers()).toEqual([1]);
		const d = new FakeMember();
		room.join(d);
		Y.applyUpdate(room.doc, edit(3, 'from c'), c);
		await turn();
		expect(d.received[0]).toBe(a.received[1]);
		expect(d.received[0]).toBe(b.received[1]);
	});

	it('sends the updates that arrive within fanoutIntervalMs of a fan-out later, merged into one message', async () => {
		const { room, a, b, c } = await openRoom(new HeldStore(), 40);
		Y.applyUpdate(room.doc, edit(1, 'first'), a);
		await turn();
		expect(c.writers()).toEqual([1]);
		Y.applyUpdate(room.doc, edit(2, 'second'), b);
		await turn();
		Y.applyUpdate(room.doc, edit(3, 'third'), a);
		await turn();
		expect(c.received).toHaveLength(1);
		for (let i = 0; i < 200 && c.received.length < 2; i++) await pause();
		expect(c.received).toHaveLength(2);
		expect(Y.parseUpdateMeta(c.updates()[1]).to).toEqual(
			new Map([
				[2, 1],
				[3, 1]
			])
		);
		expect(b.writers()).toEqual([1, 3]);
		expect(b.updates()).toHaveLength(2);
	});

	it('acknowledges nothing when the write fails, closes every member with 1011 and rejects persisted()', async () => {
		const store = new HeldStore();
		const { room, a, b } = await openRoom(store);
		Y.applyUpdate(room.doc, edit(1, 'x'), a);
		const waiting = expect(room.persisted()).rejects.toThrow(/disk full/);
		await turn();
		await store.release(new Error('disk full'));
		await waiting;
		expect(a.received).toHaveLength(0);
		expect([a.closedWith, b.closedWith]).toEqual([1011, 1011]);
		await expect(room.persisted()).rejects.toThrow(/storage write of room ws\/doc failed/);
	});

	it('persisted() waits for the updates applied before the call, not for later ones', async () => {
		const store = new HeldStore();
		const { room, a } = await openRoom(store);
		Y.applyUpdate(room.doc, edit(1, 'first'), a);
		let done = false;
		const waiting = room.persisted().then(() => (done = true));
		await turn();
		Y.applyUpdate(room.doc, edit(2, 'second'), a);
		await store.release();
		await waiting;
		expect(done).toBe(true);
		expect(room.durable).toBe(false);
		await store.release();
		expect(room.durable).toBe(true);
	});

	it('broadcasts the awareness changes of one event-loop turn as one message', async () => {
		const { room, a, b, c } = await openRoom();
		for (const [member, clientID] of [
			[a, 11],
			[b, 12]
		] as const) {
			const peer = new awarenessProtocol.Awareness(new Y.Doc());
			peer.clientID = clientID;
			// A first state has clock 0, which a receiver ignores; the second one (clock 1) is news.
			peer.setLocalState({ user: 'joining' });
			peer.setLocalState({ user: `u${clientID}` });
			room.applyAwareness(member, awarenessProtocol.encodeAwarenessUpdate(peer, [clientID]));
			peer.destroy();
		}
		await turn();
		expect(c.awarenessMessages()).toHaveLength(1);
		const d = decoding.createDecoder(c.awarenessMessages()[0]);
		expect(decoding.readVarUint(d)).toBe(MESSAGE_AWARENESS);
		const target = new awarenessProtocol.Awareness(new Y.Doc());
		target.setLocalState(null);
		awarenessProtocol.applyAwarenessUpdate(target, decoding.readVarUint8Array(d), null);
		expect([...target.getStates().keys()].sort()).toEqual([11, 12]);
		target.destroy();
		room.leave(a);
		await turn();
		expect(c.awarenessMessages()).toHaveLength(2);
	});
});
