/**
 * @module `promptloom relay migrate --from <data dir> --postgres <url>`: moves an embedded
 * relay's data to PostgreSQL: every document (its state as one update), the member registries,
 * the API keys and the token-signing secret (so tokens and keys issued before keep working).
 * Afterwards every document is read back from PostgreSQL and its state vector compared with
 * the LevelDB copy; any difference fails the command (exit 1). Copying twice is harmless (Yjs
 * updates are idempotent). The embedded relay must be stopped (LevelDB allows one process).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as Y from 'yjs';
import { SECRET_FILE_NAME, loadOrCreateSecret } from '../auth/secret';
import { API_KEYS_FILE_NAME } from '../api/keys';
import { openLeveldbStore } from '../rooms/store';
import { openPostgres, redactUrl } from './postgres';

export const MIGRATE_USAGE = `  promptloom relay migrate --from <data dir> --postgres <url>
      Copies a stopped embedded relay's documents, member registries, API keys and token secret
      to PostgreSQL and verifies every document's state vector; exit 0 verified, 1 a mismatch.
`;

interface Io {
	stdout: (text: string) => void;
	stderr: (text: string) => void;
}

/** Clients whose clock in `expected` is ahead of `actual` (what the copy lacks). */
export function missingClients(expected: Uint8Array, actual: Uint8Array): number[] {
	const want = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(expected));
	const have = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(actual));
	return [...want].filter(([client, clock]) => (have.get(client) ?? 0) < clock).map(([c]) => c);
}

async function listRegistries(dataDir: string): Promise<string[]> {
	try {
		return (await readdir(join(dataDir, 'workspaces'))).filter((f) => f.endsWith('.json'));
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
		throw e;
	}
}

/** Runs `relay migrate ...`; exit 0 copied and verified, 1 verification failed, 2 bad arguments. */
export async function runMigrateCli(args: string[], io: Io): Promise<number> {
	let values: { from?: string; postgres?: string };
	try {
		values = parseArgs({
			args,
			strict: true,
			options: { from: { type: 'string' }, postgres: { type: 'string' } }
		}).values;
	} catch (e) {
		return usage(io, (e as Error).message);
	}
	const postgresUrl = values.postgres ?? (process.env.PROMPTLOOM_POSTGRES_URL || undefined);
	if (!values.from) return usage(io, '--from is required');
	if (!postgresUrl) return usage(io, '--postgres is required');
	const from = values.from;

	const level = await openLeveldbStore(from);
	const pg = await openPostgres(postgresUrl, { max: 4 });
	try {
		const rooms = await level.rooms();
		const mismatched: string[] = [];
		for (const room of rooms) {
			const state = await level.load(room);
			await pg.store.append(room, state);
			const missing = missingClients(state, await pg.store.load(room));
			if (missing.length > 0) mismatched.push(`${room} (clients ${missing.join(', ')})`);
		}
		const registries = await listRegistries(from);
		for (const file of registries) {
			const text = await readFile(join(from, 'workspaces', file), 'utf8');
			await pg.blobs.write(`workspaces/${file}`, text);
		}
		let keys = 0;
		try {
			const text = await readFile(join(from, API_KEYS_FILE_NAME), 'utf8');
			await pg.blobs.write(API_KEYS_FILE_NAME, text);
			keys = (JSON.parse(text) as { keys?: unknown[] }).keys?.length ?? 0;
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
		}
		let secretCopied = false;
		try {
			await readFile(join(from, SECRET_FILE_NAME));
			const secret = await loadOrCreateSecret(from);
			await pg.pool.query(
				`INSERT INTO promptloom_secrets (name, value) VALUES ('token', $1)
				 ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value`,
				[Buffer.from(secret)]
			);
			secretCopied = true;
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
		}
		io.stdout(
			`migrated ${rooms.length} documents to ${redactUrl(postgresUrl)} ` +
				`(${rooms.length - mismatched.length} state vectors verified), ` +
				`${registries.length} member registries, ${keys} API keys` +
				`${secretCopied ? ', the token secret (tokens issued before keep working)' : ''}\n`
		);
		if (mismatched.length > 0) {
			io.stderr(
				`promptloom relay migrate: state vectors differ after the copy: ${mismatched.join('; ')}\n`
			);
			return 1;
		}
		return 0;
	} finally {
		await level.close();
		await pg.close();
	}
}

function usage(io: Io, message: string): number {
	io.stderr(`promptloom relay migrate: ${message}\n\nUsage:\n${MIGRATE_USAGE}`);
	return 2;
}
