import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeDataDir, removeDataDir } from '../../testing/harness';
import { loadOrCreateSecret, SECRET_FILE_NAME } from './secret';
import { createToken, signToken, verifyToken } from './token';

const dirs: string[] = [];
afterEach(async () => {
	for (const d of dirs.splice(0)) await removeDataDir(d);
});

async function dataDir(): Promise<string> {
	const d = await makeDataDir();
	dirs.push(d);
	return join(d, 'nested');
}

describe('relay secret', () => {
	it('is generated once with mode 0600 and read back unchanged', async () => {
		const dir = await dataDir();
		const first = await loadOrCreateSecret(dir);
		const second = await loadOrCreateSecret(dir);
		expect(first.length).toBe(32);
		expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
		expect((await stat(join(dir, SECRET_FILE_NAME))).mode & 0o777).toBe(0o600);
	});

	it('concurrent first calls agree on one secret', async () => {
		const dir = await dataDir();
		const all = await Promise.all([1, 2, 3, 4].map(() => loadOrCreateSecret(dir)));
		const onDisk = await loadOrCreateSecret(dir);
		for (const s of all) expect(Buffer.from(s).equals(Buffer.from(onDisk))).toBe(true);
	});
});

describe('relay tokens', () => {
	it('round-trips workspace, role, user and expiry', async () => {
		const dir = await dataDir();
		const token = await createToken({
			dataDir: dir,
			workspace: 'team-1',
			role: 'reviewer',
			user: 'ana',
			ttlSeconds: 120
		});
		const check = await verifyToken(await loadOrCreateSecret(dir), token);
		expect(check.ok).toBe(true);
		if (!check.ok) return;
		expect(check.claims).toMatchObject({ workspace: 'team-1', role: 'reviewer', user: 'ana' });
		expect(check.claims.exp - Date.now() / 1000).toBeGreaterThan(100);
	});

	it('distinguishes missing, expired and invalid tokens', async () => {
		const secret = crypto.getRandomValues(new Uint8Array(32));
		expect(await verifyToken(secret, undefined)).toMatchObject({ ok: false, reason: 'missing' });
		const old = await signToken(
			secret,
			{ workspace: 'w', role: 'owner', ttlSeconds: 5 },
			Date.now() - 60_000
		);
		expect(await verifyToken(secret, old)).toMatchObject({ ok: false, reason: 'expired' });
		expect(await verifyToken(secret, 'a.b.c')).toMatchObject({ ok: false, reason: 'invalid' });
		const other = await signToken(crypto.getRandomValues(new Uint8Array(32)), {
			workspace: 'w',
			role: 'owner'
		});
		expect(await verifyToken(secret, other)).toMatchObject({ ok: false, reason: 'invalid' });
	});

	it('refuses to sign bad workspace ids, roles and lifetimes', async () => {
		const secret = crypto.getRandomValues(new Uint8Array(32));
		await expect(signToken(secret, { workspace: 'a/b', role: 'owner' })).rejects.toThrow(
			/workspace id/
		);
		// @ts-expect-error an unknown role is the point of this test
		await expect(signToken(secret, { workspace: 'a', role: 'admin' })).rejects.toThrow(/role/);
		await expect(
			signToken(secret, { workspace: 'a', role: 'owner', ttlSeconds: 0 })
		).rejects.toThrow(/ttl/);
	});
});
