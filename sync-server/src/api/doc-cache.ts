/**
 * @module The documents the API reads, kept open and decoded: a small LRU of rooms held through
 * the room registry (so they receive every update, from sockets and from the API's own writes)
 * with views decoded on first use and dropped when their document changes.
 *
 * Every change gives the entry a new generation from one relay-wide counter, so a generation
 * names one state of one document and cached answers can be keyed by generations.
 */
import type * as Y from 'yjs';
import type { RoomRegistry } from '../rooms/registry';
import type { Room } from '../rooms/room';

interface Entry {
	workspace: string;
	name: string;
	room: Room;
	gen: number;
	views: Map<string, unknown>;
	pins: number;
	detach: () => void;
}

/** What a caller may read while it holds an entry (see {@link DocCache.with}). */
export interface OpenDoc {
	readonly doc: Y.Doc;
	readonly gen: number;
	/** The view `key` of this document, built by `build` on first use after each change. */
	view<T>(key: string, build: (doc: Y.Doc) => T): T;
	/** Resolves once every change made so far is stored. */
	persisted(): Promise<void>;
}

/** Chooses what of a document invalidates its views: the whole doc, or some root maps. */
export type ChangeFilter = { maps: readonly string[] } | 'any';

let generation = 0;

export class DocCache {
	readonly #entries = new Map<string, Entry>();
	readonly #loading = new Map<string, Promise<Entry>>();
	#closed = false;

	constructor(
		private readonly rooms: RoomRegistry,
		private readonly capacity: number
	) {}

	/** Runs `read` with document `docId` of `workspace` open (loaded from storage if needed). */
	async with<T>(
		workspace: string,
		docId: string,
		filter: ChangeFilter,
		read: (doc: OpenDoc) => T | Promise<T>
	): Promise<T> {
		const entry = await this.#open(workspace, docId, filter);
		entry.pins++;
		try {
			return await read({
				doc: entry.room.doc,
				get gen() {
					return entry.gen;
				},
				view: <V>(key: string, build: (doc: Y.Doc) => V): V => {
					if (entry.views.has(key)) return entry.views.get(key) as V;
					const v = build(entry.room.doc);
					entry.views.set(key, v);
					return v;
				},
				persisted: () => entry.room.persisted()
			});
		} finally {
			entry.pins--;
			this.#evict();
		}
	}

	/**
	 * Document `docId` of `workspace` when it is already open (no loading, no waiting), for
	 * answering from memory; its views and generation are the same as through {@link with}.
	 */
	peek(workspace: string, docId: string): Omit<OpenDoc, 'persisted'> | undefined {
		const entry = this.#entries.get(`${workspace}/${docId}`);
		if (!entry) return undefined;
		return {
			doc: entry.room.doc,
			gen: entry.gen,
			view: <V>(key: string, build: (doc: Y.Doc) => V): V => {
				if (entry.views.has(key)) return entry.views.get(key) as V;
				const v = build(entry.room.doc);
				entry.views.set(key, v);
				return v;
			}
		};
	}

	async #open(workspace: string, docId: string, filter: ChangeFilter): Promise<Entry> {
		if (this.#closed) throw new Error('the relay is shutting down');
		const name = `${workspace}/${docId}`;
		const hit = this.#entries.get(name);
		if (hit) {
			// Most recently used last.
			this.#entries.delete(name);
			this.#entries.set(name, hit);
			return hit;
		}
		let loading = this.#loading.get(name);
		if (!loading) {
			loading = this.#load(workspace, name, filter).finally(() => this.#loading.delete(name));
			this.#loading.set(name, loading);
		}
		return loading;
	}

	async #load(workspace: string, name: string, filter: ChangeFilter): Promise<Entry> {
		const room = this.rooms.acquire(workspace, name);
		try {
			await room.ready;
		} catch (e) {
			this.rooms.release(workspace, name);
			throw e;
		}
		const entry: Entry = {
			workspace,
			name,
			room,
			gen: ++generation,
			views: new Map(),
			pins: 0,
			detach: () => {}
		};
		const changed = () => {
			entry.gen = ++generation;
			entry.views.clear();
		};
		const doc = room.doc;
		if (filter === 'any') {
			doc.on('update', changed);
			entry.detach = () => doc.off('update', changed);
		} else {
			const maps = filter.maps.map((m) => doc.getMap(m));
			for (const m of maps) m.observeDeep(changed);
			entry.detach = () => {
				for (const m of maps) m.unobserveDeep(changed);
			};
		}
		this.#entries.set(name, entry);
		this.#evict();
		return entry;
	}

	/** Releases the least recently used entries beyond the capacity (never one in use). */
	#evict(): void {
		if (this.#entries.size <= this.capacity) return;
		for (const [name, e] of this.#entries) {
			if (this.#entries.size <= this.capacity) break;
			if (e.pins > 0) continue;
			this.#drop(name, e);
		}
	}

	#drop(name: string, e: Entry): void {
		this.#entries.delete(name);
		e.detach();
		this.rooms.release(e.workspace, name);
	}

	get size(): number {
		return this.#entries.size;
	}

	/** Lets go of every room (before the relay closes its rooms). */
	async close(): Promise<void> {
		this.#closed = true;
		await Promise.allSettled([...this.#loading.values()]);
		for (const [name, e] of [...this.#entries]) this.#drop(name, e);
	}
}
