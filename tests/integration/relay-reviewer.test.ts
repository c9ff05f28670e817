import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { writeApproval, writeComment, writeReview } from '../../src/lib/core/collab/doc-schema';
import type { ReviewRequest } from '../../src/lib/core/collab/types';
import { enrollFromCli } from '../../sync-server/src/collab/registry';
import {
	allSynced,
	collectRelayErrors,
	fetchRelayDoc,
	relayScope,
	waitFor,
	type TestRelay
} from '../../sync-server/testing/harness';

const relays = relayScope(afterEach);
const WS = 'team';

const review = (id: string, requestedBy: string): ReviewRequest => ({
	id,
	promptId: 'p1',
	label: 'production',
	versionId: 'v2',
	requestedBy,
	status: 'pending',
	createdAt: 1
});

/** A managed workspace: olga owns it, ed edits, rita reviews. */
async function team(): Promise<{ relay: TestRelay; t: Record<string, string> }> {
	const relay = await relays.start();
	await enrollFromCli(relay.dataDir, WS, 'olga', 'owner');
	await enrollFromCli(relay.dataDir, WS, 'ed', 'editor');
	await enrollFromCli(relay.dataDir, WS, 'rita', 'reviewer');
	return {
		relay,
		t: {
			olga: await relay.token(WS, 'owner', 'olga'),
			ed: await relay.token(WS, 'editor', 'ed'),
			rita: await relay.token(WS, 'reviewer', 'rita')
		}
	};
}

describe('reviewer role at the relay', () => {
	it('cannot change a prompt document: dropped and reported like a viewer, never stored', async () => {
		const { relay, t } = await team();
		const ed = relays.client(relay, `${WS}/p.p1`, t.ed);
		const rita = relays.client(relay, `${WS}/p.p1`, t.rita);
		const errors = collectRelayErrors(rita);
		await allSynced(ed, rita);
		ed.doc.getText('content').insert(0, 'Hello');
		await waitFor(() => rita.doc.getText('content').toString() === 'Hello', 'reviewer reads');

		rita.doc.getText('content').insert(0, 'REVIEWER ');
		await waitFor(() => errors.length === 1, 'read_only report');
		expect(errors[0]).toMatchObject({ code: 'read_only', room: `${WS}/p.p1`, dropped: 1 });
		expect(errors[0].message).toMatch(/reviewer/);
		ed.doc.getText('content').insert(5, '!');
		await waitFor(() => rita.doc.getText('content').toString().endsWith('Hello!'), 'later edit');
		expect(ed.doc.getText('content').toString()).toBe('Hello!');
		expect((await fetchRelayDoc(relay.relay, t.olga, 'p.p1')).getText('content').toString()).toBe(
			'Hello!'
		);
	});

	it('cannot change content of the index, but writes its own reviews, approvals and comments', async () => {
		const { relay, t } = await team();
		const ed = relays.client(relay, `${WS}/index`, t.ed);
		const rita = relays.client(relay, `${WS}/index`, t.rita);
		const errors = collectRelayErrors(rita);
		await allSynced(ed, rita);

		// Content of the index (prompt metadata, labels): refused.
		rita.doc.getMap('prompts').set('p9', new Y.Map());
		await waitFor(() => errors.length === 1, 'read_only report');
		expect(errors[0]).toMatchObject({ code: 'read_only', room: `${WS}/index` });

		// Its own review work is accepted (on a fresh socket: the first one has diverged).
		const rita2 = relays.client(relay, `${WS}/index`, t.rita);
		const errors2 = collectRelayErrors(rita2);
		await allSynced(rita2);
		writeReview(ed.doc, review('r1', 'ed'));
		await waitFor(() => rita2.doc.getMap('reviews').has('r1'), 'reviewer sees the request');
		writeApproval(rita2.doc, { reviewId: 'r1', approver: 'rita', decision: 'approved', at: 2 });
		writeComment(rita2.doc, {
			id: 'c1',
			promptId: 'p1',
			versionId: null,
			author: 'rita',
			body: 'looks good',
			createdAt: 3
		});
		writeReview(rita2.doc, review('r2', 'rita'));
		await waitFor(
			() => ed.doc.getMap('comments').has('c1') && ed.doc.getMap('reviews').has('r2'),
			'editor sees the comment and the request'
		);
		expect(ed.doc.getMap('approvals').has('r1')).toBe(true);
		expect(ed.doc.getMap('prompts').has('p9')).toBe(false);
		expect(errors2).toEqual([]);

		// A comment bundled with a content change is refused as a whole.
		rita2.doc.transact(() => {
			writeComment(rita2.doc, {
				id: 'c2',
				promptId: 'p1',
				versionId: null,
				author: 'rita',
				body: 'and a sneaky edit',
				createdAt: 4
			});
			rita2.doc.getMap('labels').set('x', { promptId: 'p1', name: 'staging', versionId: 'v9' });
		});
		await waitFor(() => errors2.length === 1, 'read_only report for the bundle');
		expect(errors2[0].code).toBe('read_only');
		const stored = await fetchRelayDoc(relay.relay, t.olga, 'index');
		expect(stored.getMap('comments').has('c2')).toBe(false);
		expect(stored.getMap('labels').size).toBe(0);
		expect(stored.getMap('prompts').has('p9')).toBe(false);
	});

	it('sends a comment written offline when it reconnects (the relay asks a reviewer for its index)', async () => {
		const { relay, t } = await team();
		const ed = relays.client(relay, `${WS}/index`, t.ed);
		const rita = relays.client(relay, `${WS}/index`, t.rita);
		const errors = collectRelayErrors(rita);
		await allSynced(ed, rita);
		ed.doc.getMap('prompts').set('p1', new Y.Map());
		await waitFor(() => rita.doc.getMap('prompts').has('p1'), 'reviewer got the prompt');
		rita.provider.disconnect();
		// Content the reviewer received and its own offline comment travel in the same answer.
		ed.doc.getMap('prompts').set('p2', new Y.Map());
		writeComment(rita.doc, {
			id: 'c1',
			promptId: 'p1',
			versionId: null,
			author: 'rita',
			body: 'written offline',
			createdAt: 1
		});
		rita.provider.connect();
		await waitFor(() => ed.doc.getMap('comments').has('c1'), 'comment reached the editor');
		expect(errors).toEqual([]);
	});

	it('an editor demoted to reviewer on an open socket loses content writes at once', async () => {
		const { relay, t } = await team();
		const ed = relays.client(relay, `${WS}/p.p1`, t.ed);
		const errors = collectRelayErrors(ed);
		await allSynced(ed);
		const res = await fetch(`${relay.relay.url}/api/workspaces/${WS}/members/ed`, {
			method: 'PUT',
			headers: { authorization: `Bearer ${t.olga}`, 'content-type': 'application/json' },
			body: JSON.stringify({ role: 'reviewer' })
		});
		expect(res.status).toBe(200);
		ed.doc.getText('content').insert(0, 'late edit');
		await waitFor(() => errors.length === 1, 'read_only report');
		expect(errors[0].code).toBe('read_only');
	});
});
