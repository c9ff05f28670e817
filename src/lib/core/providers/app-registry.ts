/**
 * @module The app's provider registry: provider settings in Dexie, API keys in the key vault
 * (device key by default, a passphrase optionally), the user's price table, and model-spec resolution.
 */
import { PromptloomError } from '../model/errors';
import { createProvider, normalizeBaseUrl } from './create';
import { KeyVault, KeyVaultError, type EncryptedKeyRecord } from './key-vault';
import { parseModelSpec } from './model-spec';
import { DEFAULT_PRICES, type PriceTable } from './prices';
import type { RetryEnv, RetryPolicy } from './retry';
import type { LlmProvider, ProviderKind } from './types';
import type { PromptloomDb } from '../store/db';
import {
	priceTableSchema,
	providerConfigInputSchema,
	slugifyProviderId,
	type ProviderConfigInput,
	type StoredProviderConfig
} from './records';
import type { ProviderConfig, ProviderRegistry } from './registry';
import { dexieVaultStorage, loadOrCreateDeviceKey } from './vault-storage.dexie';

export const PRICES_SETTING = 'providers.prices';

/** Kinds whose hosted APIs always need a key; local servers (Ollama, compatible) may not. */
const NEEDS_KEY: ReadonlySet<ProviderKind> = new Set(['openai', 'anthropic', 'gemini']);

/** The API key to store with a provider; `passphrase` encrypts it under a passphrase instead of the device key. */
export interface KeyInput {
	apiKey: string;
	passphrase?: string;
}

export interface AppProviderRegistryOptions {
	db: PromptloomDb;
	now?: () => number;
	/** Passed to every provider created (tests shorten retries; the app keeps the defaults). */
	retry?: Partial<RetryPolicy>;
	retryEnv?: Partial<RetryEnv>;
	timeoutMs?: number;
	fetch?: typeof fetch;
}

function validationError(e: unknown): PromptloomError {
	const issue = (e as { issues?: { message: string; path: PropertyKey[] }[] }).issues?.[0];
	return new PromptloomError('validation', issue?.message ?? String(e), {
		path: issue?.path.map(String).join('.')
	});
}

/**
 * Provider settings and encrypted keys for the app. Plaintext keys exist only while a provider is
 * built in {@link resolve}; they are never returned by `list`, logged, or put in errors.
 */
export class AppProviderRegistry implements ProviderRegistry {
	readonly #db: PromptloomDb;
	readonly #now: () => number;
	readonly #options: AppProviderRegistryOptions;
	#deviceVault: Promise<KeyVault> | undefined;
	/** The vault unlocked with the session's passphrase (held in memory only). */
	#passphraseVault: KeyVault | undefined;
	#sessionPassphrase: string | undefined;

	constructor(options: AppProviderRegistryOptions) {
		this.#db = options.db;
		this.#now = options.now ?? Date.now;
		this.#options = options;
	}

	#device(): Promise<KeyVault> {
		this.#deviceVault ??= loadOrCreateDeviceKey(this.#db).then(
			(deviceKey) => new KeyVault(dexieVaultStorage(this.#db), { scheme: 'device', deviceKey })
		);
		this.#deviceVault.catch(() => (this.#deviceVault = undefined));
		return this.#deviceVault;
	}

	#toConfig(c: StoredProviderConfig, key: EncryptedKeyRecord | undefined): ProviderConfig {
		return {
			id: c.id,
			name: c.name,
			kind: c.kind,
			baseUrl: c.baseUrl,
			hasKey: key !== undefined,
			keyScheme: key?.scheme,
			models: [...c.models]
		};
	}

	async list(): Promise<ProviderConfig[]> {
		const [configs, keys] = await Promise.all([
			this.#db.providerConfigs.orderBy('id').toArray(),
			this.#db.providerKeys.toArray()
		]);
		const byId = new Map(keys.map((k) => [k.id, k]));
		return configs
			.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
			.map((c) => this.#toConfig(c, byId.get(c.id)));
	}

	async get(id: string): Promise<ProviderConfig | undefined> {
		const c = await this.#db.providerConfigs.get(id);
		return c && this.#toConfig(c, await this.#db.providerKeys.get(id));
	}

	#normalize(input: ProviderConfigInput): Omit<
		StoredProviderConfig,
		'id' | 'createdAt' | 'updatedAt'
	> & {
		id?: string;
	} {
		let parsed;
		try {
			parsed = providerConfigInputSchema.parse(input);
		} catch (e) {
			throw validationError(e);
		}
		const baseUrl = parsed.baseUrl ? normalizeBaseUrl(parsed.kind, parsed.baseUrl) : undefined;
		if (!baseUrl && parsed.kind === 'openai-compatible') {
			throw new PromptloomError(
				'validation',
				'an OpenAI-compatible provider needs a base URL, e.g. http://localhost:8000/v1',
				{ path: 'baseUrl' }
			);
		}
		return {
			id: parsed.id,
			name: parsed.name,
			kind: parsed.kind,
			baseUrl,
			models: [...new Set(parsed.models)]
		};
	}

	/**
	 * Adds a provider. Its id (the model-spec prefix) defaults to a slug of the name.
	 * @throws PromptloomError `conflict` when the id is taken, `validation` for bad settings.
	 */
	async add(input: ProviderConfigInput, key?: KeyInput): Promise<ProviderConfig> {
		const n = this.#normalize(input);
		const id = n.id ?? slugifyProviderId(n.name);
		if (await this.#db.providerConfigs.get(id)) {
			throw new PromptloomError('conflict', `a provider with id "${id}" already exists`, {
				path: 'id'
			});
		}
		const now = this.#now();
		const record: StoredProviderConfig = { ...n, id, createdAt: now, updatedAt: now };
		if (key && key.apiKey.trim()) await this.#storeKey(id, n.name, key);
		await this.#db.providerConfigs.add(record);
		return (await this.get(id))!;
	}

	/**
	 * Edits a provider's settings; the id cannot change. A given key replaces the stored one;
	 * without `key` the stored key is kept.
	 */
	async update(id: string, input: ProviderConfigInput, key?: KeyInput): Promise<ProviderConfig> {
		const current = await this.#db.providerConfigs.get(id);
		if (!current) throw new PromptloomError('not_found', `provider "${id}" does not exist`);
		const n = this.#normalize({ ...input, id });
		if (key && key.apiKey.trim()) await this.#storeKey(id, n.name, key);
		await this.#db.providerConfigs.put({
			...n,
			id,
			createdAt: current.createdAt,
			updatedAt: this.#now()
		});
		return (await this.get(id))!;
	}

	/** Removes a provider and its encrypted key. */
	async remove(id: string): Promise<void> {
		await this.#db.transaction('rw', this.#db.providerConfigs, this.#db.providerKeys, async () => {
			await this.#db.providerConfigs.delete(id);
			await this.#db.providerKeys.delete(id);
		});
	}

	/** Forgets a provider's stored key (the provider stays). */
	async removeKey(id: string): Promise<void> {
		await this.#db.providerKeys.delete(id);
	}

	/**
	 * Encrypts and stores a key. With a passphrase, every passphrase-protected key on this device
	 * uses the same one: a passphrase that does not open the keys already stored is refused.
	 */
	async #storeKey(id: string, label: string, key: KeyInput): Promise<void> {
		const apiKey = key.apiKey.trim();
		let vault: KeyVault;
		if (key.passphrase) {
			if (this.#sessionPassphrase !== key.passphrase) await this.unlock(key.passphrase);
			vault = this.#passphraseVault!;
		} else {
			vault = await this.#device();
		}
		await vault.set(id, apiKey, label);
	}

	/** Whether keys protected by a passphrase exist, and whether this session has unlocked them. */
	async lockState(): Promise<{ passphraseKeys: number; unlocked: boolean }> {
		const n = (await this.#db.providerKeys.toArray()).filter(
			(r) => r.scheme === 'passphrase'
		).length;
		return { passphraseKeys: n, unlocked: this.#passphraseVault !== undefined };
	}

	/**
	 * Unlocks passphrase-protected keys for this session (the passphrase stays in memory only).
	 * @throws KeyVaultError `wrong_passphrase` when it does not open a stored key.
	 */
	async unlock(passphrase: string): Promise<void> {
		const vault = new KeyVault(dexieVaultStorage(this.#db), { scheme: 'passphrase', passphrase });
		const records = (await this.#db.providerKeys.toArray()).filter(
			(r) => r.scheme === 'passphrase'
		);
		for (const r of records) await vault.decrypt(r);
		this.#passphraseVault = vault;
		this.#sessionPassphrase = passphrase;
	}

	/** Forgets the session passphrase. */
	lock(): void {
		this.#passphraseVault = undefined;
		this.#sessionPassphrase = undefined;
	}

	async #decryptKey(record: EncryptedKeyRecord, config: StoredProviderConfig): Promise<string> {
		if (record.scheme === 'passphrase') {
			if (!this.#passphraseVault) {
				throw new KeyVaultError(
					'wrong_passphrase',
					`the API key of ${config.name} is locked with a passphrase: unlock it in Settings`
				);
			}
			return this.#passphraseVault.decrypt(record);
		}
		return (await this.#device()).decrypt(record);
	}

	/** The price table used for costs: the user's edited copy, or the shipped defaults. */
	async getPrices(): Promise<PriceTable> {
		const stored = await this.#db.settings.get(PRICES_SETTING);
		const parsed = stored ? priceTableSchema.safeParse(stored.value) : undefined;
		return parsed?.success ? parsed.data : structuredClone(DEFAULT_PRICES);
	}

	/** Saves an edited price table after validating it. */
	async setPrices(table: PriceTable): Promise<PriceTable> {
		let parsed: PriceTable;
		try {
			parsed = priceTableSchema.parse(table);
		} catch (e) {
			throw validationError(e);
		}
		await this.#db.settings.put({ key: PRICES_SETTING, value: parsed });
		return parsed;
	}

	/** Goes back to the shipped price table. */
	async resetPrices(): Promise<PriceTable> {
		await this.#db.settings.delete(PRICES_SETTING);
		return structuredClone(DEFAULT_PRICES);
	}

	/** Every `<id>:<model>` spec the configured providers list, for model pickers. */
	async modelSpecs(): Promise<string[]> {
		return (await this.list()).flatMap((c) => (c.models ?? []).map((m) => `${c.id}:${m}`));
	}

	async #findConfig(spec: string): Promise<{ config: StoredProviderConfig; model: string }> {
		const trimmed = spec.trim();
		const colon = trimmed.indexOf(':');
		if (colon > 0) {
			const byId = await this.#db.providerConfigs.get(trimmed.slice(0, colon).toLowerCase());
			if (byId) {
				const model = parseModelSpec(trimmed).model;
				return { config: byId, model };
			}
		}
		const parsed = parseModelSpec(trimmed);
		if (parsed.kind) {
			const sameKind = (await this.#db.providerConfigs.toArray())
				.filter((c) => c.kind === parsed.kind)
				.sort((a, b) => a.createdAt - b.createdAt);
			if (sameKind.length > 0) return { config: sameKind[0], model: parsed.model };
		}
		throw new PromptloomError(
			'not_found',
			`no provider "${parsed.provider}" is configured: add it in Settings → Providers`
		);
	}

	async resolve(
		modelSpec: string
	): Promise<{ provider: LlmProvider; model: string; config: ProviderConfig }> {
		const { config, model } = await this.#findConfig(modelSpec);
		const record = await this.#db.providerKeys.get(config.id);
		if (!record && NEEDS_KEY.has(config.kind)) {
			throw new KeyVaultError(
				'invalid_record',
				`no API key is stored for ${config.name}: add one in Settings → Providers`
			);
		}
		const apiKey = record ? await this.#decryptKey(record, config) : undefined;
		const provider = createProvider({
			kind: config.kind,
			id: config.id,
			name: config.name,
			baseUrl: config.baseUrl,
			apiKey,
			prices: await this.getPrices(),
			retry: this.#options.retry,
			retryEnv: this.#options.retryEnv,
			timeoutMs: this.#options.timeoutMs,
			fetch: this.#options.fetch
		});
		return { provider, model, config: this.#toConfig(config, record) };
	}
}
