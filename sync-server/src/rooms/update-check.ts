/** @module Decides whether a Yjs update would change a document, without applying it. */
import * as Y from 'yjs';

type Range = { clock: number; len: number };

function covered(ranges: Range[] | undefined, clock: number, len: number): boolean {
	if (!ranges) return false;
	let from = clock;
	const end = clock + len;
	for (const r of ranges) {
		if (r.clock > from) return false;
		if (r.clock + r.len > from) from = r.clock + r.len;
		if (from >= end) return true;
	}
	return from >= end;
}

/**
 * True when applying `update` to `doc` would add nothing: every struct is already known and every
 * deletion is already applied. Throws when the update cannot be decoded.
 */
export function isNoopUpdate(doc: Y.Doc, update: Uint8Array): boolean {
	const decoded = Y.decodeUpdate(update);
	const sv = Y.decodeStateVector(Y.encodeStateVector(doc));
	for (const struct of decoded.structs) {
		if (struct instanceof Y.Skip) continue;
		if (struct.id.clock + struct.length > (sv.get(struct.id.client) ?? 0)) return false;
	}
	if (decoded.ds.clients.size === 0) return true;
	const docDs = Y.createDeleteSetFromStructStore(doc.store);
	for (const [client, ranges] of decoded.ds.clients) {
		const known = [...(docDs.clients.get(client) ?? [])].sort((a, b) => a.clock - b.clock);
		for (const r of ranges) if (!covered(known, r.clock, r.len)) return false;
	}
	return true;
}
