/** @module Configured providers for the app: settings, encrypted keys, prices, model-spec resolution. */
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
export { dexieVaultStorage, loadOrCreateDeviceKey } from './vault-storage';
