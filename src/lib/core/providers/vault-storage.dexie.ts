/** @module Key-vault storage and the device key over the local Dexie database. */
import type { PromptloomDb } from '../store/db';
import { createDeviceKey, type DeviceKey, type KeyVaultStorage } from './key-vault';

/** Encrypted key records in the `providerKeys` table (local only: never synced, never exported). */
export function dexieVaultStorage(db: PromptloomDb): KeyVaultStorage {
	return {
		get: (id) => db.providerKeys.get(id),
		put: async (id, record) => {
			await db.providerKeys.put({ ...record, id });
		},
		delete: (id) => db.providerKeys.delete(id),
		list: () => db.providerKeys.toArray()
	};
}

/**
 * This device's key, created on first use. The key is generated before the transaction (WebCrypto
 * promises would end a Dexie transaction), and the transaction keeps the first key ever stored, so
 * two tabs starting at once agree on one key.
 */
export async function loadOrCreateDeviceKey(db: PromptloomDb): Promise<DeviceKey> {
	const existing = await db.deviceKeys.toCollection().first();
	if (existing) return existing;
	const fresh = await createDeviceKey();
	return db.transaction('rw', db.deviceKeys, async () => {
		const first = await db.deviceKeys.toCollection().first();
		if (first) return first;
		await db.deviceKeys.add(fresh);
		return fresh;
	});
}
