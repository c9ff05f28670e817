/**
 * @module Durable storage of room updates in LevelDB (y-leveldb), under `<data>/leveldb`.
 *
 * Each room is an append-only log of Yjs updates keyed by room name; `compact` merges the log
 * into one update. LevelDB appends every write to its write-ahead log before the call returns, so
 * an update whose write resolved survives `kill -9` of the relay (not an OS crash: the relay does
 * not fsync each write).
 */
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- ambient types: y-leveldb hides its own behind its exports map
/// <reference path="./y-leveldb.d.ts" />
import { join } from 'node:path';
import { LeveldbPersistence, PREFERRED_TRIM_SIZE, getLevelUpdates } from 'y-leveldb';
import * as Y from 'yjs';

/** Where a room's updates are kept; the relay only depends on this interface. */
export interface RoomStore {
	/** The room's whole stored state as one update (an empty doc's state when nothing is stored). */
	load(room: string): Promise<Uint8Array>;
	/** {@link load} of many rooms at once (in their order), where the engine reads them faster so. */
	loadMany?(rooms: string[]): Promise<Uint8Array[]>;
	/** Appends one update; resolves once it is in the write-ahead log. */
	append(room: string, update: Uint8Array): Promise<void>;
	/** Merges the room's stored updates into one. */
	compact(room: string): Promise<void>;
	/** Names of every stored room. */
	rooms(): Promise<string[]>;
	close(): Promise<void>;
}

export const LEVELDB_DIR_NAME = 'leveldb';

const EMPTY_STATE = Y.encodeStateAsUpdate(new Y.Doc({ guid: 'empty' }));

/**
 * y-leveldb logs and swallows errors inside its transactions, resolving `null` instead: turn that
 * back into an exception so a failed write is never reported as durable.
 */
function required<T>(value: T | null | undefined, what: string): T {
	if (value === null || value === undefined)
		throw new Error(`LevelDB ${what} failed (see the warning above)`);
	return value;
}

/** Opens (creating if needed) the LevelDB store of a relay data directory. */
export async function openLeveldbStore(dataDir: string): Promise<RoomStore> {
	const location = join(dataDir, LEVELDB_DIR_NAME);
	const ldb = new LeveldbPersistence(location);
	const names = await ldb.getAllDocNames();
	if (names === null) {
		throw new Error(
			`cannot open LevelDB at ${location}: is another relay using this data directory?`
		);
	}
	// The rooms' reads run concurrently inside one y-leveldb transaction (LevelDB serves them from
	// its thread pool) instead of one transaction and iterator round trip after another; the
	// updates are merged without a Y.Doc (y-leveldb's getYDoc builds one per read).
	const loadMany = async (rooms: string[]): Promise<Uint8Array[]> => {
		const all = required(
			await ldb._transact((db) => Promise.all(rooms.map((r) => getLevelUpdates(db, r)))),
			`read of rooms ${rooms.slice(0, 3).join(', ')}${rooms.length > 3 ? ', …' : ''}`
		);
		return Promise.all(
			all.map(async (updates, i) => {
				if (updates.length > PREFERRED_TRIM_SIZE) await ldb.flushDocument(rooms[i]);
				if (updates.length === 0) return EMPTY_STATE.slice();
				return updates.length === 1 ? updates[0] : Y.mergeUpdates(updates);
			})
		);
	};
	return {
		load: async (room) => (await loadMany([room]))[0],
		loadMany,
		async append(room, update) {
			required(await ldb.storeUpdate(room, update), `write to room ${room}`);
		},
		async compact(room) {
			await ldb.flushDocument(room);
		},
		async rooms() {
			return required(await ldb.getAllDocNames(), 'listing of rooms');
		},
		async close() {
			await ldb.destroy();
		}
	};
}
