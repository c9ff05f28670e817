/**
 * @module The relay's PostgreSQL schema as numbered migrations, applied in order at start (and by
 * the CLI) under an advisory lock, so instances starting together migrate once. Applied versions
 * are recorded in `promptloom_migrations`; a migration is never edited once released, only
 * followed by a new one.
 */
import type { Pool } from 'pg';

export interface Migration {
	version: number;
	name: string;
	sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
	{
		version: 1,
		name: 'rooms, shared documents, relay secrets',
		sql: `
			CREATE TABLE promptloom_room_updates (
				id bigserial PRIMARY KEY,
				room text NOT NULL,
				update bytea NOT NULL,
				created_at timestamptz NOT NULL DEFAULT now()
			);
			CREATE INDEX promptloom_room_updates_room ON promptloom_room_updates (room, id);
			CREATE TABLE promptloom_blobs (
				name text PRIMARY KEY,
				body text NOT NULL,
				version bigint NOT NULL DEFAULT 1,
				updated_at timestamptz NOT NULL DEFAULT now()
			);
			CREATE TABLE promptloom_secrets (
				name text PRIMARY KEY,
				value bytea NOT NULL,
				created_at timestamptz NOT NULL DEFAULT now()
			);`
	}
];

/** An arbitrary constant naming the relay's migration lock (pg_advisory_xact_lock). */
const MIGRATION_LOCK = 731_902_519;

/** Applies every migration not yet applied; returns the versions applied now. */
export async function migrate(pool: Pool): Promise<number[]> {
	const client = await pool.connect();
	try {
		await client.query('BEGIN');
		await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
		await client.query(`CREATE TABLE IF NOT EXISTS promptloom_migrations (
			version integer PRIMARY KEY,
			name text NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now()
		)`);
		const { rows } = await client.query<{ version: number }>(
			'SELECT version FROM promptloom_migrations'
		);
		const done = new Set(rows.map((r) => r.version));
		const applied: number[] = [];
		for (const m of MIGRATIONS) {
			if (done.has(m.version)) continue;
			await client.query(m.sql);
			await client.query('INSERT INTO promptloom_migrations (version, name) VALUES ($1, $2)', [
				m.version,
				m.name
			]);
			applied.push(m.version);
		}
		await client.query('COMMIT');
		return applied;
	} catch (e) {
		await client.query('ROLLBACK').catch(() => {});
		throw e;
	} finally {
		client.release();
	}
}
