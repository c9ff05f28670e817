/**
 * @module One relay's connection to PostgreSQL: the pool, the schema migrated to the current
 * version, the room store, the shared documents and the token secret. Used by `startRelay` with
 * `postgres` and by the CLI (`relay token|apikey|migrate --postgres`).
 */
import pg from 'pg';
import { migrate } from './pg-migrations';
import { pgBlobs, loadOrCreatePgSecret } from './pg-blobs';
import { pgRoomStore, type PgRoomStore } from './pg-room-store';
import type { RelayBlobs } from '../storage/blobs';

export interface RelayPostgres {
	pool: pg.Pool;
	store: PgRoomStore;
	blobs: RelayBlobs;
	secret: Uint8Array;
	/** True when the last query succeeded (readiness). */
	reachable(): Promise<boolean>;
	close(): Promise<void>;
}

export interface OpenPostgresOptions {
	/** Seconds each committed room write took (the metrics' storage latency). */
	onWrite?: (seconds: number) => void;
	/** Name of each document this instance wrote (announced to the other instances). */
	onBlobWrite?: (name: string) => void;
	/** Most connections of the pool (default 10). */
	max?: number;
}

/** Connects, migrates the schema and loads (or creates) the shared secret. */
export async function openPostgres(
	url: string,
	options: OpenPostgresOptions = {}
): Promise<RelayPostgres> {
	const pool = new pg.Pool({
		connectionString: url,
		max: options.max ?? 10,
		connectionTimeoutMillis: 3000,
		// A stalled server fails writes (and so their acknowledgements) instead of hanging them.
		query_timeout: 10_000
	});
	// An idle client losing its server emits here; the next query reconnects.
	pool.on('error', () => {});
	try {
		await migrate(pool);
		const secret = await loadOrCreatePgSecret(pool);
		return {
			pool,
			store: pgRoomStore(pool, { onWrite: options.onWrite }),
			blobs: pgBlobs(pool, options.onBlobWrite),
			secret,
			async reachable() {
				try {
					await pool.query('SELECT 1');
					return true;
				} catch {
					return false;
				}
			},
			async close() {
				await pool.end();
			}
		};
	} catch (e) {
		await pool.end().catch(() => {});
		throw new Error(`PostgreSQL at ${redactUrl(url)}: ${(e as Error).message}`);
	}
}

/** The URL without its password (for messages and logs). */
export function redactUrl(url: string): string {
	try {
		const u = new URL(url);
		if (u.password) u.password = '***';
		return u.toString();
	} catch {
		return '(unparsable URL)';
	}
}
