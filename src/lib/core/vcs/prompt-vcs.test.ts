import { beforeEach, describe, expect, it } from 'vitest';
import { openTestCore } from '../../../../tests/support/core';
import type { AppCore } from '../app-core';
import { isPromptloomError } from '../model/errors';

let core: AppCore;
let id: string;

beforeEach(async () => {
	core = await openTestCore({ author: () => 'ann' });
	id = (await core.library.createPrompt({ name: 'greet', content: 'Hello\nworld\n' })).id;
});

async function rejectsWith(p: Promise<unknown>, code: string, text: RegExp) {
	const e = await p.then(
		() => undefined,
		(err: unknown) => err
	);
	expect(isPromptloomError(e) && e.code).toBe(code);
	expect((e as Error).message).toMatch(text);
}

const edit = (content: string) => core.library.updatePrompt(id, { content });
const text = async () => (await core.library.getPrompt(id)).content;

describe('PromptVcs', () => {
	it('starts the history on main with the first commit and refuses an empty commit', async () => {
		expect((await core.vcs.status(id)).initialized).toBe(false);
		const v1 = await core.vcs.commit(id, 'first');
		expect(v1.author).toBe('ann');
		expect(v1.branch).toBe('main');
		const s = await core.vcs.status(id);
		expect([s.initialized, s.dirty, s.branch, s.head?.id]).toEqual([true, false, 'main', v1.id]);
		await rejectsWith(core.vcs.commit(id, 'again'), 'nothing_to_commit', /nothing to commit/);
		await core.library.updatePrompt(id, {
			modelConfig: { model: 'm', temperature: 0.7, params: {} }
		});
		expect((await core.vcs.status(id)).dirty).toBe(true);
	});

	it('checks a branch out into the working copy, refusing while changes are uncommitted', async () => {
		const v1 = await core.vcs.commit(id, 'first');
		await core.vcs.createBranch(id, 'feature', v1.id, { checkout: true });
		await edit('Hello\nthere\n');
		await rejectsWith(
			core.vcs.checkout(id, 'main'),
			'conflict',
			/uncommitted changes on "feature"/
		);
		await core.vcs.commit(id, 'there');
		await core.vcs.checkout(id, 'main');
		expect(await text()).toBe('Hello\nworld\n');
		expect(await core.vcs.currentBranch(id)).toBe('main');
		await core.vcs.checkout(id, 'feature');
		expect(await text()).toBe('Hello\nthere\n');
		await rejectsWith(core.vcs.deleteBranch(id, 'feature'), 'conflict', /current branch/);
	});

	it('keeps a conflicted merge pending until resolved, then commits two parents into the working copy', async () => {
		const v1 = await core.vcs.commit(id, 'first');
		await core.vcs.createBranch(id, 'feature', v1.id, { checkout: true });
		await edit('Hello\ntheirs\n');
		const theirs = await core.vcs.commit(id, 'theirs');
		await core.vcs.checkout(id, 'main');
		await edit('Hello\nours\n');
		const ours = await core.vcs.commit(id, 'ours');
		const result = await core.vcs.merge(id, 'feature', 'main');
		expect(result.status).toBe('conflicts');
		const pending = (await core.vcs.status(id)).pendingMerge!;
		expect(pending.textConflicts.map((c) => [c.ours, c.theirs])).toEqual([['ours\n', 'theirs\n']]);
		await rejectsWith(core.vcs.completeMerge(id, {}), 'validation', /not resolved/);
		const merged = await core.vcs.completeMerge(id, {
			text: { [pending.textConflicts[0].id]: 'both' }
		});
		expect(merged.parents).toEqual([ours.id, theirs.id]);
		expect(await text()).toBe('Hello\nours\ntheirs\n');
		expect((await core.vcs.status(id)).pendingMerge).toBeNull();
	});

	it('rolls back with a new commit and records label moves', async () => {
		const v1 = await core.vcs.commit(id, 'first');
		await edit('changed\n');
		const v2 = await core.vcs.commit(id, 'second');
		await core.vcs.setLabel(id, 'production', v2.id);
		const v3 = await core.vcs.rollback(id, v1.id);
		expect(v3.parents).toEqual([v2.id]);
		expect(await text()).toBe('Hello\nworld\n');
		await core.vcs.setLabel(id, 'production', v3.id);
		const moves = await core.vcs.labelHistory(id, 'production');
		expect(moves.map((m) => [m.from, m.to, m.actor])).toEqual([
			[null, v2.id, 'ann'],
			[v2.id, v3.id, 'ann']
		]);
		await rejectsWith(
			core.vcs.setLabel(id, 'staging', 'f'.repeat(64)),
			'not_found',
			/does not exist/
		);
	});
});
