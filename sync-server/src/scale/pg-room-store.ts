/**
 * @module Room updates in PostgreSQL: an append-only log per room (`promptloom_room_updates`).
 * `append` resolves after the INSERT committed, so an acknowledged update is in PostgreSQL.
 * `compact` runs in the background (writers never wait for it): in one transaction it reads the
 * room's rows, deletes exactly those and inserts their merge; rows appended meanwhile by any
 * instance are untouched, and an advisory lock keeps two instances from compacting one room at
 * once.
 */
import type { Pool } from 'pg';
import * as Y from 'yjs';
import type { RoomStore } from '../rooms/store';

const EMPTY_STATE = Y.encodeStateAsUpdate(new Y.Doc());

export interface PgRoomStore extends RoomStore {
	/** Rows stored for `room` (compaction merges them into one). */
	rowCount(room: string): Promise<number>;
}

export function pgRoomStore(
	pool: Pool,
	hooks: { onWrite?: (seconds: number) => void } = {}
): PgRoomStore {
	const compacting = new Map<string, Promise<void>>();

	async function compactNow(room: string): Promise<void> {
		const client = await pool.connect();
		try {
			await client.query('BEGIN');
			const lock = await client.query<{ ok: boolean }>(
				'SELECT pg_try_advisory_xact_lock(hashtext($1)) AS ok',
				[room]
			);
			if (!lock.rows[0].ok) return void (await client.query('ROLLBACK'));
			const { rows } = await client.query<{ id: string; update: Buffer }>(
				'SELECT id, update FROM promptloom_room_updates WHERE room = $1 ORDER BY id',
				[room]
			);
			if (rows.length < 2) return void (await client.query('ROLLBACK'));
			const merged = Y.mergeUpdates(rows.map((r) => new Uint8Array(r.update)));
			await client.query('DELETE FROM promptloom_room_updates WHERE room = $1 AND id = ANY($2)', [
				room,
				rows.map((r) => r.id)
			]);
			await client.query('INSERT INTO promptloom_room_updates (room, update) VALUES ($1, $2)', [
				room,
				Buffer.from(merged)
			]);
			await client.query('COMMIT');
		} catch (e) {
			await client.query('ROLLBACK').catch(() => {});
			throw e;
		} finally {
			client.release();
		}
	}

	return {
		async load(room) {
			const { rows } = await pool.query<{ update: Buffer }>(
				'SELECT update FROM promptloom_room_updates WHERE room = $1 ORDER BY id',
				[room]
			);
			if (rows.length === 0) return EMPTY_STATE;
			return Y.mergeUpdates(rows.map((r) => new Uint8Array(r.update)));
		},
		async append(room, update) {
			const started = performance.now();
			await pool.query('INSERT INTO promptloom_room_updates (room, update) VALUES ($1, $2)', [
				room,
				Buffer.from(update.buffer, update.byteOffset, update.byteLength)
			]);
			hooks.onWrite?.((performance.now() - started) / 1000);
		},
		compact(room) {
			if (!compacting.has(room)) {
				const run = compactNow(room)
					.catch(() => {})
					.finally(() => compacting.delete(room));
				compacting.set(room, run);
			}
			return Promise.resolve();
		},
		async rooms() {
			const { rows } = await pool.query<{ room: string }>(
				'SELECT DISTINCT room FROM promptloom_room_updates ORDER BY room'
			);
			return rows.map((r) => r.room);
		},
		async rowCount(room) {
			const { rows } = await pool.query<{ n: string }>(
				'SELECT count(*) AS n FROM promptloom_room_updates WHERE room = $1',
				[room]
			);
			return Number(rows[0].n);
		},
		async close() {
			await Promise.all(compacting.values());
		}
	};
}
