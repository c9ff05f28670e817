/** @module The contract between configured providers (settings, key vault) and their users. */
import type { PriceTable } from './prices';
import type { ProviderSettings } from './create';
import type { LlmProvider } from './types';

/** A provider the user configured: settings plus whether an API key is stored for it. */
export interface ProviderConfig {
	id: string;
	name: string;
	kind: ProviderSettings['kind'];
	baseUrl?: string;
	hasKey: boolean;
	/** How the stored key is protected, when there is one. */
	keyScheme?: 'device' | 'passphrase';
	/** Models offered for this provider in pickers (`<id>:<model>` specs). */
	models?: string[];
}

export interface ProviderRegistry {
	list(): Promise<ProviderConfig[]>;
	/**
	 * The provider for a model spec such as `openai:gpt-4o-mini` or `<configId>:<model>`,
	 * with its API key decrypted from the vault. Throws a specific error when the provider is
	 * not configured or its key is locked.
	 */
	resolve(
		modelSpec: string
	): Promise<{ provider: LlmProvider; model: string; config: ProviderConfig }>;
	/**
	 * The price table costs are computed with: the user's edited copy (the providers it resolves
	 * price their calls with it too). Without it, estimates use the shipped table.
	 */
	getPrices?(): Promise<PriceTable>;
}
