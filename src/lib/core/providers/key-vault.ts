/**
 * @module API keys encrypted at rest with WebCrypto AES-GCM, under a passphrase (PBKDF2-SHA-256)
 * or a non-extractable device key. Plaintext keys exist only in memory and are never logged.
 */
import { base64ToBytes, bytesToBase64 } from '../util/crypto';
import { PromptloomError } from '../model/errors';

/** OWASP's 2023 floor for PBKDF2-HMAC-SHA-256. */
export const MIN_PBKDF2_ITERATIONS = 210_000;
/** Upper bound accepted from a stored record, so a crafted record cannot stall the app. */
export const MAX_PBKDF2_ITERATIONS = 10_000_000;

export type KeyVaultErrorReason =
	| 'wrong_passphrase'
	| 'wrong_device_key'
	| 'tampered'
	| 'invalid_record'
	| 'weak_passphrase'
	| 'crypto_unavailable';

/** A key-vault failure; `code` is `key_vault`, `reason` says which. Never carries a secret. */
export class KeyVaultError extends PromptloomError {
	readonly reason: KeyVaultErrorReason;
	constructor(reason: KeyVaultErrorReason, message: string, path?: string) {
		super('key_vault', message, { path });
		this.name = 'KeyVaultError';
		this.reason = reason;
	}
}

/** What is stored: ciphertext and the public parameters needed to decrypt it. Safe to export. */
export interface EncryptedKeyRecord {
	id: string;
	version: 1;
	scheme: 'passphrase' | 'device';
	cipher: 'AES-GCM-256';
	/** Base64 12-byte nonce. */
	iv: string;
	/** Base64 AES-GCM output (ciphertext with its 16-byte tag). */
	ciphertext: string;
	/** Passphrase scheme: PBKDF2 parameters and a check value that tells a wrong passphrase apart. */
	kdf?: { name: 'PBKDF2-SHA-256'; iterations: number; salt: string; check: string };
	/** Device scheme: which device key encrypted it. */
	deviceKeyId?: string;
	/** Non-secret note shown in the settings list, e.g. `OpenAI (work)`. */
	label?: string;
	createdAt: string;
	updatedAt: string;
}

/** Storage behind the vault; the app backs it with a Dexie table, tests with memory. */
export interface KeyVaultStorage {
	get(id: string): Promise<EncryptedKeyRecord | undefined>;
	put(id: string, record: EncryptedKeyRecord): Promise<void>;
	delete(id: string): Promise<void>;
	list(): Promise<EncryptedKeyRecord[]>;
}

/** A non-extractable AES-GCM key; CryptoKey objects can be stored in IndexedDB as they are. */
export interface DeviceKey {
	id: string;
	key: CryptoKey;
}

export type VaultUnlock =
	| { scheme: 'passphrase'; passphrase: string; iterations?: number }
	| { scheme: 'device'; deviceKey: DeviceKey };

/** Metadata of a stored key, without any secret. */
export interface KeyInfo {
	id: string;
	scheme: EncryptedKeyRecord['scheme'];
	label?: string;
	createdAt: string;
	updatedAt: string;
}

function subtle(): SubtleCrypto {
	const s = globalThis.crypto?.subtle;
	if (!s) {
		throw new KeyVaultError(
			'crypto_unavailable',
			'WebCrypto is unavailable here (the page must be served over https or from localhost)'
		);
	}
	return s;
}

function randomBytes(n: number): Uint8Array<ArrayBuffer> {
	const out = new Uint8Array(n);
	globalThis.crypto.getRandomValues(out);
	return out;
}

export const toBase64 = bytesToBase64;

export function fromBase64(b64: string, what: string): Uint8Array<ArrayBuffer> {
	try {
		return base64ToBytes(b64);
	} catch {
		throw new KeyVaultError(
			'invalid_record',
			`stored key record has invalid base64 in ${what}`,
			what
		);
	}
}

/** Binds the ciphertext to its record id and scheme: moving it to another record fails to decrypt. */
function aad(id: string, scheme: string): Uint8Array<ArrayBuffer> {
	return new TextEncoder().encode(`promptloom-key-vault/v1/${scheme}/${id}`);
}

/** Creates a new random, non-extractable AES-GCM-256 device key. */
export async function createDeviceKey(): Promise<DeviceKey> {
	const key = await subtle().generateKey({ name: 'AES-GCM', length: 256 }, false, [
		'encrypt',
		'decrypt'
	]);
	return { id: globalThis.crypto.randomUUID(), key };
}

interface Derived {
	key: CryptoKey;
	check: string;
}

/** PBKDF2 → 64 bytes: the first 32 are the AES key, a hash of the last 32 is the check value. */
export async function derivePassphraseKey(
	passphrase: string,
	salt: Uint8Array<ArrayBuffer>,
	iterations: number
): Promise<Derived> {
	const s = subtle();
	const base = await s.importKey('raw', new TextEncoder().encode(passphrase), 'PBKDF2', false, [
		'deriveBits'
	]);
	const bits = new Uint8Array(
		await s.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, base, 512)
	);
	const key = await s.importKey('raw', bits.slice(0, 32), { name: 'AES-GCM' }, false, [
		'encrypt',
		'decrypt'
	]);
	const check = toBase64(new Uint8Array(await s.digest('SHA-256', bits.slice(32))));
	bits.fill(0);
	return { key, check };
}

function validateRecord(r: unknown): asserts r is EncryptedKeyRecord {
	const bad = (why: string) =>
		new KeyVaultError('invalid_record', `stored key record is invalid: ${why}`);
	if (typeof r !== 'object' || r === null) throw bad('not an object');
	const rec = r as Partial<EncryptedKeyRecord>;
	if (typeof rec.id !== 'string' || rec.id === '') throw bad('missing id');
	if (rec.version !== 1) throw bad(`unsupported version ${String(rec.version)}`);
	if (rec.cipher !== 'AES-GCM-256') throw bad('unsupported cipher');
	if (typeof rec.iv !== 'string' || typeof rec.ciphertext !== 'string')
		throw bad('missing iv or ciphertext');
	if (rec.scheme === 'passphrase') {
		const k = rec.kdf;
		if (
			!k ||
			k.name !== 'PBKDF2-SHA-256' ||
			typeof k.salt !== 'string' ||
			typeof k.check !== 'string'
		)
			throw bad('missing PBKDF2 parameters');
		if (
			!Number.isInteger(k.iterations) ||
			k.iterations < MIN_PBKDF2_ITERATIONS ||
			k.iterations > MAX_PBKDF2_ITERATIONS
		)
			throw bad(
				`PBKDF2 iterations ${k.iterations} outside ${MIN_PBKDF2_ITERATIONS}–${MAX_PBKDF2_ITERATIONS}`
			);
	} else if (rec.scheme === 'device') {
		if (typeof rec.deviceKeyId !== 'string') throw bad('missing device key id');
	} else throw bad('unknown scheme');
}

/**
 * Encrypts and stores API keys; decrypts them on demand. One instance holds one unlock secret
 * (passphrase or device key) in memory; a derived passphrase key is cached per salt.
 */
export class KeyVault {
	private readonly storage: KeyVaultStorage;
	private unlock: VaultUnlock;
	private derived = new Map<string, Promise<Derived>>();
	private sessionSalt: Uint8Array<ArrayBuffer> | undefined;

	constructor(storage: KeyVaultStorage, unlock: VaultUnlock) {
		this.storage = storage;
		this.unlock = KeyVault.checkUnlock(unlock);
	}

	private static checkUnlock(unlock: VaultUnlock): VaultUnlock {
		if (unlock.scheme === 'passphrase') {
			if (unlock.passphrase.length < 8) {
				throw new KeyVaultError('weak_passphrase', 'the passphrase must be at least 8 characters');
			}
			const it = unlock.iterations ?? MIN_PBKDF2_ITERATIONS;
			if (it < MIN_PBKDF2_ITERATIONS || it > MAX_PBKDF2_ITERATIONS) {
				throw new KeyVaultError(
					'weak_passphrase',
					`PBKDF2 iterations must be between ${MIN_PBKDF2_ITERATIONS} and ${MAX_PBKDF2_ITERATIONS}`
				);
			}
		}
		return unlock;
	}

	private derive(
		passphrase: string,
		salt: Uint8Array<ArrayBuffer>,
		iterations: number
	): Promise<Derived> {
		const cacheKey = `${toBase64(salt)}:${iterations}`;
		let p = this.derived.get(cacheKey);
		if (!p) {
			p = derivePassphraseKey(passphrase, salt, iterations);
			this.derived.set(cacheKey, p);
			p.catch(() => this.derived.delete(cacheKey));
		}
		return p;
	}

	/** Encrypts `secret` for record `id` without storing it. */
	async encrypt(id: string, secret: string, label?: string): Promise<EncryptedKeyRecord> {
		const iv = randomBytes(12);
		const now = new Date().toISOString();
		const base = {
			id,
			version: 1 as const,
			cipher: 'AES-GCM-256' as const,
			iv: toBase64(iv),
			label
		};
		const plain = new TextEncoder().encode(secret);
		const u = this.unlock;
		let key: CryptoKey;
		let extra: Pick<EncryptedKeyRecord, 'scheme' | 'kdf' | 'deviceKeyId'>;
		if (u.scheme === 'passphrase') {
			this.sessionSalt ??= randomBytes(16);
			const iterations = u.iterations ?? MIN_PBKDF2_ITERATIONS;
			const d = await this.derive(u.passphrase, this.sessionSalt, iterations);
			key = d.key;
			extra = {
				scheme: 'passphrase',
				kdf: {
					name: 'PBKDF2-SHA-256',
					iterations,
					salt: toBase64(this.sessionSalt),
					check: d.check
				}
			};
		} else {
			key = u.deviceKey.key;
			extra = { scheme: 'device', deviceKeyId: u.deviceKey.id };
		}
		const ct = await subtle().encrypt(
			{ name: 'AES-GCM', iv, additionalData: aad(id, extra.scheme) },
			key,
			plain
		);
		plain.fill(0);
		return {
			...base,
			...extra,
			ciphertext: toBase64(new Uint8Array(ct)),
			createdAt: now,
			updatedAt: now
		};
	}

	/**
	 * Decrypts a record.
	 * @throws KeyVaultError `wrong_passphrase`, `wrong_device_key`, `tampered` or `invalid_record`.
	 */
	async decrypt(record: EncryptedKeyRecord): Promise<string> {
		validateRecord(record);
		const u = this.unlock;
		let key: CryptoKey;
		if (record.scheme === 'passphrase') {
			if (u.scheme !== 'passphrase') {
				throw new KeyVaultError(
					'wrong_passphrase',
					`key "${record.id}" is locked with a passphrase; enter it to unlock`
				);
			}
			const kdf = record.kdf!;
			const d = await this.derive(u.passphrase, fromBase64(kdf.salt, 'kdf.salt'), kdf.iterations);
			if (d.check !== kdf.check) {
				throw new KeyVaultError('wrong_passphrase', `wrong passphrase for key "${record.id}"`);
			}
			key = d.key;
		} else {
			if (u.scheme !== 'device' || u.deviceKey.id !== record.deviceKeyId) {
				throw new KeyVaultError(
					'wrong_device_key',
					`key "${record.id}" was encrypted with another device's key; enter it again on this device`
				);
			}
			key = u.deviceKey.key;
		}
		let plain: ArrayBuffer;
		try {
			plain = await subtle().decrypt(
				{
					name: 'AES-GCM',
					iv: fromBase64(record.iv, 'iv'),
					additionalData: aad(record.id, record.scheme)
				},
				key,
				fromBase64(record.ciphertext, 'ciphertext')
			);
		} catch (e) {
			if (e instanceof KeyVaultError) throw e;
			throw new KeyVaultError(
				'tampered',
				`stored key "${record.id}" failed its integrity check: the ciphertext was altered or corrupted`
			);
		}
		return new TextDecoder().decode(plain);
	}

	/** Encrypts and stores an API key under `id` (e.g. the provider settings id). */
	async set(id: string, apiKey: string, label?: string): Promise<KeyInfo> {
		if (id === '') throw new KeyVaultError('invalid_record', 'a key needs a non-empty id');
		const previous = await this.storage.get(id);
		const record = await this.encrypt(id, apiKey, label ?? previous?.label);
		if (previous) record.createdAt = previous.createdAt;
		await this.storage.put(id, record);
		return info(record);
	}

	/** The decrypted API key, or undefined when none is stored under `id`. */
	async get(id: string): Promise<string | undefined> {
		const record = await this.storage.get(id);
		return record === undefined ? undefined : this.decrypt(record);
	}

	async delete(id: string): Promise<void> {
		await this.storage.delete(id);
	}

	/** Stored keys without secrets, for the settings list. */
	async list(): Promise<KeyInfo[]> {
		return (await this.storage.list()).map(info);
	}

	/** The exportable form: ciphertext records only, never plaintext. */
	async exportRecords(): Promise<EncryptedKeyRecord[]> {
		return (await this.storage.list()).map((r) => ({ ...r, kdf: r.kdf && { ...r.kdf } }));
	}

	/** Imports exported records after checking their shape (they stay encrypted). */
	async importRecords(records: unknown[]): Promise<number> {
		for (const r of records) validateRecord(r);
		for (const r of records as EncryptedKeyRecord[]) await this.storage.put(r.id, r);
		return records.length;
	}

	/** Re-encrypts every stored key under a new passphrase or device key (all must decrypt first). */
	async changeUnlock(next: VaultUnlock): Promise<void> {
		const records = await this.storage.list();
		const plain = await Promise.all(
			records.map(async (r) => ({ r, secret: await this.decrypt(r) }))
		);
		this.unlock = KeyVault.checkUnlock(next);
		this.derived.clear();
		this.sessionSalt = undefined;
		for (const { r, secret } of plain) {
			const rec = await this.encrypt(r.id, secret, r.label);
			rec.createdAt = r.createdAt;
			await this.storage.put(r.id, rec);
		}
	}
}

function info(r: EncryptedKeyRecord): KeyInfo {
	return {
		id: r.id,
		scheme: r.scheme,
		label: r.label,
		createdAt: r.createdAt,
		updatedAt: r.updatedAt
	};
}

/** In-memory storage, for tests and for sessions that keep nothing on disk. */
export function memoryVaultStorage(): KeyVaultStorage {
	const map = new Map<string, EncryptedKeyRecord>();
	return {
		get: async (id) => {
			const r = map.get(id);
			return r && structuredClone(r);
		},
		put: async (id, record) => void map.set(id, structuredClone(record)),
		delete: async (id) => void map.delete(id),
		list: async () => [...map.values()].map((r) => structuredClone(r))
	};
}
