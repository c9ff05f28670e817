/**
 * @module Public surface of the LLM providers: create, chat, count tokens, price, keep keys; and
 * the app's configured providers (settings in Dexie, encrypted keys, prices, model-spec resolution).
 */
export * from './types';
export * from './errors';
export * from './model-spec';
export * from './tokens';
export * from './prices';
export * from './retry';
export * from './create';
export * from './key-vault';
export { SseParser, NdjsonParser, LineSplitter, type SseEvent } from './stream-parse';
export type { ProviderConfig, ProviderRegistry } from './registry';
export {
	AppProviderRegistry,
	PRICES_SETTING,
	type AppProviderRegistryOptions,
	type KeyInput
} from './app-registry';
export {
	PROVIDER_ID_PATTERN,
	priceTableSchema,
	providerConfigInputSchema,
	slugifyProviderId,
	type ProviderConfigInput,
	type StoredDeviceKey,
	type StoredProviderConfig
} from './records';
export { dexieVaultStorage, loadOrCreateDeviceKey } from './vault-storage.dexie';
