/**
 * @module The relay's named documents (`storage/blobs.ts`) and its token-signing secret in
 * PostgreSQL, shared by every instance. A document's `version` grows with each write and is its
 * signature; the secret is created once by whichever instance or CLI comes first.
 */
import type { Pool } from 'pg';
import { BlobConflict, type RelayBlobs } from '../storage/blobs';

export function pgBlobs(pool: Pool, onWrite?: (name: string) => void): RelayBlobs {
	return {
		async read(name) {
			const { rows } = await pool.query<{ body: string }>(
				'SELECT body FROM promptloom_blobs WHERE name = $1',
				[name]
			);
			return rows[0]?.body ?? null;
		},
		async write(name, text, ifSignature) {
			if (ifSignature !== undefined) {
				const result =
					ifSignature === 'none'
						? await pool.query(
								'INSERT INTO promptloom_blobs (name, body) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
								[name, text]
							)
						: await pool.query(
								`UPDATE promptloom_blobs SET body = $2, version = version + 1, updated_at = now()
								 WHERE name = $1 AND version = $3`,
								[name, text, ifSignature.replace(/^v/, '')]
							);
				if (result.rowCount !== 1) throw new BlobConflict(name);
				onWrite?.(name);
				return;
			}
			await pool.query(
				`INSERT INTO promptloom_blobs (name, body) VALUES ($1, $2)
				 ON CONFLICT (name) DO UPDATE
				 SET body = EXCLUDED.body, version = promptloom_blobs.version + 1, updated_at = now()`,
				[name, text]
			);
			onWrite?.(name);
		},
		async signature(name) {
			const { rows } = await pool.query<{ version: string }>(
				'SELECT version FROM promptloom_blobs WHERE name = $1',
				[name]
			);
			return rows[0] ? `v${rows[0].version}` : 'none';
		}
	};
}

const SECRET_BYTES = 32;

/** The shared token-signing secret (32 random bytes, created on first use). */
export async function loadOrCreatePgSecret(pool: Pool): Promise<Uint8Array> {
	const fresh = Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(SECRET_BYTES)));
	await pool.query(
		`INSERT INTO promptloom_secrets (name, value) VALUES ('token', $1) ON CONFLICT (name) DO NOTHING`,
		[fresh]
	);
	const { rows } = await pool.query<{ value: Buffer }>(
		`SELECT value FROM promptloom_secrets WHERE name = 'token'`
	);
	return new Uint8Array(rows[0].value);
}
