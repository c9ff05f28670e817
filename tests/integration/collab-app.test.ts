import { afterEach, describe, expect, it } from 'vitest';
import type { AppCore } from '../../src/lib/core/app-core';
import { followAccess } from '../../src/lib/core/collab';
import { isPromptloomError } from '../../src/lib/core/model/errors';
import { enrollFromCli } from '../../sync-server/src/collab/registry';
import { removeDataDir, startTestRelay, type TestRelay } from '../../sync-server/testing/harness';
import { openTestCore } from '../support/core';

let relay: TestRelay | undefined;
const cores: AppCore[] = [];

afterEach(async () => {
	for (const c of cores.splice(0)) c.close();
	if (relay) {
		await relay.relay.close();
		await removeDataDir(relay.dataDir);
		relay = undefined;
	}
});

async function member(user: string, token: string): Promise<AppCore> {
	const c = await openTestCore({ author: () => user });
	cores.push(c);
	await c.collab.join({ relay: relay!.relay.url, workspace: 'team', token });
	return c;
}

describe('reviews of protected labels in a shared workspace (app against a real relay)', () => {
	it('editor is refused, requests a review, reviewer approves, the label moves; roles are managed', async () => {
		relay = await startTestRelay();
		await enrollFromCli(relay.dataDir, 'team', 'olga', 'owner');
		const owner = await member('olga', await relay.token('team', 'owner', 'olga'));
		const edInvite = await owner.collab.invite('ed', 'editor');
		const ritaInvite = await owner.collab.invite('rita', 'reviewer');
		const ed = await member('ed', edInvite.token);
		const rita = await member('rita', ritaInvite.token);

		const p = await ed.library.createPrompt({ name: 'greet', content: 'Hello' });
		const v = await ed.vcs.commit(p.id, 'first');
		await ed.vcs.setLabel(p.id, 'staging', v.id);
		const refused = await ed.vcs.setLabel(p.id, 'production', v.id).catch((e: unknown) => e);
		expect(isPromptloomError(refused, 'approval_required') && refused.message).toMatch(
			/"production" is a protected label: moving it needs a review approved by a reviewer or owner/
		);

		const review = await ed.collab.requestReview({
			promptId: p.id,
			label: 'production',
			versionId: v.id
		});
		const own = await ed.collab.decide(review.id, 'approved').catch((e: unknown) => e);
		expect(isPromptloomError(own, 'forbidden')).toBe(true);

		expect((await rita.collab.reviews()).map((r) => [r.id, r.status])).toEqual([
			[review.id, 'pending']
		]);
		await rita.collab.decide(review.id, 'approved', 'ship it');
		const applied = await ed.collab.applyApproved();
		expect(applied.map((r) => r.id)).toEqual([review.id]);
		const labels = (await ed.vcs.status(p.id)).labels.map((l) => `${l.name}@${l.versionId}`).sort();
		expect(labels).toEqual([`production@${v.id}`, `staging@${v.id}`]);
		expect((await ed.collab.reviews())[0].status).toBe('applied');

		await owner.collab.setRole('rita', 'viewer');
		expect((await rita.collab.summary()).you.role).toBe('viewer');
		await owner.collab.removeMember('ed');
		const gone = await ed.collab.summary().catch((e: unknown) => e);
		expect(isPromptloomError(gone, 'forbidden') && gone.message).toMatch(/not a member/);

		const actions = (await owner.audit.list()).map((e) => e.action);
		expect(actions).toEqual(['invite.create', 'invite.create', 'role.change', 'member.remove']);
		expect(await owner.audit.verify()).toMatchObject({ ok: true });
		const edLog = (await ed.audit.list()).map((e) => `${e.actor}:${e.action}`);
		expect(edLog).toContain('ed:review.request');
		expect(edLog).toContain('ed:label.move');
	});
});

describe('access followed while a prompt is open', () => {
	it('an editor demoted by the owner on another device turns read-only without a reload', async () => {
		relay = await startTestRelay();
		await enrollFromCli(relay.dataDir, 'team', 'olga', 'owner');
		const owner = await member('olga', await relay.token('team', 'owner', 'olga'));
		const ed = await member('ed', (await owner.collab.invite('ed', 'editor')).token);
		const seen: string[] = [];
		const stop = followAccess(ed, (a) => seen.push(`${a.role}:${a.canEdit}`), 50);
		await expect.poll(() => seen.at(-1)).toBe('editor:true');
		await owner.collab.setRole('ed', 'viewer');
		await expect.poll(() => seen.at(-1), { timeout: 5000 }).toBe('viewer:false');
		stop();
	});
});
