/**
 * @module Chat messages inside a prompt document, shaped for live co-editing: the document's
 * `messages` array holds one `Y.Map` per message, `{id, role, pos, content: Y.Text}`, and the
 * conversation order is by `(pos, id)`, not by array position. A move only rewrites `pos`, so a
 * message keeps its `Y.Text` (and the edits others are typing into it) when it is reordered.
 *
 * Older documents hold `{role, content}` maps (no id, no pos, sometimes a plain string content).
 * They read the same way without any write: the id is derived from the map's Yjs item id (equal
 * on every device) and the position from the array index. `migrateMessages` writes exactly those
 * derived values, so devices that migrate the same document concurrently write equal values and
 * converge, and nothing is duplicated (no map is ever replaced).
 */
import * as Y from 'yjs';
import { ROLES, type ChatMessage, type ChatRole } from '../model/prompt';

type MessageMap = Y.Map<unknown>;

/** One message as the editor binds to it. */
export interface LiveMessage {
	id: string;
	role: ChatRole;
	/** The shared text (null only in an unmigrated document whose content is a plain string). */
	text: Y.Text | null;
	content: string;
}

interface Entry {
	map: MessageMap;
	index: number;
	id: string;
	pos: number;
}

/** The id a message written before ids existed gets: its Yjs item id, the same on every device. */
export function legacyMessageId(map: MessageMap): string {
	const item = map._item;
	return item ? `m${item.id.client}.${item.id.clock}` : 'm?';
}

const roleOf = (map: MessageMap): ChatRole => {
	const r = map.get('role');
	return (ROLES as readonly unknown[]).includes(r) ? (r as ChatRole) : 'user';
};

const contentOf = (map: MessageMap): string => {
	const c = map.get('content');
	return c instanceof Y.Text ? c.toString() : typeof c === 'string' ? c : '';
};

function entries(arr: Y.Array<MessageMap>): Entry[] {
	return arr
		.toArray()
		.map((map, index) => {
			const id = map.get('id');
			const pos = map.get('pos');
			return {
				map,
				index,
				id: typeof id === 'string' && id ? id : legacyMessageId(map),
				pos: typeof pos === 'number' && Number.isFinite(pos) ? pos : index
			};
		})
		.sort((a, b) => a.pos - b.pos || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The messages in conversation order, as the local database stores them. */
export function readMessages(arr: Y.Array<MessageMap>): ChatMessage[] {
	return entries(arr).map((e) => ({ role: roleOf(e.map), content: contentOf(e.map) }));
}

/** The messages in conversation order with their ids and shared texts. */
export function liveMessages(arr: Y.Array<MessageMap>): LiveMessage[] {
	return entries(arr).map((e) => {
		const c = e.map.get('content');
		return {
			id: e.id,
			role: roleOf(e.map),
			text: c instanceof Y.Text ? c : null,
			content: contentOf(e.map)
		};
	});
}

/**
 * Writes the derived id and position into every message that lacks them and turns plain string
 * contents into `Y.Text`. Deterministic: the values depend only on the document's state, so two
 * devices migrating the same state write the same values. Returns true when it wrote anything.
 * WARNING: call inside a transaction (one update instead of one per message).
 */
export function migrateMessages(arr: Y.Array<MessageMap>): boolean {
	let changed = false;
	arr.toArray().forEach((map, index) => {
		const id = map.get('id');
		if (typeof id !== 'string' || !id) {
			map.set('id', legacyMessageId(map));
			changed = true;
		}
		const pos = map.get('pos');
		if (typeof pos !== 'number' || !Number.isFinite(pos)) {
			map.set('pos', index);
			changed = true;
		}
		if (!(map.get('content') instanceof Y.Text)) {
			map.set('content', new Y.Text(contentOf(map)));
			changed = true;
		}
	});
	return changed;
}

/** True when some message still has the older shape. */
export function needsMigration(arr: Y.Array<MessageMap>): boolean {
	return arr
		.toArray()
		.some(
			(m) =>
				typeof m.get('id') !== 'string' ||
				typeof m.get('pos') !== 'number' ||
				!(m.get('content') instanceof Y.Text)
		);
}

/** A position strictly between `before` and `after` (either may be missing). */
function between(before: number | undefined, after: number | undefined): number {
	if (before === undefined && after === undefined) return 0;
	if (before === undefined) return after! - 1;
	if (after === undefined) return before + 1;
	return before + (after - before) / 2;
}

function newMessageMap(id: string, role: ChatRole, pos: number, content: string): MessageMap {
	const map = new Y.Map<unknown>();
	map.set('id', id);
	map.set('role', role);
	map.set('pos', pos);
	map.set('content', new Y.Text(content));
	return map;
}

const newId = () => crypto.randomUUID();

/**
 * Turns the messages into `next` by position (roles set, texts diffed in place, extra messages
 * appended or removed from the end): what a save of a whole working copy does, so concurrent
 * edits of other messages and other parts of a text merge.
 */
export function writeMessages(
	arr: Y.Array<MessageMap>,
	next: ChatMessage[],
	diff: (text: Y.Text, next: string) => void
): void {
	if (JSON.stringify(readMessages(arr)) === JSON.stringify(next)) return;
	migrateMessages(arr);
	const cur = entries(arr);
	next.forEach((m, i) => {
		const e = cur[i];
		if (!e) {
			const last = cur.length ? cur[cur.length - 1].pos : -1;
			arr.push([newMessageMap(newId(), m.role, last + 1 + (i - cur.length), m.content)]);
			return;
		}
		if (e.map.get('role') !== m.role) e.map.set('role', m.role);
		diff(e.map.get('content') as Y.Text, m.content);
	});
	const extra = cur
		.slice(next.length)
		.map((e) => e.index)
		.sort((a, b) => b - a);
	for (const index of extra) arr.delete(index, 1);
}

/**
 * Live operations on the messages of one prompt document, each one Yjs transaction with
 * `origin` (so other devices see adds, removals, moves and role changes as they happen).
 */
export class ChatMessages {
	readonly #arr: Y.Array<MessageMap>;
	readonly #origin: unknown;

	constructor(arr: Y.Array<MessageMap>, origin: unknown = null) {
		this.#arr = arr;
		this.#origin = origin;
	}

	#transact(fn: () => void): void {
		const doc = this.#arr.doc;
		if (doc) doc.transact(fn, this.#origin);
		else fn();
	}

	list(): LiveMessage[] {
		return liveMessages(this.#arr);
	}

	read(): ChatMessage[] {
		return readMessages(this.#arr);
	}

	/** Writes ids, positions and shared texts into messages of the older shape. */
	migrate(): boolean {
		if (!needsMigration(this.#arr)) return false;
		let changed = false;
		this.#transact(() => (changed = migrateMessages(this.#arr)));
		return changed;
	}

	/** Adds a message at `index` of the conversation (the end by default); returns its id. */
	add(role: ChatRole, content = '', index?: number): string {
		const id = newId();
		this.#transact(() => {
			migrateMessages(this.#arr);
			const cur = entries(this.#arr);
			const at = index === undefined ? cur.length : Math.max(0, Math.min(index, cur.length));
			const pos = between(cur[at - 1]?.pos, cur[at]?.pos);
			this.#arr.push([newMessageMap(id, role, pos, content)]);
		});
		return id;
	}

	remove(id: string): void {
		this.#transact(() => {
			const e = entries(this.#arr).find((x) => x.id === id);
			if (e) this.#arr.delete(e.index, 1);
		});
	}

	setRole(id: string, role: ChatRole): void {
		this.#transact(() => {
			const e = entries(this.#arr).find((x) => x.id === id);
			if (e && e.map.get('role') !== role) e.map.set('role', role);
		});
	}

	/** Moves a message to `index` of the conversation (its text and id stay the same). */
	move(id: string, index: number): void {
		this.#transact(() => {
			migrateMessages(this.#arr);
			const cur = entries(this.#arr);
			const from = cur.findIndex((x) => x.id === id);
			if (from < 0) return;
			const [moved] = cur.splice(from, 1);
			const at = Math.max(0, Math.min(index, cur.length));
			if (at === from) return;
			moved.map.set('pos', between(cur[at - 1]?.pos, cur[at]?.pos));
		});
	}

	/** Calls `listener` after every change of the messages (local or remote). */
	observe(listener: (tr: Y.Transaction) => void): () => void {
		const handler = (_e: Y.YEvent<Y.AbstractType<unknown>>[], tr: Y.Transaction) => listener(tr);
		this.#arr.observeDeep(handler);
		return () => this.#arr.unobserveDeep(handler);
	}
}
