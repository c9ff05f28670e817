import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	readLabels,
	writeApproval,
	writeComment,
	writeReview
} from '../../src/lib/core/collab/doc-schema';
import type { ReviewRequest } from '../../src/lib/core/collab/types';
import { pairKey } from '../../src/lib/core/sync/ydoc-model';
import { enrollFromCli, readRegistryFile } from '../../sync-server/src/collab/registry';
import { CLOSE, type RelayErrorPayload } from '../../src/lib/core/relay/protocol';
import {
	allSynced,
	collectRelayErrors,
	fetchRelayDoc,
	relayScope,
	terminalClose,
	waitFor,
	type TestClient,
	type TestRelay
} from '../../sync-server/testing/harness';

const relays = relayScope(afterEach);
let relay: TestRelay | undefined;

const WS = 'team';
const ROOM = `${WS}/index`;

async function api(method: string, path: string, token: string | null, body?: unknown) {
	const res = await fetch(`${relay!.relay.url}${path}`, {
		method,
		headers: {
			...(token ? { authorization: `Bearer ${token}` } : {}),
			...(body === undefined ? {} : { 'content-type': 'application/json' })
		},
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A managed workspace: olga owns it (CLI), ed/rita/rex/vic are invited through the REST API. */
async function team() {
	relay = await relays.start();
	await enrollFromCli(relay.dataDir, WS, 'olga', 'owner');
	const owner = await relay.token(WS, 'owner', 'olga');
	const tokens: Record<string, string> = { olga: owner };
	for (const [user, role] of [
		['ed', 'editor'],
		['rita', 'reviewer'],
		['rex', 'reviewer'],
		['vic', 'viewer']
	]) {
		const r = await api('POST', `/api/workspaces/${WS}/invites`, owner, { user, role });
		expect(r.status).toBe(201);
		tokens[user] = r.body.token as string;
	}
	return tokens;
}

function client(token: string): { c: TestClient; errors: RelayErrorPayload[] } {
	const c = relays.client(relay!, ROOM, token);
	return { c, errors: collectRelayErrors(c) };
}

/** The relay's current state of the index document (read through the batch route). */
function relayDoc(token: string): Promise<Y.Doc> {
	return fetchRelayDoc(relay!.relay, token, 'index');
}

function moveLabel(doc: Y.Doc, promptId: string, label: string, versionId: string, by: string) {
	doc.getMap('labels').set(pairKey(promptId, label), {
		promptId,
		name: label,
		versionId,
		updatedAt: 1,
		updatedBy: by
	});
}

const review = (id: string, requestedBy: string, versionId = 'v2'): ReviewRequest => ({
	id,
	promptId: 'p1',
	label: 'production',
	versionId,
	requestedBy,
	status: 'pending',
	createdAt: 1
});

/** `user` requests review `id` through their own socket; resolves once the relay stored it. */
async function requestReview(tokens: Record<string, string>, user: string, id: string) {
	const x = client(tokens[user]);
	await allSynced(x.c);
	writeReview(x.c.doc, review(id, user));
	await waitFor(async () => (await relayDoc(tokens.olga)).getMap('reviews').has(id), 'stored');
}

const production = (doc: Y.Doc) => readLabels(doc).get(pairKey('p1', 'production'))?.versionId;

describe('relay enforcement of protected labels', () => {
	it('drops an unapproved move of production with approval_required and accepts other labels', async () => {
		const t = await team();
		const { c, errors } = client(t.ed);
		await allSynced(c);
		moveLabel(c.doc, 'p1', 'production', 'v2', 'ed');
		await waitFor(() => errors.length === 1, 'approval_required report');
		expect(errors[0]).toMatchObject({ code: 'approval_required', room: ROOM });
		expect(errors[0].message).toMatch(/"production" is a protected label/);
		expect(production(await relayDoc(t.olga))).toBeUndefined();

		const other = client(t.ed);
		await allSynced(other.c);
		moveLabel(other.c.doc, 'p1', 'staging', 'v2', 'ed');
		await waitFor(
			async () => readLabels(await relayDoc(t.olga)).has(pairKey('p1', 'staging')),
			'staging accepted'
		);
		expect(other.errors).toEqual([]);
	});

	it('also guards label moves written as labelEvents', async () => {
		const t = await team();
		const { c, errors } = client(t.ed);
		await allSynced(c);
		c.doc.getMap('labelEvents').set('e1', {
			id: 'e1',
			promptId: 'p1',
			label: 'production',
			from: null,
			to: 'v9',
			actor: 'ed',
			at: 1,
			clock: 1
		});
		await waitFor(() => errors.length === 1, 'report');
		expect(errors[0].code).toBe('approval_required');
	});

	it('lets the move through once a reviewer approved the matching review, and reaches others', async () => {
		const t = await team();
		const ed = client(t.ed);
		const owner = client(t.olga);
		const rita = client(t.rita);
		await allSynced(ed.c, owner.c, rita.c);
		writeReview(ed.c.doc, review('r1', 'ed'));
		await waitFor(() => rita.c.doc.getMap('reviews').has('r1'), 'reviewer sees the request');
		writeApproval(rita.c.doc, { reviewId: 'r1', approver: 'rita', decision: 'approved', at: 2 });
		await waitFor(() => ed.c.doc.getMap('approvals').has('r1'), 'editor sees the approval');
		moveLabel(ed.c.doc, 'p1', 'production', 'v2', 'ed');
		await waitFor(() => production(owner.c.doc) === 'v2', 'owner sees production at v2');
		expect([...ed.errors, ...rita.errors, ...owner.errors]).toEqual([]);

		// The approval is for v2 only: moving production to v3 is refused.
		const again = client(t.ed);
		await allSynced(again.c);
		moveLabel(again.c.doc, 'p1', 'production', 'v3', 'ed');
		await waitFor(() => again.errors.length === 1, 'report');
		expect(again.errors[0].code).toBe('approval_required');
		expect(production(await relayDoc(t.olga))).toBe('v2');
	});

	it('accepts an approval and the move in the same update', async () => {
		const t = await team();
		await requestReview(t, 'rita', 'r2');
		const owner = client(t.olga);
		await waitFor(() => owner.c.doc.getMap('reviews').has('r2'), 'olga sees it');
		owner.c.doc.transact(() => {
			writeApproval(owner.c.doc, {
				reviewId: 'r2',
				approver: 'olga',
				decision: 'approved',
				at: 3
			});
			moveLabel(owner.c.doc, 'p1', 'production', 'v2', 'olga');
		});
		await waitFor(async () => production(await relayDoc(t.olga)) === 'v2', 'move stored');
		expect(owner.errors).toEqual([]);
	});

	it('refuses a label move by a reviewer, even with its approval in the same update', async () => {
		const t = await team();
		await requestReview(t, 'rita', 'r2');
		const rex = client(t.rex);
		await waitFor(() => rex.c.doc.getMap('reviews').has('r2'), 'rex sees it');
		rex.c.doc.transact(() => {
			writeApproval(rex.c.doc, { reviewId: 'r2', approver: 'rex', decision: 'approved', at: 3 });
			moveLabel(rex.c.doc, 'p1', 'production', 'v2', 'rex');
		});
		await waitFor(() => rex.errors.length === 1, 'read_only report');
		expect(rex.errors[0].code).toBe('read_only');
		const stored = await relayDoc(t.olga);
		expect(production(stored)).toBeUndefined();
		expect(stored.getMap('approvals').has('r2')).toBe(false);
	});
});

describe('relay enforcement of approvals, reviews and comments', () => {
	it("refuses approvals from editors, in someone else's name, or by the requester", async () => {
		const t = await team();
		await requestReview(t, 'ed', 'r1');

		const cases: Array<[string, string, string, RegExp]> = [
			[t.ed, 'ed', 'r1', /role "editor" cannot approve/],
			[t.rita, 'olga', 'r1', /names "olga" but you are "rita"/],
			[t.rita, 'rita', 'nope', /review nope does not exist/]
		];
		for (const [token, approver, reviewId, message] of cases) {
			const x = client(token);
			await waitFor(() => x.c.doc.getMap('reviews').has('r1'), 'synced');
			writeApproval(x.c.doc, { reviewId, approver, decision: 'approved', at: 5 });
			await waitFor(() => x.errors.length === 1, 'forbidden report');
			expect(x.errors[0].code).toBe('forbidden');
			expect(x.errors[0].message).toMatch(message);
		}
		// rita requests, then tries to approve her own request.
		await requestReview(t, 'rita', 'r3');
		const rita2 = client(t.rita);
		await waitFor(() => rita2.c.doc.getMap('reviews').has('r3'), 'synced');
		writeApproval(rita2.c.doc, { reviewId: 'r3', approver: 'rita', decision: 'approved', at: 5 });
		await waitFor(() => rita2.errors.length === 1, 'report');
		expect(rita2.errors[0].message).toMatch(/your own review request/);
		expect((await relayDoc(t.olga)).getMap('approvals').size).toBe(0);
	});

	it("refuses review requests and comments written in another user's name", async () => {
		const t = await team();
		const ed = client(t.ed);
		await allSynced(ed.c);
		writeReview(ed.c.doc, review('r9', 'olga'));
		await waitFor(() => ed.errors.length === 1, 'report');
		expect(ed.errors[0]).toMatchObject({ code: 'forbidden' });
		const ed2 = client(t.ed);
		await allSynced(ed2.c);
		writeComment(ed2.c.doc, {
			id: 'c1',
			promptId: 'p1',
			versionId: null,
			author: 'rita',
			body: 'x',
			createdAt: 1
		});
		await waitFor(() => ed2.errors.length === 1, 'report');
		expect(ed2.errors[0].message).toMatch(/comment c1 belongs to "rita"/);
	});

	it('skips reviews when the owner is alone in the workspace', async () => {
		relay = await relays.start();
		await enrollFromCli(relay.dataDir, WS, 'solo', 'editor');
		expect((await readRegistryFile(relay.dataDir, WS)).members).toMatchObject([
			{ user: 'solo', role: 'owner' }
		]);
		const solo = client(await relay.token(WS, 'owner', 'solo'));
		await allSynced(solo.c);
		moveLabel(solo.c.doc, 'p1', 'production', 'v1', 'solo');
		await waitFor(
			async () => production(await relayDoc(await relay!.token(WS, 'owner', 'solo'))) === 'v1',
			'stored'
		);
		expect(solo.errors).toEqual([]);
	});
});

describe('workspace members and roles', () => {
	it("applies the registry's current role: demoted members lose write access at once, removed ones their socket", async () => {
		const t = await team();
		const rita = client(t.rita);
		const ed = client(t.ed);
		await allSynced(rita.c, ed.c);

		expect(
			(await api('PUT', `/api/workspaces/${WS}/members/rita`, t.olga, { role: 'viewer' })).status
		).toBe(200);
		rita.c.doc.getMap('prompts').set('x', 1);
		await waitFor(() => rita.errors.length === 1, 'read_only report');
		expect(rita.errors[0].code).toBe('read_only');

		const edClosed = terminalClose(ed.c);
		expect((await api('DELETE', `/api/workspaces/${WS}/members/ed`, t.olga)).status).toBe(200);
		// The removed member's socket is closed for good; a write of theirs never reaches the relay.
		const closed = await edClosed;
		expect(closed.code).toBe(CLOSE.notMember);
		expect(closed.reason).toMatch(/no longer a member/);
		ed.c.doc.getMap('prompts').set('y', 1);

		const refused = await relay!.upgrade(ROOM, t.ed);
		expect(refused.status).toBe(403);
		expect(refused.body).toMatch(/not a member/);
		expect((await relayDoc(t.olga)).getMap('prompts').size).toBe(0);
	});

	it('lists members, invites with roles and answers specific errors', async () => {
		const t = await team();
		const list = await api('GET', `/api/workspaces/${WS}/members`, t.vic);
		expect(list.status).toBe(200);
		expect(list.body.you).toEqual({ user: 'vic', role: 'viewer' });
		expect(
			(list.body.members as Array<{ user: string; role: string }>).map((m) => `${m.user}:${m.role}`)
		).toEqual(['olga:owner', 'ed:editor', 'rita:reviewer', 'rex:reviewer', 'vic:viewer']);
		expect(list.body.protectedLabels).toEqual(['production']);

		const invite = await api('POST', `/api/workspaces/${WS}/invites`, t.olga, {
			user: 'nia',
			role: 'editor'
		});
		expect(invite.body.invite).toMatchObject({
			workspace: WS,
			role: 'editor',
			relay: relay!.relay.url
		});
		const nia = client(invite.body.token as string);
		await allSynced(nia.c);

		expect((await api('GET', `/api/workspaces/${WS}/members`, null)).status).toBe(401);
		expect((await api('GET', `/api/workspaces/other/members`, t.olga)).status).toBe(403);
		const byEditor = await api('POST', `/api/workspaces/${WS}/invites`, t.ed, {
			user: 'x',
			role: 'owner'
		});
		expect(byEditor).toMatchObject({
			status: 403,
			body: { error: expect.stringMatching(/only an owner can invite/) }
		});
		expect(
			(await api('POST', `/api/workspaces/${WS}/invites`, t.olga, { user: 'x', role: 'boss' }))
				.status
		).toBe(400);
		expect(
			(await api('PUT', `/api/workspaces/${WS}/members/ghost`, t.olga, { role: 'editor' })).status
		).toBe(404);
		const demoteLast = await api('PUT', `/api/workspaces/${WS}/members/olga`, t.olga, {
			role: 'editor'
		});
		expect(demoteLast).toMatchObject({
			status: 409,
			body: { error: expect.stringMatching(/last owner/) }
		});
		expect((await api('DELETE', `/api/workspaces/${WS}/members/olga`, t.olga)).status).toBe(409);
		expect((await api('DELETE', `/api/workspaces/${WS}/members/rita`, t.ed)).status).toBe(403);
		// Leaving is allowed for oneself.
		expect((await api('DELETE', `/api/workspaces/${WS}/members/vic`, t.vic)).status).toBe(200);
		expect((await api('GET', `/api/workspaces/${WS}/members`, t.vic)).status).toBe(403);
	});

	it('runs a review through REST and the label move then passes the relay', async () => {
		const t = await team();
		const created = await api('POST', `/api/workspaces/${WS}/reviews`, t.ed, {
			promptId: 'p1',
			label: 'production',
			versionId: 'v7'
		});
		expect(created.status).toBe(201);
		const id = (created.body.review as ReviewRequest).id;
		expect(
			(
				await api('POST', `/api/workspaces/${WS}/reviews/${id}/decision`, t.ed, {
					decision: 'approved'
				})
			).status
		).toBe(403);
		const decided = await api('POST', `/api/workspaces/${WS}/reviews/${id}/decision`, t.rita, {
			decision: 'approved',
			comment: 'looks good'
		});
		expect(decided).toMatchObject({
			status: 200,
			body: { review: { status: 'approved', decidedBy: 'rita', comment: 'looks good' } }
		});
		expect(
			(
				await api('POST', `/api/workspaces/${WS}/reviews/${id}/decision`, t.rex, {
					decision: 'rejected'
				})
			).status
		).toBe(409);
		const listed = await api('GET', `/api/workspaces/${WS}/reviews`, t.vic);
		expect(listed.body.reviews).toMatchObject([{ id, status: 'approved' }]);

		const ed = client(t.ed);
		await waitFor(() => ed.c.doc.getMap('approvals').has(id), 'approval synced');
		moveLabel(ed.c.doc, 'p1', 'production', 'v7', 'ed');
		await waitFor(async () => production(await relayDoc(t.olga)) === 'v7', 'move stored');
		expect(ed.errors).toEqual([]);

		const comment = await api('POST', `/api/workspaces/${WS}/comments`, t.ed, {
			promptId: 'p1',
			versionId: 'v7',
			body: 'shipped'
		});
		expect(comment.status).toBe(201);
		const comments = await api('GET', `/api/workspaces/${WS}/comments?promptId=p1`, t.rita);
		expect(comments.body.comments).toMatchObject([
			{ author: 'ed', body: 'shipped', versionId: 'v7' }
		]);
	});
});
