/** @module Where synced documents are kept on the device: an interface plus the in-memory one. */
import type * as Y from 'yjs';

/** Loads a document's stored state into it and keeps storing its updates until `close`. */
export interface DocPersistence {
	/** Resolves once the stored state has been applied to `doc`. */
	attach(name: string, doc: Y.Doc): Promise<{ close(): Promise<void> }>;
	/** Deletes every stored document of a workspace (after leaving it). */
	clear?(names: string[]): Promise<void>;
}

/** Keeps nothing: documents live as long as the process (Node tests, benchmarks). */
export const memoryPersistence: DocPersistence = {
	attach: async () => ({ close: async () => {} })
};
