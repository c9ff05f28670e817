/**
 * @module API keys of the relay's HTTP API, kept in `<data>/api-keys.json` (mode 0600).
 *
 * A key is a pair: a public key `pk-pl-<base64url of 16 random bytes>` that names it (safe to
 * log and show) and a secret key `sk-pl-<base64url of 32 random bytes>`, shown once at creation.
 * Only the SHA-256 of the secret is stored, with the key's workspace, scope (`read`: GET and
 * render; `write`: also create versions and move labels), name, creator, creation and last use.
 * Secrets are compared in constant time (`timingSafeEqual` on the hashes). Changes made by the
 * CLI while the relay runs are picked up within `keyRecheckMs`. With several relay instances the
 * same document lives in PostgreSQL instead (see `storage/blobs.ts`).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
	PUBLIC_KEY_PREFIX,
	SECRET_KEY_PREFIX,
	apiScopeSchema,
	type ApiKeyInfo,
	type ApiScope,
	type CreatedApiKey
} from '../../../src/lib/core/api/schemas';
import { z } from '../../../src/lib/core/model/zod';
import { fileBlobs, retryOnConflict, type RelayBlobs } from '../storage/blobs';

export const API_KEYS_FILE_NAME = 'api-keys.json';

const recordSchema = z.object({
	publicKey: z.string().startsWith(PUBLIC_KEY_PREFIX),
	secretHash: z.string().regex(/^[0-9a-f]{64}$/),
	workspace: z.string().min(1),
	scope: apiScopeSchema,
	name: z.string(),
	createdAt: z.number(),
	createdBy: z.string(),
	lastUsedAt: z.number().nullable()
});
export type ApiKeyRecord = z.infer<typeof recordSchema>;
const fileSchema = z.object({ version: z.literal(1), keys: z.array(recordSchema) });

/** An unknown key makes the store look at its file again (a stat; read only when it changed). */
const MISS_RECHECK_MS = 0;

const sha256 = (text: string) => createHash('sha256').update(text).digest();
const info = ({ secretHash: _s, ...rest }: ApiKeyRecord): ApiKeyInfo => rest;

/** A verified key: what it grants. */
export interface ApiPrincipal {
	publicKey: string;
	workspace: string;
	scope: ApiScope;
	name: string;
}

export class ApiKeyStore {
	readonly #path: string;
	readonly #blobs: RelayBlobs;
	#records: ApiKeyRecord[] = [];
	#byHash = new Map<string, ApiKeyRecord>();
	#byPublic = new Map<string, ApiKeyRecord>();
	/** Inode, size and mtime of the file as last read (a rename gives a new inode). */
	#signature = '';
	#checkedAt = -Infinity;
	#loading: Promise<void> | null = null;
	#writes: Promise<void> = Promise.resolve();
	#usageDirty = false;
	#flushTimer: ReturnType<typeof setInterval> | null = null;
	/** A fixed hash compared against when a public key is unknown, so both paths cost the same. */
	readonly #decoy = sha256(randomBytes(32).toString('hex'));

	/** `where`: a data directory, or shared storage (PostgreSQL). */
	constructor(
		where: string | RelayBlobs,
		private readonly options: { recheckMs?: number; usageFlushMs?: number } = {}
	) {
		this.#blobs = typeof where === 'string' ? fileBlobs(where) : where;
		this.#path = typeof where === 'string' ? `${where}/${API_KEYS_FILE_NAME}` : API_KEYS_FILE_NAME;
	}

	/** Starts writing `lastUsedAt` to disk periodically (the relay does; the CLI does not). */
	startUsageFlush(): void {
		const every = this.options.usageFlushMs ?? 5000;
		this.#flushTimer ??= setInterval(() => void this.flushUsage(), every);
		this.#flushTimer.unref();
	}

	async close(): Promise<void> {
		if (this.#flushTimer) clearInterval(this.#flushTimer);
		this.#flushTimer = null;
		await this.flushUsage();
		await this.#writes;
	}

	/** Reads the file when it changed (at most every `recheckMs` unless `force`). */
	async #refresh(force = false, recheckMs = this.options.recheckMs ?? 500): Promise<void> {
		const now = performance.now();
		if (!force && now - this.#checkedAt < recheckMs) return;
		this.#loading ??= (async () => {
			try {
				const signature = await this.#stat();
				if (signature !== this.#signature) {
					const records = signature === 'none' ? [] : await this.#read();
					// Usage seen here and not yet written survives a reload.
					for (const r of records) {
						const old = this.#byPublic.get(r.publicKey);
						if (old?.lastUsedAt && (r.lastUsedAt ?? 0) < old.lastUsedAt)
							r.lastUsedAt = old.lastUsedAt;
					}
					this.#set(records);
					this.#signature = signature;
				}
				this.#checkedAt = performance.now();
			} finally {
				this.#loading = null;
			}
		})();
		await this.#loading;
	}

	#stat(): Promise<string> {
		return this.#blobs.signature(API_KEYS_FILE_NAME);
	}

	async #read(): Promise<ApiKeyRecord[]> {
		const text = (await this.#blobs.read(API_KEYS_FILE_NAME)) ?? '{"version":1,"keys":[]}';
		let data: unknown;
		try {
			data = JSON.parse(text);
		} catch (e) {
			throw new Error(`${this.#path} is not valid JSON: ${(e as Error).message}`);
		}
		const parsed = fileSchema.safeParse(data);
		if (!parsed.success) throw new Error(`${this.#path} is malformed: ${parsed.error.message}`);
		return parsed.data.keys;
	}

	#set(records: ApiKeyRecord[]): void {
		this.#records = records;
		this.#byHash = new Map(records.map((r) => [r.secretHash, r]));
		this.#byPublic = new Map(records.map((r) => [r.publicKey, r]));
	}

	/** Re-reads the file, applies `change` and writes it back (one change at a time). */
	async #update<T>(change: (records: ApiKeyRecord[]) => T): Promise<T> {
		const run = this.#writes.then(() =>
			retryOnConflict(async () => {
				await this.#refresh(true);
				const records = this.#records.map((r) => ({ ...r }));
				const result = change(records);
				await this.#blobs.write(
					API_KEYS_FILE_NAME,
					JSON.stringify({ version: 1, keys: records }, null, '\t') + '\n',
					this.#signature
				);
				this.#set(records);
				this.#signature = await this.#stat();
				return result;
			})
		);
		this.#writes = run.then(
			() => undefined,
			() => undefined
		);
		return run;
	}

	/** Creates a key; the secret is in the answer and nowhere else. */
	async create(input: {
		workspace: string;
		scope: ApiScope;
		name: string;
		createdBy: string;
	}): Promise<CreatedApiKey> {
		const publicKey = PUBLIC_KEY_PREFIX + randomBytes(16).toString('base64url');
		const secretKey = SECRET_KEY_PREFIX + randomBytes(32).toString('base64url');
		const record: ApiKeyRecord = {
			publicKey,
			secretHash: sha256(secretKey).toString('hex'),
			workspace: input.workspace,
			scope: input.scope,
			name: input.name,
			createdAt: Date.now(),
			createdBy: input.createdBy,
			lastUsedAt: null
		};
		await this.#update((records) => void records.push(record));
		return {
			publicKey,
			secretKey,
			workspace: record.workspace,
			scope: record.scope,
			name: record.name,
			createdAt: record.createdAt
		};
	}

	/** Keys of a workspace (every key without one), oldest first, without their hashes. */
	async list(workspace?: string): Promise<ApiKeyInfo[]> {
		await this.#refresh(true);
		return this.#records.filter((r) => !workspace || r.workspace === workspace).map(info);
	}

	/** Deletes a key of `workspace`; resolves to the key removed, or null when there is none. */
	async revoke(workspace: string, publicKey: string): Promise<ApiKeyInfo | null> {
		return this.#update((records) => {
			const i = records.findIndex((r) => r.publicKey === publicKey && r.workspace === workspace);
			if (i < 0) return null;
			return info(records.splice(i, 1)[0]);
		});
	}

	/** The key whose secret is `secret` (an `Authorization: Bearer` value), or null. */
	async verifySecret(secret: string): Promise<ApiPrincipal | null> {
		if (!secret.startsWith(SECRET_KEY_PREFIX) || secret.length > 200) return null;
		await this.#refresh();
		const hash = sha256(secret);
		const hex = hash.toString('hex');
		// A key made by the CLI a moment ago: look at the file again.
		if (!this.#byHash.has(hex)) await this.#refresh(false, MISS_RECHECK_MS);
		const record = this.#byHash.get(hex);
		const expected = record ? Buffer.from(record.secretHash, 'hex') : this.#decoy;
		if (!timingSafeEqual(hash, expected) || !record) return null;
		return this.#use(record);
	}

	/** The key named `publicKey` when `secret` is its secret (Basic auth `pk:sk`), or null. */
	async verifyPair(publicKey: string, secret: string): Promise<ApiPrincipal | null> {
		if (secret.length > 200) return null;
		await this.#refresh();
		if (!this.#byPublic.has(publicKey)) await this.#refresh(false, MISS_RECHECK_MS);
		const record = this.#byPublic.get(publicKey);
		const expected = record ? Buffer.from(record.secretHash, 'hex') : this.#decoy;
		if (!timingSafeEqual(sha256(secret), expected) || !record) return null;
		return this.#use(record);
	}

	#use(record: ApiKeyRecord): ApiPrincipal {
		record.lastUsedAt = Date.now();
		this.#usageDirty = true;
		return {
			publicKey: record.publicKey,
			workspace: record.workspace,
			scope: record.scope,
			name: record.name
		};
	}

	/** Writes the last-use times seen since the previous flush. */
	async flushUsage(): Promise<void> {
		if (!this.#usageDirty) return;
		this.#usageDirty = false;
		const seen = new Map(this.#records.map((r) => [r.publicKey, r.lastUsedAt]));
		await this.#update((records) => {
			for (const r of records) {
				const at = seen.get(r.publicKey);
				if (at && (r.lastUsedAt ?? 0) < at) r.lastUsedAt = at;
			}
		}).catch(() => {
			this.#usageDirty = true;
		});
	}
}
