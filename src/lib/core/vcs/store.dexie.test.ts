import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { describeVcsStoreContract } from './store-contract';
import { VcsService } from './service';
import { textSnapshot } from './fixtures';
import { createDatabase } from '../store/db';
import { DexieVcsStore } from './store.dexie';

async function freshStore(): Promise<DexieVcsStore> {
	const db = createDatabase({
		name: `vcs-${crypto.randomUUID()}`,
		indexedDB: new IDBFactory(),
		IDBKeyRange
	});
	await db.open();
	return new DexieVcsStore(db);
}

describeVcsStoreContract('DexieVcsStore', freshStore);

describe('DexieVcsStore under the version-control service', () => {
	it('keeps label moves in the order they happened within the same millisecond', async () => {
		const vcs = new VcsService({ store: await freshStore(), now: () => 42 });
		const v1 = await vcs.init('p', textSnapshot('one'), 'ann');
		const v2 = await vcs.commit('p', textSnapshot('two'), {
			branch: 'main',
			message: 'm',
			author: 'ann'
		});
		await vcs.setLabel('p', 'production', v1.id, 'ann');
		await vcs.setLabel('p', 'production', v2.id, 'bob');
		await vcs.setLabel('p', 'production', v1.id, 'cy');
		const moves = await vcs.labelHistory('p', 'production');
		expect(moves.map((e) => [e.from, e.to, e.actor])).toEqual([
			[null, v1.id, 'ann'],
			[v1.id, v2.id, 'bob'],
			[v2.id, v1.id, 'cy']
		]);
		expect(moves.every((e) => !('seq' in e))).toBe(true);
	});

	it('persists a branch history that a new service instance reads back', async () => {
		const store = await freshStore();
		const a = new VcsService({ store });
		const v1 = await a.init('p', textSnapshot('base'), 'ann');
		await a.createBranch('p', 'feature', v1.id, 'ann');
		const b = new VcsService({ store });
		expect((await b.listBranches('p')).map((x) => x.name).sort()).toEqual(['feature', 'main']);
		expect((await b.history('p')).map((v) => v.id)).toEqual([v1.id]);
	});
});
