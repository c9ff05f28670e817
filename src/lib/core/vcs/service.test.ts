import { describe, expect, it } from 'vitest';
import { isPromptloomError } from '../model/errors';
import { verifyVersion } from './canonical';
import { chatSnapshot, metadata, textSnapshot } from './fixtures';
import { layoutHistory } from './graph';
import { MemoryVcsStore } from './memory-store';
import { VcsService, type Snapshot } from './service';

const P = 'prompt-1';
const BASE = 'You are a support bot.\nBe polite.\nAnswer in English.\nSign as Ana.\n';

function setup() {
	let t = 1000;
	const store = new MemoryVcsStore();
	const vcs = new VcsService({ store, now: () => (t += 10) });
	return { store, vcs };
}

async function expectError(p: Promise<unknown>, code: string, message: RegExp) {
	const err = await p.then(
		() => undefined,
		(e: unknown) => e
	);
	expect(isPromptloomError(err), `expected a PromptloomError, got ${String(err)}`).toBe(true);
	expect((err as { code: string }).code).toBe(code);
	expect((err as Error).message).toMatch(message);
}

describe('commits', () => {
	it('init creates a verifiable root on main and commit chains versions', async () => {
		const { vcs } = setup();
		const v1 = await vcs.init(P, textSnapshot(BASE), 'ana');
		expect(v1).toMatchObject({
			parents: [],
			branch: 'main',
			author: 'ana',
			message: 'Initial version'
		});
		const v2 = await vcs.commit(P, textSnapshot(BASE + 'Extra.\n'), {
			branch: 'main',
			message: 'add extra',
			author: 'bob'
		});
		expect(v2.parents).toEqual([v1.id]);
		expect((await vcs.getBranch(P, 'main')).head).toBe(v2.id);
		expect(await verifyVersion(v2)).toBe(true);
		expect((await vcs.history(P)).map((v) => v.id)).toEqual([v2.id, v1.id]);
	});

	it('says there is nothing to commit when the snapshot equals the head', async () => {
		const { vcs } = setup();
		await vcs.init(P, textSnapshot(BASE), 'ana');
		await expectError(
			vcs.commit(P, textSnapshot(BASE), { branch: 'main', message: 'x', author: 'ana' }),
			'nothing_to_commit',
			/nothing to commit/
		);
	});

	it('counts a metadata-only change as a change', async () => {
		const { vcs } = setup();
		await vcs.init(P, textSnapshot(BASE), 'ana');
		const v = await vcs.commit(
			P,
			textSnapshot(BASE, { modelConfig: { ...metadata().modelConfig, temperature: 0.7 } }),
			{ branch: 'main', message: 'warmer', author: 'ana' }
		);
		expect(v.metadata.modelConfig.temperature).toBe(0.7);
	});

	it('refuses to init twice and to commit on a missing branch', async () => {
		const { vcs } = setup();
		await vcs.init(P, textSnapshot(BASE), 'ana');
		await expectError(vcs.init(P, textSnapshot('x'), 'ana'), 'conflict', /already has a history/);
		await expectError(
			vcs.commit(P, textSnapshot('x'), { branch: 'nope', message: 'm', author: 'a' }),
			'not_found',
			/branch "nope" does not exist/
		);
	});
});

describe('branches', () => {
	it('creates a branch from any version and rejects bad names and duplicates', async () => {
		const { vcs } = setup();
		const v1 = await vcs.init(P, textSnapshot(BASE), 'ana');
		const b = await vcs.createBranch(P, 'feature/short', v1.id, 'ana');
		expect(b).toMatchObject({ name: 'feature/short', head: v1.id, createdBy: 'ana' });
		await expectError(
			vcs.createBranch(P, 'feature/short', v1.id, 'ana'),
			'conflict',
			/already exists/
		);
		await expectError(
			vcs.createBranch(P, 'bad name', v1.id, 'ana'),
			'validation',
			/invalid branch name/
		);
		await expectError(
			vcs.createBranch(P, 'x', 'f'.repeat(64), 'ana'),
			'not_found',
			/does not exist/
		);
	});

	it('will not delete main or the current branch, and deletes others', async () => {
		const { vcs } = setup();
		const v1 = await vcs.init(P, textSnapshot(BASE), 'ana');
		await vcs.createBranch(P, 'exp', v1.id, 'ana');
		await expectError(
			vcs.deleteBranch(P, 'main', 'exp'),
			'conflict',
			/"main" branch cannot be deleted/
		);
		await expectError(vcs.deleteBranch(P, 'exp', 'exp'), 'conflict', /current branch/);
		await expectError(vcs.deleteBranch(P, 'ghost', 'main'), 'not_found', /does not exist/);
		await vcs.deleteBranch(P, 'exp', 'main');
		expect((await vcs.listBranches(P)).map((b) => b.name)).toEqual(['main']);
	});
});

describe('merge', () => {
	async function diverged(ours: Snapshot, theirs: Snapshot) {
		const env = setup();
		const root = await env.vcs.init(P, textSnapshot(BASE), 'ana');
		await env.vcs.createBranch(P, 'feature', root.id, 'ana');
		const o = await env.vcs.commit(P, ours, { branch: 'main', message: 'ours', author: 'ana' });
		const t = await env.vcs.commit(P, theirs, {
			branch: 'feature',
			message: 'theirs',
			author: 'bob'
		});
		return { ...env, root, o, t };
	}

	it('commits a clean merge with parents [target head, source head]', async () => {
		const { vcs, o, t } = await diverged(
			textSnapshot(BASE.replace('Be polite.', 'Be very polite.')),
			textSnapshot(BASE.replace('Sign as Ana.', 'Sign as Bob.'), { tags: ['support'] })
		);
		const r = await vcs.merge(P, { source: 'feature', target: 'main', author: 'ana' });
		if (r.status !== 'merged') throw new Error(`expected merged, got ${r.status}`);
		expect(r.version.parents).toEqual([o.id, t.id]);
		expect(r.version.content.content).toBe(
			'You are a support bot.\nBe very polite.\nAnswer in English.\nSign as Bob.\n'
		);
		expect(r.version.metadata.tags).toEqual(['support']);
		expect(r.version.message).toBe("Merge branch 'feature' into 'main'");
		expect((await vcs.getBranch(P, 'main')).head).toBe(r.version.id);
		expect((await vcs.getBranch(P, 'feature')).head).toBe(t.id);
		expect(await verifyVersion(r.version)).toBe(true);
		const layout = layoutHistory(await vcs.history(P), await vcs.listBranches(P));
		expect(layout.rows[0]).toMatchObject({ versionId: r.version.id, isMerge: true, lane: 0 });
	});

	it('returns conflicts per hunk and per metadata field, then completes with resolutions', async () => {
		const warm = { modelConfig: { ...metadata().modelConfig, temperature: 0.9 } };
		const cold = { modelConfig: { ...metadata().modelConfig, temperature: 0.0 } };
		const { vcs, o, t } = await diverged(
			textSnapshot(BASE.replace('English', 'French'), warm),
			textSnapshot(BASE.replace('English', 'German'), cold)
		);
		const r = await vcs.merge(P, { source: 'feature', target: 'main', author: 'ana' });
		if (r.status !== 'conflicts') throw new Error(`expected conflicts, got ${r.status}`);
		expect(r.merge.textConflicts).toEqual([
			{
				id: 'text:0',
				location: 'text',
				base: 'Answer in English.\n',
				ours: 'Answer in French.\n',
				theirs: 'Answer in German.\n'
			}
		]);
		expect(r.merge.metadata.conflicts.map((c) => [c.path, c.ours, c.theirs])).toEqual([
			['modelConfig.temperature', 0.9, 0.0]
		]);
		expect((await vcs.getBranch(P, 'main')).head).toBe(o.id);

		await expectError(
			vcs.completeMerge(P, r.merge, { text: { 'text:0': 'both' } }, 'ana'),
			'validation',
			/1 merge conflict\(s\) are not resolved: modelConfig.temperature/
		);
		const v = await vcs.completeMerge(
			P,
			r.merge,
			{
				text: { 'text:0': { custom: 'Answer in the user language.\n' } },
				metadata: { 'modelConfig.temperature': 'theirs' }
			},
			'ana'
		);
		expect(v.parents).toEqual([o.id, t.id]);
		expect(v.content.content).toContain('Answer in the user language.\nSign as Ana.');
		expect(v.metadata.modelConfig.temperature).toBe(0);
		expect((await vcs.getBranch(P, 'main')).head).toBe(v.id);
	});

	it('refuses to complete a merge after the target branch moved', async () => {
		const { vcs } = await diverged(
			textSnapshot(BASE.replace('English', 'French')),
			textSnapshot(BASE.replace('English', 'German'))
		);
		const r = await vcs.merge(P, { source: 'feature', target: 'main', author: 'ana' });
		if (r.status !== 'conflicts') throw new Error('expected conflicts');
		await vcs.commit(P, textSnapshot('moved'), { branch: 'main', message: 'm', author: 'ana' });
		await expectError(
			vcs.completeMerge(P, r.merge, { text: { 'text:0': 'ours' } }, 'ana'),
			'conflict',
			/changed since the merge started/
		);
	});

	it('merges chat prompts per message', async () => {
		const { vcs } = setup();
		const root = await vcs.init(
			P,
			chatSnapshot([
				{ role: 'system', content: 'S' },
				{ role: 'user', content: 'U' }
			]),
			'ana'
		);
		await vcs.createBranch(P, 'f', root.id, 'ana');
		await vcs.commit(
			P,
			chatSnapshot([
				{ role: 'system', content: 'S ours' },
				{ role: 'user', content: 'U' }
			]),
			{ branch: 'main', message: 'o', author: 'ana' }
		);
		await vcs.commit(
			P,
			chatSnapshot([
				{ role: 'system', content: 'S theirs' },
				{ role: 'user', content: 'U theirs' }
			]),
			{ branch: 'f', message: 't', author: 'bob' }
		);
		const r = await vcs.merge(P, { source: 'f', target: 'main', author: 'ana' });
		if (r.status !== 'conflicts') throw new Error('expected conflicts');
		expect(r.merge.textConflicts.map((c) => [c.id, c.location])).toEqual([
			['messages[0]:0', 'message 1 (system)']
		]);
		const v = await vcs.completeMerge(P, r.merge, { text: { 'messages[0]:0': 'ours' } }, 'ana');
		expect(v.content.messages).toEqual([
			{ role: 'system', content: 'S ours' },
			{ role: 'user', content: 'U theirs' }
		]);
	});

	it('fast-forwards when the target is an ancestor, and is up to date the other way', async () => {
		const { vcs } = setup();
		const root = await vcs.init(P, textSnapshot(BASE), 'ana');
		await vcs.createBranch(P, 'f', root.id, 'ana');
		const v = await vcs.commit(P, textSnapshot('new'), {
			branch: 'f',
			message: 'm',
			author: 'ana'
		});
		expect(await vcs.merge(P, { source: 'main', target: 'f', author: 'ana' })).toEqual({
			status: 'up-to-date'
		});
		const r = await vcs.merge(P, { source: 'f', target: 'main', author: 'ana' });
		expect(r).toMatchObject({ status: 'fast-forward', version: { id: v.id } });
		expect((await vcs.getBranch(P, 'main')).head).toBe(v.id);
	});

	it('gives a specific error for unrelated histories', async () => {
		const { vcs, store } = setup();
		await vcs.init(P, textSnapshot(BASE), 'ana');
		// A branch whose root was created independently (e.g. imported from elsewhere).
		const other = new VcsService({ store: new MemoryVcsStore() });
		const orphan = await other.init(P, textSnapshot('unrelated\n'), 'eve');
		await store.putVersion(orphan);
		await vcs.createBranch(P, 'orphan', orphan.id, 'eve');
		await expectError(
			vcs.merge(P, { source: 'orphan', target: 'main', author: 'ana' }),
			'merge',
			/no common ancestor \(unrelated histories\)/
		);
	});
});

describe('rollback', () => {
	it('adds a new commit equal to the old version, keeping history', async () => {
		const { vcs } = setup();
		const v1 = await vcs.init(P, textSnapshot(BASE, { tags: ['v1'] }), 'ana');
		const v2 = await vcs.commit(P, textSnapshot('changed', { tags: ['v2'] }), {
			branch: 'main',
			message: 'change',
			author: 'ana'
		});
		const r = await vcs.rollback(P, v1.id, { branch: 'main', author: 'bob' });
		expect(r.parents).toEqual([v2.id]);
		expect(r.content).toEqual(v1.content);
		expect(r.metadata).toEqual(v1.metadata);
		expect(r.id).not.toBe(v1.id);
		expect(r.message).toBe(`Roll back to ${v1.id.slice(0, 8)}`);
		expect((await vcs.history(P)).map((v) => v.id)).toEqual([r.id, v2.id, v1.id]);
		await expectError(
			vcs.rollback(P, v1.id, { branch: 'main', author: 'bob' }),
			'nothing_to_commit',
			/nothing to commit/
		);
	});
});

describe('labels', () => {
	it('points one version per label, moves it and records who, when, from and to', async () => {
		const { vcs } = setup();
		const v1 = await vcs.init(P, textSnapshot(BASE), 'ana');
		const v2 = await vcs.commit(P, textSnapshot('v2'), {
			branch: 'main',
			message: 'm',
			author: 'ana'
		});
		await vcs.setLabel(P, 'production', v1.id, 'ana');
		await vcs.setLabel(P, 'staging', v2.id, 'ana');
		const moved = await vcs.setLabel(P, 'production', v2.id, 'bob');
		expect(moved).toMatchObject({ name: 'production', versionId: v2.id, updatedBy: 'bob' });
		const labels = await vcs.listLabels(P);
		expect(labels.filter((l) => l.name === 'production')).toHaveLength(1);
		expect((await vcs.getLabel(P, 'production'))?.versionId).toBe(v2.id);

		await vcs.removeLabel(P, 'staging', 'carl');
		expect(await vcs.getLabel(P, 'staging')).toBeUndefined();

		const events = await vcs.labelHistory(P);
		expect(events.map((e) => [e.label, e.from, e.to, e.actor])).toEqual([
			['production', null, v1.id, 'ana'],
			['staging', null, v2.id, 'ana'],
			['production', v1.id, v2.id, 'bob'],
			['staging', v2.id, null, 'carl']
		]);
		expect(events[2].at).toBeGreaterThan(events[0].at);
		expect((await vcs.labelHistory(P, 'production')).map((e) => e.to)).toEqual([v1.id, v2.id]);
	});

	it('does not record a move when the label already points at the version', async () => {
		const { vcs } = setup();
		const v1 = await vcs.init(P, textSnapshot(BASE), 'ana');
		await vcs.setLabel(P, 'production', v1.id, 'ana');
		await vcs.setLabel(P, 'production', v1.id, 'ana');
		expect(await vcs.labelHistory(P)).toHaveLength(1);
	});

	it('gives specific errors for a missing version, another prompt and a missing label', async () => {
		const { vcs } = setup();
		await vcs.init(P, textSnapshot(BASE), 'ana');
		const foreign = await vcs.init('prompt-2', textSnapshot(BASE), 'ana');
		await expectError(
			vcs.setLabel(P, 'production', 'a'.repeat(64), 'ana'),
			'not_found',
			/version aaaaaaaa does not exist/
		);
		await expectError(
			vcs.setLabel(P, 'production', foreign.id, 'ana'),
			'validation',
			/belongs to another prompt/
		);
		await expectError(vcs.removeLabel(P, 'production', 'ana'), 'not_found', /does not exist/);
		expect(await vcs.labelHistory(P)).toEqual([]);
	});
});
