/**
 * @module The relay's collaboration check of an incoming update: protected label moves need an
 * approved review in the same document, approvals may only be written by their approver with a
 * reviewer/owner role, review requests and comments only in their author's name, audit log
 * entries and keys are append-only and written only in their writer's name (`audit-guard.ts`),
 * workspace settings (the security policy) only by an owner, production observations by nobody
 * (the relay writes them itself).
 */
import * as Y from 'yjs';
import {
	GUARDED_MAPS,
	isMoveApproved,
	readApprovals,
	readComments,
	readLabelEvents,
	readLabels,
	OBSERVATIONS_MAP,
	readPlainMap,
	readReviews,
	readSettings,
	type LabelPointer
} from '../../../src/lib/core/collab/doc-schema';
import { APPROVER_ROLES } from '../../../src/lib/core/collab/types';
import type { Role } from '../auth/token';
import {
	AUDIT_MAPS,
	auditChangesDuring,
	checkAuditChanges,
	docView,
	plainAuditAppend
} from './audit-guard';
import { touchedRoots } from './touched';

export type GuardVerdict =
	| { ok: true }
	| { ok: false; code: 'approval_required' | 'forbidden' | 'read_only'; message: string };

export interface GuardSubject {
	user: string;
	/** The CURRENT role (from the member registry, else the token). */
	role: Role;
}

export interface GuardPolicy {
	protectedLabels: readonly string[];
	/** True when reviews are skipped: the workspace has a single member, its owner. */
	alone: boolean;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** A copy of `doc` including updates it holds back for missing dependencies. */
function probeOf(doc: Y.Doc): Y.Doc {
	const probe = new Y.Doc({ gc: false });
	Y.applyUpdate(probe, Y.encodeStateAsUpdate(doc));
	const pending = doc.store.pendingStructs;
	if (pending) Y.applyUpdate(probe, pending.update);
	if (doc.store.pendingDs) Y.applyUpdate(probe, doc.store.pendingDs);
	return probe;
}

function changed<T>(before: Map<string, T>, after: Map<string, T>): Array<[string, T | undefined]> {
	const out: Array<[string, T | undefined]> = [];
	for (const [k, v] of after) if (!same(before.get(k), v)) out.push([k, v]);
	for (const k of before.keys()) if (!after.has(k)) out.push([k, undefined]);
	return out;
}

const describe = (m: LabelPointer) =>
	m.versionId
		? `moving "${m.label}" of prompt ${m.promptId} to version ${m.versionId.slice(0, 12)}`
		: `removing "${m.label}" from prompt ${m.promptId}`;

/** Decides whether `update` may be applied to `doc` by `subject`. Throws on undecodable updates. */
export async function checkCollabUpdate(
	doc: Y.Doc,
	update: Uint8Array,
	subject: GuardSubject,
	policy: GuardPolicy
): Promise<GuardVerdict> {
	if (subject.role === 'viewer')
		return { ok: false, code: 'read_only', message: 'role "viewer" cannot change documents' };
	const roots = touchedRoots(doc, update);
	if (roots !== 'unknown' && !GUARDED_MAPS.some((m) => roots.has(m))) return { ok: true };
	const forbidden = (message: string | null): GuardVerdict =>
		message ? { ok: false, code: 'forbidden', message } : { ok: true };
	// Audit appends (most guarded writes) are checked from the update alone, without a copy.
	const plain =
		roots !== 'unknown' && [...roots].every((r) => AUDIT_MAPS.includes(r))
			? plainAuditAppend(doc, update)
			: null;
	if (plain)
		return forbidden(
			await checkAuditChanges(plain.changes, docView(doc), plain.view, subject.user)
		);

	const probe = probeOf(doc);
	try {
		const before = {
			labels: readLabels(probe),
			events: readLabelEvents(probe),
			reviews: readReviews(probe),
			approvals: readApprovals(probe),
			comments: readComments(probe),
			settings: readSettings(probe),
			observations: readPlainMap(probe, OBSERVATIONS_MAP)
		};
		const audit = auditChangesDuring(probe, () => Y.applyUpdate(probe, update));
		const after = {
			labels: readLabels(probe),
			events: readLabelEvents(probe),
			reviews: readReviews(probe),
			approvals: readApprovals(probe),
			comments: readComments(probe),
			settings: readSettings(probe),
			observations: readPlainMap(probe, OBSERVATIONS_MAP)
		};
		const verdict = decide(probe, before, after, subject, policy);
		if (!verdict.ok) return verdict;
		return forbidden(await checkAuditChanges(audit, docView(doc), docView(probe), subject.user));
	} finally {
		probe.destroy();
	}
}

type State = {
	labels: Map<string, LabelPointer>;
	events: Map<string, LabelPointer>;
	reviews: ReturnType<typeof readReviews>;
	approvals: ReturnType<typeof readApprovals>;
	comments: ReturnType<typeof readComments>;
	settings: Map<string, unknown>;
	observations: Map<string, unknown>;
};

function decide(
	probe: Y.Doc,
	before: State,
	after: State,
	subject: GuardSubject,
	policy: GuardPolicy
): GuardVerdict {
	const forbidden = (message: string): GuardVerdict => ({ ok: false, code: 'forbidden', message });
	const approver = (APPROVER_ROLES as readonly string[]).includes(subject.role);

	for (const [id, review] of changed(before.reviews, after.reviews)) {
		const old = before.reviews.get(id);
		if (!review) {
			if (subject.role !== 'owner' && old?.requestedBy !== subject.user)
				return forbidden(`only the requester or an owner may delete review ${id}`);
			continue;
		}
		if (!old && review.requestedBy !== subject.user)
			return forbidden(`a review request must be made in your own name ("${subject.user}")`);
		if (
			old &&
			(old.promptId !== review.promptId ||
				old.label !== review.label ||
				old.versionId !== review.versionId)
		)
			return forbidden(`review ${id} cannot be changed to ask for a different label move`);
	}

	for (const [reviewId, approval] of changed(before.approvals, after.approvals)) {
		if (!approval) {
			if (subject.role !== 'owner')
				return forbidden(`only an owner may delete the decision on review ${reviewId}`);
			continue;
		}
		if (!approver)
			return forbidden(
				`role "${subject.role}" cannot approve or reject reviews (needs reviewer or owner)`
			);
		if (approval.approver !== subject.user)
			return forbidden(
				`the decision on review ${reviewId} names "${approval.approver}" but you are "${subject.user}"`
			);
		const review = after.reviews.get(reviewId);
		if (!review) return forbidden(`review ${reviewId} does not exist`);
		if (review.requestedBy === subject.user && !policy.alone)
			return forbidden(`you cannot decide on your own review request ${reviewId}`);
	}

	for (const [id, comment] of changed(before.comments, after.comments)) {
		const old = before.comments.get(id);
		const author = comment?.author ?? old?.author;
		if (author !== subject.user && !(comment === undefined && subject.role === 'owner'))
			return forbidden(`comment ${id} belongs to "${author}"; you are "${subject.user}"`);
	}

	for (const [name] of changed(before.settings, after.settings))
		if (subject.role !== 'owner')
			return forbidden(
				`only an owner may change the workspace setting "${name}" (you are ${subject.role === 'editor' ? 'an' : 'a'} ${subject.role})`
			);

	for (const [key] of changed(before.observations, after.observations))
		return forbidden(
			`production observations (${key.split('\u0000')[1]?.slice(0, 12) ?? key}) are written by the relay only`
		);

	if (policy.alone) return { ok: true };
	const protectedSet = new Set(policy.protectedLabels);
	const moves: LabelPointer[] = [];
	for (const [key, pointer] of changed(before.labels, after.labels)) {
		const p = pointer ?? before.labels.get(key)!;
		if (!protectedSet.has(p.label)) continue;
		moves.push(pointer ?? { ...p, versionId: null });
	}
	for (const [, event] of changed(before.events, after.events)) {
		if (event && protectedSet.has(event.label)) moves.push(event);
	}
	for (const move of moves) {
		if (!isMoveApproved(probe, move))
			return {
				ok: false,
				code: 'approval_required',
				message: `${describe(move)} needs an approved review: "${move.label}" is a protected label`
			};
	}
	return { ok: true };
}
