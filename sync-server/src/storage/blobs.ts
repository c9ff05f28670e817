/**
 * @module Named JSON documents of the relay (member registries, API keys, webhooks,
 * observations): kept as files in the data directory by default, or as rows in PostgreSQL when
 * several relay instances share state (`scale/postgres.ts`). Stores read and write whole
 * documents; `signature` tells them cheaply whether a document changed since they last read it.
 */
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface RelayBlobs {
	/** The document's text, or null when there is none. */
	read(name: string): Promise<string | null>;
	/**
	 * Replaces the document atomically. With `ifSignature`, only while its signature is still that
	 * one (else {@link BlobConflict}): read-modify-write cycles of several relay instances then
	 * never drop each other's changes. Files ignore it: one relay owns a data directory.
	 */
	write(name: string, text: string, ifSignature?: string): Promise<void>;
	/** Changes whenever the document is written; `none` when there is none. */
	signature(name: string): Promise<string>;
	/** Calls `listener` with the name of every document written by another relay instance. */
	onRemoteWrite?(listener: (name: string) => void): () => void;
}

/** A conditional write found the document changed since it was read: read it again and retry. */
export class BlobConflict extends Error {
	constructor(name: string) {
		super(`${name} was changed by another relay instance meanwhile`);
	}
}

/** Runs a read-modify-write `attempt` again while it ends in {@link BlobConflict} (at most 20 times). */
export async function retryOnConflict<T>(attempt: () => Promise<T>): Promise<T> {
	for (let i = 0; ; i++) {
		try {
			return await attempt();
		} catch (e) {
			if (!(e instanceof BlobConflict) || i >= 19) throw e;
		}
	}
}

/** Documents as files under `dataDir` (`name` may contain `/` for a sub-directory), mode 0600. */
export function fileBlobs(dataDir: string): RelayBlobs {
	return {
		async read(name) {
			try {
				return await readFile(join(dataDir, name), 'utf8');
			} catch (e) {
				if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
				throw e;
			}
		},
		async write(name, text) {
			const path = join(dataDir, name);
			await mkdir(dirname(path), { recursive: true });
			const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
			await writeFile(tmp, text, { mode: 0o600 });
			await rename(tmp, path);
		},
		// File timestamps are coarse (a few ms): the inode and size tell quick rewrites apart.
		async signature(name) {
			try {
				const s = await stat(join(dataDir, name));
				return `${s.ino}:${s.size}:${s.mtimeMs}`;
			} catch (e) {
				if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
				return 'none';
			}
		}
	};
}
