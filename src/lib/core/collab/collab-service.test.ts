import { afterEach, describe, expect, it } from 'vitest';
import { openTestCore } from '../../../../tests/support/core';
import { isPromptloomError } from '../model/errors';
import type { AppCore } from '../app-core';
import { AuditRecorder } from '../security/audit/recorder';
import { CollabService } from './collab-service';

const cores: AppCore[] = [];
afterEach(() => {
	for (const c of cores.splice(0)) c.close();
});

async function core() {
	const c = await openTestCore({ author: () => 'ana' });
	cores.push(c);
	return c;
}

/** Waits until the audit recorder has handled every event emitted so far. */
async function settled(c: AppCore) {
	// The recorder queues work per event; a fresh recorder's idle() would not see it, so poll the log.
	let last = -1;
	for (;;) {
		await new Promise((r) => setTimeout(r, 30));
		const n = (await c.audit.list()).length;
		if (n === last) return;
		last = n;
	}
}

describe('collaboration in a personal workspace', () => {
	it('skips reviews: the owner alone moves production freely', async () => {
		const c = await core();
		const p = await c.library.createPrompt({ name: 'greet', content: 'Hello' });
		const v = await c.vcs.commit(p.id, 'first');
		const s = await c.collab.summary();
		expect(s).toMatchObject({
			reviewsRequired: false,
			you: { user: 'ana', role: 'owner' },
			protectedLabels: ['production']
		});
		await c.vcs.setLabel(p.id, 'production', v.id);
		expect((await c.vcs.status(p.id)).labels.map((l) => l.name)).toEqual(['production']);
	});

	it('keeps comments on prompts and versions', async () => {
		const c = await core();
		const p = await c.library.createPrompt({ name: 'greet', content: 'Hello' });
		const v = await c.vcs.commit(p.id, 'first');
		await c.collab.addComment({ promptId: p.id, versionId: null, body: 'on the prompt' });
		await c.collab.addComment({ promptId: p.id, versionId: v.id, body: 'on v1' });
		expect((await c.collab.comments(p.id)).map((x) => x.body)).toEqual(['on the prompt', 'on v1']);
		expect((await c.collab.comments(p.id, v.id)).map((x) => [x.body, x.author])).toEqual([
			['on v1', 'ana']
		]);
		const empty = await c.collab
			.addComment({ promptId: p.id, versionId: null, body: '  ' })
			.catch((e: unknown) => e);
		expect(isPromptloomError(empty, 'validation')).toBe(true);
	});

	it('refuses member management with a clear error', async () => {
		const c = await core();
		const e = await c.collab.invite('bob', 'editor').catch((x: unknown) => x);
		expect(isPromptloomError(e, 'validation') && e.message).toMatch(
			/personal workspace has no members/
		);
	});
});

describe('audit log fed by core events', () => {
	it('records create, commit, merge, label move and delete, and verifies', async () => {
		const c = await core();
		const p = await c.library.createPrompt({ name: 'greet', content: 'Hello' });
		const v1 = await c.vcs.commit(p.id, 'first');
		await c.vcs.createBranch(p.id, 'exp', v1.id, { checkout: true });
		await c.library.updatePrompt(p.id, { content: 'Hello there' });
		await c.vcs.commit(p.id, 'on exp');
		await c.vcs.checkout(p.id, 'main');
		await c.library.updatePrompt(p.id, { description: 'desc' });
		await c.vcs.commit(p.id, 'on main');
		await c.vcs.merge(p.id, 'exp', 'main');
		await c.vcs.setLabel(p.id, 'production', v1.id);
		await c.library.deletePrompts([p.id]);
		await settled(c);
		const actions = (await c.audit.list()).map((e) => e.action);
		expect(actions).toEqual([
			'prompt.create',
			'commit',
			'commit',
			'commit',
			'merge',
			'label.move',
			'prompt.delete'
		]);
		expect(await c.audit.verify()).toMatchObject({ ok: true, count: 7 });
	});

	it('pinpoints a tampered IndexedDB record and a deleted one', async () => {
		const c = await core();
		const p = await c.library.createPrompt({ name: 'greet', content: 'Hello' });
		await c.vcs.commit(p.id, 'first');
		await c.library.renamePrompt(p.id, 'greet2');
		await c.library.deletePrompts([p.id]);
		await settled(c);
		const second = (await c.db.audit.get(2))!;
		await c.db.audit.put({ ...second, details: { ...second.details, message: 'firsT' } });
		let r = await c.audit.verify();
		expect(r.ok === false && r.first).toMatchObject({ seq: 2, check: 'hash_mismatch' });
		await c.db.audit.put(second);
		expect((await c.audit.verify()).ok).toBe(true);
		await c.db.audit.delete(3);
		r = await c.audit.verify();
		expect(r.ok === false && r.first).toMatchObject({ check: 'truncated', seq: 3 });
	});

	it('records each fact once even when events repeat', async () => {
		const c = await core();
		const p = await c.library.createPrompt({ name: 'greet', content: 'Hello' });
		await c.vcs.commit(p.id, 'first');
		const extra = new AuditRecorder({
			db: c.db,
			events: c.events,
			audit: c.audit,
			actor: () => 'ana'
		});
		c.events.emit('vcs:changed', { promptId: p.id });
		await extra.idle();
		await settled(c);
		extra.stop();
		expect((await c.audit.list()).map((e) => e.action)).toEqual(['prompt.create', 'commit']);
	});
});

describe('my access in the current workspace', () => {
	const token = (claims: Record<string, unknown>) =>
		['e30', Buffer.from(JSON.stringify(claims)).toString('base64url'), 'sig'].join('.');

	it('lets owners and editors change prompts, reviewers comment and approve, viewers only read', async () => {
		const c = await core();
		expect(c.collab.access()).toEqual({
			role: 'owner',
			workspace: 'Personal workspace',
			canEdit: true,
			canComment: true,
			canApprove: true
		});
		for (const [role, canEdit, canComment, canApprove] of [
			['editor', true, true, false],
			['reviewer', false, true, true],
			['viewer', false, false, false]
		] as const) {
			const shared = new CollabService({
				db: c.db,
				vcs: c.vcs,
				audit: c.audit,
				user: () => 'someone',
				sharedWorkspace: () => ({
					relay: 'http://127.0.0.1:9',
					workspace: 'team',
					token: token({ sub: 'vic', ws: 'team', role })
				})
			});
			expect(shared.access()).toEqual({ role, workspace: 'team', canEdit, canComment, canApprove });
		}
	});
});
