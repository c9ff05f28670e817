import { describe, expect, it } from 'vitest';
import {
	KeyVault,
	KeyVaultError,
	MIN_PBKDF2_ITERATIONS,
	createDeviceKey,
	fromBase64,
	memoryVaultStorage,
	toBase64,
	type EncryptedKeyRecord
} from './key-vault';

const API_KEY = 'sk-test-0123456789abcdefghijklmnopqrstuv';
const PASS = 'correct horse battery staple';

async function vaultError(p: Promise<unknown>): Promise<KeyVaultError> {
	const e = await p.then(
		() => undefined,
		(x: unknown) => x
	);
	expect(e).toBeInstanceOf(KeyVaultError);
	return e as KeyVaultError;
}

function flipByte(b64: string, index: number): string {
	const bytes = fromBase64(b64, 'test');
	bytes[index] ^= 0x01;
	return toBase64(bytes);
}

describe('KeyVault with a passphrase', () => {
	it('round-trips a key and stores only ciphertext, with PBKDF2 at the required strength', async () => {
		const storage = memoryVaultStorage();
		const vault = new KeyVault(storage, { scheme: 'passphrase', passphrase: PASS });
		await vault.set('openai', API_KEY, 'OpenAI (work)');
		expect(await vault.get('openai')).toBe(API_KEY);
		expect(await vault.get('missing')).toBeUndefined();

		const [record] = await storage.list();
		expect(record.kdf).toMatchObject({ name: 'PBKDF2-SHA-256', iterations: MIN_PBKDF2_ITERATIONS });
		expect(record.kdf!.iterations).toBeGreaterThanOrEqual(210_000);
		const stored = JSON.stringify(await storage.list());
		expect(stored).not.toContain(API_KEY);
		expect(stored).not.toContain(API_KEY.slice(3, 20));
		expect(stored).not.toContain(btoa(API_KEY).slice(0, 20));
		expect(stored).not.toContain(PASS);
	});

	it('decrypts with a fresh vault holding the same passphrase', async () => {
		const storage = memoryVaultStorage();
		await new KeyVault(storage, { scheme: 'passphrase', passphrase: PASS }).set(
			'anthropic',
			API_KEY
		);
		expect(
			await new KeyVault(storage, { scheme: 'passphrase', passphrase: PASS }).get('anthropic')
		).toBe(API_KEY);
	});

	it('rejects a wrong passphrase with a specific error', async () => {
		const storage = memoryVaultStorage();
		await new KeyVault(storage, { scheme: 'passphrase', passphrase: PASS }).set('openai', API_KEY);
		const e = await vaultError(
			new KeyVault(storage, { scheme: 'passphrase', passphrase: 'wrong passphrase!' }).get('openai')
		);
		expect(e.code).toBe('key_vault');
		expect(e.reason).toBe('wrong_passphrase');
		expect(e.message).toBe('wrong passphrase for key "openai"');
	});

	it('detects tampered ciphertext, iv, and a ciphertext moved to another record', async () => {
		const storage = memoryVaultStorage();
		const vault = new KeyVault(storage, { scheme: 'passphrase', passphrase: PASS });
		await vault.set('openai', API_KEY);
		await vault.set('gemini', 'AIza-other-key-value');
		const original = (await storage.get('openai'))!;
		const variants: EncryptedKeyRecord[] = [
			{ ...original, ciphertext: flipByte(original.ciphertext, 3) },
			{
				...original,
				ciphertext: flipByte(original.ciphertext, fromBase64(original.ciphertext, 't').length - 1)
			},
			{ ...original, iv: flipByte(original.iv, 0) },
			{ ...original, id: 'gemini' }
		];
		for (const v of variants) {
			const e = await vaultError(vault.decrypt(v));
			expect(e.reason).toBe('tampered');
			expect(e.message).toContain('failed its integrity check');
		}
	});

	it('refuses records that would weaken the key derivation', async () => {
		const storage = memoryVaultStorage();
		const vault = new KeyVault(storage, { scheme: 'passphrase', passphrase: PASS });
		await vault.set('openai', API_KEY);
		const r = (await storage.get('openai'))!;
		const e = await vaultError(vault.decrypt({ ...r, kdf: { ...r.kdf!, iterations: 1000 } }));
		expect(e.reason).toBe('invalid_record');
	});

	it('refuses short passphrases and low iteration counts', () => {
		const storage = memoryVaultStorage();
		expect(() => new KeyVault(storage, { scheme: 'passphrase', passphrase: 'short' })).toThrow(
			KeyVaultError
		);
		expect(
			() => new KeyVault(storage, { scheme: 'passphrase', passphrase: PASS, iterations: 10_000 })
		).toThrow(/iterations/);
	});
});

describe('KeyVault with a device key', () => {
	it('round-trips under a non-extractable AES-GCM key', async () => {
		const device = await createDeviceKey();
		expect(device.key.extractable).toBe(false);
		expect(device.key.algorithm).toMatchObject({ name: 'AES-GCM', length: 256 });
		const storage = memoryVaultStorage();
		const vault = new KeyVault(storage, { scheme: 'device', deviceKey: device });
		await vault.set('openrouter', API_KEY);
		expect(await vault.get('openrouter')).toBe(API_KEY);
		expect(JSON.stringify(await storage.list())).not.toContain(API_KEY);
	});

	it('tells a record from another device apart from a tampered one', async () => {
		const storage = memoryVaultStorage();
		await new KeyVault(storage, { scheme: 'device', deviceKey: await createDeviceKey() }).set(
			'openai',
			API_KEY
		);
		const other = new KeyVault(storage, { scheme: 'device', deviceKey: await createDeviceKey() });
		expect((await vaultError(other.get('openai'))).reason).toBe('wrong_device_key');
		const passVault = new KeyVault(storage, { scheme: 'passphrase', passphrase: PASS });
		expect((await vaultError(passVault.get('openai'))).reason).toBe('wrong_device_key');
	});
});

describe('KeyVault listing, export and re-keying', () => {
	it('lists and exports without secrets, and imports exported records', async () => {
		const storage = memoryVaultStorage();
		const vault = new KeyVault(storage, { scheme: 'passphrase', passphrase: PASS });
		await vault.set('openai', API_KEY, 'personal');
		const list = await vault.list();
		expect(list).toEqual([
			{
				id: 'openai',
				scheme: 'passphrase',
				label: 'personal',
				createdAt: expect.any(String),
				updatedAt: expect.any(String)
			}
		]);
		const exported = await vault.exportRecords();
		expect(JSON.stringify(exported)).not.toContain(API_KEY);

		const elsewhere = new KeyVault(memoryVaultStorage(), {
			scheme: 'passphrase',
			passphrase: PASS
		});
		expect(await elsewhere.importRecords(JSON.parse(JSON.stringify(exported)))).toBe(1);
		expect(await elsewhere.get('openai')).toBe(API_KEY);
		await expect(elsewhere.importRecords([{ id: 'x', version: 2 }])).rejects.toMatchObject({
			reason: 'invalid_record'
		});
	});

	it('deletes keys', async () => {
		const vault = new KeyVault(memoryVaultStorage(), {
			scheme: 'device',
			deviceKey: await createDeviceKey()
		});
		await vault.set('a', API_KEY);
		await vault.delete('a');
		expect(await vault.get('a')).toBeUndefined();
		expect(await vault.list()).toEqual([]);
	});

	it('re-encrypts every key when moving from a device key to a passphrase', async () => {
		const storage = memoryVaultStorage();
		const vault = new KeyVault(storage, { scheme: 'device', deviceKey: await createDeviceKey() });
		await vault.set('a', 'key-a-123456');
		await vault.set('b', 'key-b-123456');
		await vault.changeUnlock({ scheme: 'passphrase', passphrase: PASS });
		const fresh = new KeyVault(storage, { scheme: 'passphrase', passphrase: PASS });
		expect(await fresh.get('a')).toBe('key-a-123456');
		expect(await fresh.get('b')).toBe('key-b-123456');
	});
});
