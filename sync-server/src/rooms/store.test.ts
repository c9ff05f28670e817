/**
 * The LevelDB room store reads back exactly what was appended: many updates merge into the same
 * document state, `loadMany` answers in the order asked (an unknown room is an empty document),
 * and a room with more updates than y-leveldb likes to keep is compacted on read without loss.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { makeDataDir, removeDataDir } from '../../testing/harness';
import { openLeveldbStore, type RoomStore } from './store';

const dirs: string[] = [];
const stores: RoomStore[] = [];
afterEach(async () => {
	for (const s of stores.splice(0)) await s.close();
	for (const d of dirs.splice(0)) await removeDataDir(d);
});

async function open(dir?: string): Promise<{ store: RoomStore; dir: string }> {
	const d = dir ?? (await makeDataDir());
	if (!dir) dirs.push(d);
	const store = await openLeveldbStore(d);
	stores.push(store);
	return { store, dir: d };
}

/** Appends `n` edits of a text to `room`, each its own update; returns the final text. */
async function typeInto(store: RoomStore, room: string, n: number): Promise<string> {
	const doc = new Y.Doc();
	const writes: Promise<void>[] = [];
	doc.on('update', (u: Uint8Array) => writes.push(store.append(room, u)));
	for (let i = 0; i < n; i++)
		doc.getText('t').insert(i % 3 === 0 ? 0 : doc.getText('t').length, `${i},`);
	await Promise.all(writes);
	return doc.getText('t').toString();
}

const textOf = (update: Uint8Array) => {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, update);
	return doc.getText('t').toString();
};

describe('LevelDB room store', () => {
	it('merges many appended updates into the same document after a reopen', async () => {
		const first = await open();
		const a = await typeInto(first.store, 'w/a', 40);
		const b = await typeInto(first.store, 'w/b', 1);
		await first.store.close();
		stores.splice(stores.indexOf(first.store), 1);
		const { store } = await open(first.dir);
		expect(textOf(await store.load('w/a'))).toBe(a);
		const many = await store.loadMany!(['w/b', 'w/none', 'w/a']);
		expect(many.map(textOf)).toEqual([b, '', a]);
	});

	it('compacts a room with more than 500 stored updates when it is read, losing nothing', async () => {
		const { store } = await open();
		const text = await typeInto(store, 'w/long', 520);
		expect(textOf(await store.load('w/long'))).toBe(text);
		// After the compaction the room reads back the same again.
		expect(textOf(await store.load('w/long'))).toBe(text);
	});
});
