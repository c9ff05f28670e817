import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	ChatMessages,
	legacyMessageId,
	liveMessages,
	migrateMessages,
	needsMigration,
	readMessages,
	writeMessages
} from './chat-doc';
import { applyTextDiff, promptDocParts } from './ydoc-model';

const exchange = (a: Y.Doc, b: Y.Doc) => {
	Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
	Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
};

const clone = (doc: Y.Doc) => {
	const copy = new Y.Doc();
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
	return copy;
};

/** A prompt document as the app wrote it before messages had ids and positions. */
function legacyDoc(): Y.Doc {
	const doc = new Y.Doc();
	const arr = promptDocParts(doc).messages;
	doc.transact(() => {
		const sys = new Y.Map<unknown>();
		sys.set('role', 'system');
		sys.set('content', new Y.Text('You are terse.'));
		const user = new Y.Map<unknown>();
		user.set('role', 'user');
		user.set('content', 'Summarize {{ text }}'); // an even older plain-string content
		const asst = new Y.Map<unknown>();
		asst.set('role', 'assistant');
		asst.set('content', new Y.Text('OK.'));
		arr.push([sys, user, asst]);
	});
	return doc;
}

const messagesOf = (doc: Y.Doc) => promptDocParts(doc).messages;

describe('chat messages in a prompt document', () => {
	it('reads an old-shape document with stable derived ids, unchanged by its migration', () => {
		const doc = legacyDoc();
		const arr = messagesOf(doc);
		const before = liveMessages(arr);
		expect(readMessages(arr)).toEqual([
			{ role: 'system', content: 'You are terse.' },
			{ role: 'user', content: 'Summarize {{ text }}' },
			{ role: 'assistant', content: 'OK.' }
		]);
		expect(before.map((m) => m.id)).toEqual(arr.toArray().map(legacyMessageId));
		expect(before[1].text).toBeNull();
		// Another device derives the same ids from the same update, without writing anything.
		expect(liveMessages(messagesOf(clone(doc))).map((m) => m.id)).toEqual(before.map((m) => m.id));

		expect(needsMigration(arr)).toBe(true);
		doc.transact(() => expect(migrateMessages(arr)).toBe(true));
		expect(needsMigration(arr)).toBe(false);
		expect(liveMessages(arr).map(({ id, role, content }) => ({ id, role, content }))).toEqual(
			before.map(({ id, role, content }) => ({ id, role, content }))
		);
		expect(liveMessages(arr).every((m) => m.text instanceof Y.Text)).toBe(true);
		doc.transact(() => expect(migrateMessages(arr)).toBe(false));
	});

	it('two devices migrating the same old document concurrently converge without duplicates', () => {
		const origin = legacyDoc();
		const a = clone(origin);
		const b = clone(origin);
		new ChatMessages(messagesOf(a)).migrate();
		new ChatMessages(messagesOf(b)).migrate();
		// Each device also edits right after migrating, before hearing from the other.
		const ma = new ChatMessages(messagesOf(a));
		const mb = new ChatMessages(messagesOf(b));
		ma.list()[0].text!.insert(0, '[a] ');
		mb.setRole(mb.list()[2].id, 'user');
		mb.list()[2].text!.insert(3, ' [b]');
		exchange(a, b);

		expect(a.getArray('messages').toJSON()).toEqual(b.getArray('messages').toJSON());
		expect(ma.list().map((m) => m.id)).toEqual(mb.list().map((m) => m.id));
		expect(ma.list().map((m) => m.id)).toEqual(liveMessages(messagesOf(origin)).map((m) => m.id));
		expect(ma.read()).toEqual([
			{ role: 'system', content: '[a] You are terse.' },
			{ role: 'user', content: 'Summarize {{ text }}' },
			{ role: 'user', content: 'OK. [b]' }
		]);
		expect(mb.read()).toEqual(ma.read());
		expect(needsMigration(messagesOf(a))).toBe(false);
	});

	it('adds, removes, reorders and changes roles live, and a move keeps concurrent typing', () => {
		const a = new Y.Doc();
		const ma = new ChatMessages(messagesOf(a));
		const sys = ma.add('system', 'Be kind.');
		const user = ma.add('user', 'Hi {{ name }}');
		const b = clone(a);
		const mb = new ChatMessages(messagesOf(b));

		// A moves the user message first while B types into it and adds an answer at the end.
		ma.move(user, 0);
		const userText = mb.list().find((m) => m.id === user)!.text!;
		userText.insert(userText.length, '!');
		const answer = mb.add('assistant', 'Hello.');
		exchange(a, b);
		const want = [
			{ role: 'user', content: 'Hi {{ name }}!' },
			{ role: 'system', content: 'Be kind.' },
			{ role: 'assistant', content: 'Hello.' }
		];
		expect(ma.read()).toEqual(want);
		expect(mb.read()).toEqual(want);

		// Insert between, change a role, remove: all converge.
		const mid = ma.add('user', 'Middle', 1);
		mb.setRole(sys, 'assistant');
		mb.remove(answer);
		exchange(a, b);
		expect(ma.list().map((m) => m.id)).toEqual([user, mid, sys]);
		expect(mb.read()).toEqual([
			{ role: 'user', content: 'Hi {{ name }}!' },
			{ role: 'user', content: 'Middle' },
			{ role: 'assistant', content: 'Be kind.' }
		]);
		expect(ma.read()).toEqual(mb.read());
	});

	it('saves a whole list by position, and writes nothing when the list is unchanged', () => {
		const doc = legacyDoc();
		const arr = messagesOf(doc);
		let updates = 0;
		doc.on('update', () => updates++);
		doc.transact(() => writeMessages(arr, readMessages(arr), applyTextDiff));
		expect(updates).toBe(0); // a read-only device saving what it sees sends nothing
		const next = [
			{ role: 'system' as const, content: 'You are terse and kind.' },
			{ role: 'user' as const, content: 'Summarize {{ text }}' }
		];
		const sysText = arr.get(0).get('content');
		doc.transact(() => writeMessages(arr, next, applyTextDiff));
		expect(readMessages(arr)).toEqual(next);
		expect(arr.get(0).get('content')).toBe(sysText); // diffed in place, not replaced
		doc.transact(() =>
			writeMessages(arr, [...next, { role: 'assistant', content: 'Done.' }], applyTextDiff)
		);
		expect(readMessages(arr).at(-1)).toEqual({ role: 'assistant', content: 'Done.' });
	});

	it('observes local and remote changes of the messages', () => {
		const a = new Y.Doc();
		const b = new Y.Doc();
		a.on('update', (u: Uint8Array) => Y.applyUpdate(b, u, 'remote'));
		const mb = new ChatMessages(messagesOf(b));
		const seen: boolean[] = [];
		const off = mb.observe((tr) => seen.push(tr.local));
		const id = new ChatMessages(messagesOf(a)).add('user', 'x');
		mb.list()[0].text!.insert(1, 'y');
		mb.setRole(id, 'system');
		off();
		mb.setRole(id, 'user');
		expect(seen).toEqual([false, true, true]);
	});
});
