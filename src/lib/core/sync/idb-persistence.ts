/** @module Browser persistence of synced documents with y-indexeddb (one IndexedDB per document). */
import { IndexeddbPersistence, clearDocument } from 'y-indexeddb';
import type * as Y from 'yjs';
import type { DocPersistence } from './doc-persistence';

export const idbPersistence: DocPersistence = {
	async attach(name: string, doc: Y.Doc) {
		const p = new IndexeddbPersistence(`promptloom-sync:${name}`, doc);
		await p.whenSynced;
		return { close: () => p.destroy() };
	},
	async clear(names: string[]) {
		await Promise.all(names.map((n) => clearDocument(`promptloom-sync:${n}`)));
	}
};
