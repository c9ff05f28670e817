/** @module Which root types of a document a Yjs update would touch, computed without applying it. */
import * as Y from 'yjs';

/** Root type names, or `unknown` when some part refers to data the document does not have yet. */
export type TouchedRoots = Set<string> | 'unknown';

function rootNameOfType(type: Y.AbstractType<unknown>): string | null {
	let t = type;
	while (t._item) t = t._item.parent as Y.AbstractType<unknown>;
	try {
		return Y.findRootTypeKey(t);
	} catch {
		return null;
	}
}

export interface TouchedRootsOptions {
	/**
	 * Count only what the document does not hold yet: structs it already knows (a diff computed
	 * against an older state vector repeats them) add no root. A new struct that is not an item
	 * (garbage-collected content of an unknown type) makes the answer `unknown`.
	 */
	newOnly?: boolean;
}

/**
 * Walks an item of the update (or of the document) up to its root type: a decoded item names
 * its parent (a root name or the id of the item holding the parent type), or inherits the parent
 * of its left/right origin.
 */
export function touchedRoots(
	doc: Y.Doc,
	update: Uint8Array,
	options: TouchedRootsOptions = {}
): TouchedRoots {
	const decoded = Y.decodeUpdate(update);
	const known = (s: Y.AbstractStruct) =>
		s.id.clock + s.length <= Y.getState(doc.store, s.id.client);
	const own = new Map<number, Y.Item[]>();
	for (const s of decoded.structs) {
		if (options.newOnly && !(s instanceof Y.Item) && !(s instanceof Y.Skip) && !known(s))
			return 'unknown';
		if (!(s instanceof Y.Item)) continue;
		const list = own.get(s.id.client) ?? [];
		list.push(s);
		own.set(s.id.client, list);
	}
	const findOwn = (id: Y.ID): Y.Item | undefined =>
		own.get(id.client)?.find((i) => id.clock >= i.id.clock && id.clock < i.id.clock + i.length);
	const findStored = (id: Y.ID): Y.Item | null => {
		const clientStructs = doc.store.clients.get(id.client);
		const last = clientStructs?.[clientStructs.length - 1];
		if (!last || last.id.clock + last.length <= id.clock) return null;
		const s = Y.getItem(doc.store, id);
		return s instanceof Y.Item ? s : null;
	};
	const memo = new Map<Y.Item, string | null>();
	const rootOf = (item: Y.Item, depth = 0): string | null => {
		if (memo.has(item)) return memo.get(item)!;
		let result: string | null = null;
		if (depth > 10_000) return null;
		const parent = item.parent as unknown;
		if (typeof parent === 'string') result = parent;
		else if (parent instanceof Y.AbstractType) result = rootNameOfType(parent);
		else if (parent instanceof Y.ID) result = rootOfId(parent, depth + 1);
		else if (item.origin) result = rootOfId(item.origin, depth + 1);
		else if (item.rightOrigin) result = rootOfId(item.rightOrigin, depth + 1);
		memo.set(item, result);
		return result;
	};
	const rootOfId = (id: Y.ID, depth: number): string | null => {
		const stored = findStored(id);
		if (stored) return rootOf(stored, depth);
		const mine = findOwn(id);
		return mine ? rootOf(mine, depth) : null;
	};
	const roots = new Set<string>();
	for (const list of own.values()) {
		for (const item of list) {
			if (options.newOnly && known(item)) continue;
			const r = rootOf(item);
			if (r === null) return 'unknown';
			roots.add(r);
		}
	}
	for (const [client, ranges] of decoded.ds.clients) {
		for (const range of ranges) {
			let clock = range.clock;
			const end = range.clock + range.len;
			while (clock < end) {
				const id = Y.createID(client, clock);
				const item = findStored(id) ?? findOwn(id);
				if (!item) {
					// Deleting something the document does not have is a no-op only if it is a GC'ed range.
					const structs = doc.store.clients.get(client);
					const last = structs?.[structs.length - 1];
					if (last && last.id.clock + last.length > clock) {
						const s = Y.getItem(doc.store, id) as Y.AbstractStruct;
						clock = s.id.clock + s.length;
						continue;
					}
					return 'unknown';
				}
				// Deleting what is already deleted changes nothing (diffs carry the whole delete set).
				const stored = findStored(id);
				if (!stored || !stored.deleted) {
					const r = rootOf(item);
					if (r === null) return 'unknown';
					roots.add(r);
				}
				clock = item.id.clock + item.length;
			}
		}
	}
	return roots;
}
