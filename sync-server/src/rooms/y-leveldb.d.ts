/**
 * @module Types for the part of y-leveldb the relay uses: the package ships typings its
 * `exports` map does not expose to `moduleResolution: bundler`.
 */
declare module 'y-leveldb' {
	import type * as Y from 'yjs';

	/** Stored updates above this count are merged into one when read. */
	export const PREFERRED_TRIM_SIZE: number;
	/** The stored updates of `docName`, oldest first (run inside `_transact`). */
	export function getLevelUpdates(db: unknown, docName: string): Promise<Uint8Array[]>;

	export class LeveldbPersistence {
		/**
		 * Runs `f` after every earlier operation of this store (y-leveldb's serialising queue);
		 * resolves `null` (after logging) when `f` threw.
		 */
		_transact<T>(f: (db: unknown) => Promise<T>): Promise<T | null>;
		constructor(location: string, options?: { levelOptions?: object });
		/** Resolves `null` (after logging) when the underlying LevelDB call failed. */
		getYDoc(docName: string): Promise<Y.Doc | null>;
		storeUpdate(docName: string, update: Uint8Array): Promise<number | null>;
		flushDocument(docName: string): Promise<void>;
		getAllDocNames(): Promise<string[] | null>;
		destroy(): Promise<void>;
	}
}
