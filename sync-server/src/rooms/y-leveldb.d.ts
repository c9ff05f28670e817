/**
 * @module Types for the part of y-leveldb the relay uses: the package ships typings its
 * `exports` map does not expose to `moduleResolution: bundler`.
 */
declare module 'y-leveldb' {
	import type * as Y from 'yjs';

	export class LeveldbPersistence {
		constructor(location: string, options?: { levelOptions?: object });
		/** Resolves `null` (after logging) when the underlying LevelDB call failed. */
		getYDoc(docName: string): Promise<Y.Doc | null>;
		storeUpdate(docName: string, update: Uint8Array): Promise<number | null>;
		flushDocument(docName: string): Promise<void>;
		getAllDocNames(): Promise<string[] | null>;
		destroy(): Promise<void>;
	}
}
