/** @module Shared vitest suite every `VcsStore` implementation must pass (memory, Dexie). */
import { describe, expect, it } from 'vitest';
import type { Version } from '../model/version';
import { textSnapshot } from './fixtures';
import type { VcsStore } from './store';

function version(id: string, promptId: string): Version {
	return {
		id,
		promptId,
		parents: [],
		...textSnapshot(`text of ${id}`),
		message: 'm',
		author: 'a',
		createdAt: 1,
		branch: 'main'
	};
}

/** Registers the contract tests for a store; `make` must return a fresh, empty store. */
export function describeVcsStoreContract(name: string, make: () => Promise<VcsStore>): void {
	describe(`${name} satisfies the VcsStore contract`, () => {
		it('stores versions by id and lists them per prompt', async () => {
			const s = await make();
			await s.putVersion(version('v1', 'p1'));
			await s.putVersion(version('v2', 'p1'));
			await s.putVersion(version('v3', 'p2'));
			expect((await s.getVersion('v1'))?.content.content).toBe('text of v1');
			expect(await s.getVersion('missing')).toBeUndefined();
			expect((await s.listVersions('p1')).map((v) => v.id).sort()).toEqual(['v1', 'v2']);
		});

		it('returns copies that callers can mutate safely', async () => {
			const s = await make();
			await s.putVersion(version('v1', 'p1'));
			const v = (await s.getVersion('v1'))!;
			v.content.content = 'mutated';
			expect((await s.getVersion('v1'))?.content.content).toBe('text of v1');
		});

		it('puts, replaces, lists and deletes branches per prompt', async () => {
			const s = await make();
			const b = { promptId: 'p1', name: 'main', head: 'v1', createdAt: 1, createdBy: 'a' };
			await s.putBranch(b);
			await s.putBranch({ ...b, name: 'f' });
			await s.putBranch({ ...b, promptId: 'p2' });
			await s.putBranch({ ...b, head: 'v2' });
			expect((await s.getBranch('p1', 'main'))?.head).toBe('v2');
			expect((await s.listBranches('p1')).map((x) => x.name).sort()).toEqual(['f', 'main']);
			await s.deleteBranch('p1', 'f');
			expect(await s.getBranch('p1', 'f')).toBeUndefined();
			expect(await s.getBranch('p2', 'main')).toBeDefined();
		});

		it('keeps one label per (prompt, name)', async () => {
			const s = await make();
			const l = {
				promptId: 'p1',
				name: 'production',
				versionId: 'v1',
				updatedAt: 1,
				updatedBy: 'a'
			};
			await s.putLabel(l);
			await s.putLabel({ ...l, versionId: 'v2' });
			await s.putLabel({ ...l, name: 'staging' });
			expect(await s.listLabels('p1')).toHaveLength(2);
			expect((await s.getLabel('p1', 'production'))?.versionId).toBe('v2');
			await s.deleteLabel('p1', 'production');
			expect(await s.getLabel('p1', 'production')).toBeUndefined();
		});

		it('lists label events in insertion order, filtered by prompt and label', async () => {
			const s = await make();
			const e = { promptId: 'p1', label: 'production', from: null, to: 'v1', actor: 'a', at: 5 };
			await s.addLabelEvent({ ...e, id: 'e1' });
			await s.addLabelEvent({ ...e, id: 'e2', label: 'staging' });
			await s.addLabelEvent({ ...e, id: 'e3', from: 'v1', to: 'v2', at: 6 });
			await s.addLabelEvent({ ...e, id: 'e4', promptId: 'p2' });
			expect((await s.listLabelEvents('p1')).map((x) => x.id)).toEqual(['e1', 'e2', 'e3']);
			expect((await s.listLabelEvents('p1', 'production')).map((x) => x.id)).toEqual(['e1', 'e3']);
		});
	});
}
