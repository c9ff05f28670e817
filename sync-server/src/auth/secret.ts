/** @module The relay's token-signing secret: generated once, kept in `<data>/secret.key` (mode 0600). */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const SECRET_FILE_NAME = 'secret.key';
const SECRET_BYTES = 32;

function decodeSecret(text: string, path: string): Uint8Array {
	const bytes = Buffer.from(text.trim(), 'base64url');
	if (bytes.length < SECRET_BYTES) {
		throw new Error(
			`${path} is corrupt: expected ${SECRET_BYTES} base64url bytes, found ${bytes.length}`
		);
	}
	return new Uint8Array(bytes);
}

/**
 * Reads the signing secret of a relay data directory, creating the directory and a fresh random
 * secret (32 bytes, base64url, file mode 0600) the first time.
 * WARNING: deleting the file invalidates every token issued so far.
 */
export async function loadOrCreateSecret(dataDir: string): Promise<Uint8Array> {
	const path = join(dataDir, SECRET_FILE_NAME);
	try {
		return decodeSecret(await readFile(path, 'utf8'), path);
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
	}
	await mkdir(dataDir, { recursive: true });
	const secret = globalThis.crypto.getRandomValues(new Uint8Array(SECRET_BYTES));
	try {
		await writeFile(path, Buffer.from(secret).toString('base64url') + '\n', {
			mode: 0o600,
			flag: 'wx'
		});
		return secret;
	} catch (e) {
		// Another process created it between our read and write: use theirs.
		if ((e as NodeJS.ErrnoException).code === 'EEXIST')
			return decodeSecret(await readFile(path, 'utf8'), path);
		throw e;
	}
}
