/** Opens an AppCore over a fresh in-memory IndexedDB (fake-indexeddb). */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { openAppCore, type AppCoreOptions } from '../../src/lib/core/app-core';

export async function openTestCore(options: AppCoreOptions = {}) {
	return openAppCore({
		name: `test-${crypto.randomUUID()}`,
		indexedDB: new IDBFactory(),
		IDBKeyRange,
		...options
	});
}
