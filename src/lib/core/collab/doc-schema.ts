/**
 * @module Where collaboration data lives in the workspace index Y.Doc, and pure readers/writers
 * shared by the app and the relay's checks.
 *
 * Maps of the index document (room `<workspace>/index`), values are plain JSON:
 * - `reviews`: review id → {@link ReviewRequest}
 * - `approvals`: review id → {@link Approval} (one decision per review; the relay checks its writer)
 * - `comments`: comment id → {@link CommentRecord}
 * - `auditKeys`: key id → public device key record of the audit log
 * - `auditLog`: `<keyId>:<seq>` → signed audit entry (one append-only chain per device key; see
 *   `core/security/audit/workspace-log.ts`)
 * - `settings`: setting name → plain JSON value of workspace-wide settings only an owner may
 *   change (the relay checks the writer's role), e.g. `security.policy`
 * - `observations`: production aggregates per prompt version, written by the relay alone
 *   (`core/analytics/production.ts`)
 * Label data is the sync engine's: `labels` (pair key → `Label`) and `labelEvents` (id → event).
 */
import type * as Y from 'yjs';
import { INDEX_DOC_ID } from '../sync/workspace-docs';
import { pairKey, splitPairKey } from '../sync/ydoc-model';
import type { Approval, CommentRecord, ReviewRequest } from './types';

export { INDEX_DOC_ID };
/** Names used by `indexMaps` in `core/sync/ydoc-model.ts` (kept in step with it). */
export const LABELS_MAP = 'labels';
export const LABEL_EVENTS_MAP = 'labelEvents';
export const REVIEWS_MAP = 'reviews';
export const APPROVALS_MAP = 'approvals';
export const COMMENTS_MAP = 'comments';
export const AUDIT_KEYS_MAP = 'auditKeys';
export const AUDIT_LOG_MAP = 'auditLog';
export const SETTINGS_MAP = 'settings';
export const OBSERVATIONS_MAP = 'observations';

/** Maps whose changes the relay inspects. */
export const GUARDED_MAPS = [
	LABELS_MAP,
	LABEL_EVENTS_MAP,
	REVIEWS_MAP,
	APPROVALS_MAP,
	COMMENTS_MAP,
	AUDIT_KEYS_MAP,
	AUDIT_LOG_MAP,
	SETTINGS_MAP,
	OBSERVATIONS_MAP
];

/**
 * The maps a `reviewer` may write in the index document (the relay checks each entry's author
 * like anyone's). Everything else, in the index and in every prompt document, is content that
 * only an `owner` or `editor` may change: the relay treats a reviewer like a viewer there.
 */
export const REVIEWER_MAPS: readonly string[] = [
	REVIEWS_MAP,
	APPROVALS_MAP,
	COMMENTS_MAP,
	AUDIT_KEYS_MAP,
	AUDIT_LOG_MAP
];

export const DEFAULT_PROTECTED_LABELS: readonly string[] = ['production'];

/** Where a label points; `versionId` null means the label was removed. */
export interface LabelPointer {
	promptId: string;
	label: string;
	versionId: string | null;
}

function plain(value: unknown): Record<string, unknown> | null {
	if (value && typeof value === 'object' && 'toJSON' in value && typeof value.toJSON === 'function')
		value = (value as { toJSON(): unknown }).toJSON();
	return value && typeof value === 'object' && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: null;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Current label pointers of the `labels` map, by pair key. */
export function readLabels(doc: Y.Doc): Map<string, LabelPointer> {
	const out = new Map<string, LabelPointer>();
	doc.getMap(LABELS_MAP).forEach((value, key) => {
		const v = plain(value);
		const [keyPrompt, keyLabel] = key.includes('\u0000') ? splitPairKey(key) : [null, null];
		const promptId = str(v?.promptId) ?? keyPrompt;
		const label = str(v?.name) ?? str(v?.label) ?? keyLabel;
		if (!promptId || !label) return;
		out.set(key, { promptId, label, versionId: str(v?.versionId) });
	});
	return out;
}

/** Label moves recorded in `labelEvents`, by event id (`to` null = removal). */
export function readLabelEvents(doc: Y.Doc): Map<string, LabelPointer> {
	const out = new Map<string, LabelPointer>();
	doc.getMap(LABEL_EVENTS_MAP).forEach((value, key) => {
		const v = plain(value);
		const promptId = str(v?.promptId);
		const label = str(v?.label);
		if (!promptId || !label) return;
		out.set(key, { promptId, label, versionId: str(v?.to) });
	});
	return out;
}

function readRecords<T>(doc: Y.Doc, name: string): Map<string, T> {
	const out = new Map<string, T>();
	doc.getMap(name).forEach((value, key) => {
		const v = plain(value);
		if (v) out.set(key, v as T);
	});
	return out;
}

export const readReviews = (doc: Y.Doc) => readRecords<ReviewRequest>(doc, REVIEWS_MAP);
export const readApprovals = (doc: Y.Doc) => readRecords<Approval>(doc, APPROVALS_MAP);
export const readComments = (doc: Y.Doc) => readRecords<CommentRecord>(doc, COMMENTS_MAP);

/** Workspace settings of the `settings` map, as plain JSON by name. */
export const readSettings = (doc: Y.Doc) => readPlainMap(doc, SETTINGS_MAP);

/** Entries of a map of plain JSON values. */
export function readPlainMap(doc: Y.Doc, name: string): Map<string, unknown> {
	const out = new Map<string, unknown>();
	doc.getMap(name).forEach((value, key) => {
		const v = value as { toJSON?: () => unknown } | null;
		out.set(key, v && typeof v === 'object' && typeof v.toJSON === 'function' ? v.toJSON() : v);
	});
	return out;
}

/** The label a review is about, with `''` standing for "remove the label". */
const reviewTarget = (r: ReviewRequest) => `${r.promptId}\u0000${r.label}\u0000${r.versionId}`;

/**
 * True when `doc` holds a review for exactly this move whose approval was given by someone other
 * than the requester (who wrote the approval is checked by the relay when it arrives).
 */
export function isMoveApproved(doc: Y.Doc, move: LabelPointer): boolean {
	const wanted = `${move.promptId}\u0000${move.label}\u0000${move.versionId ?? ''}`;
	const approvals = readApprovals(doc);
	for (const [id, review] of readReviews(doc)) {
		if (reviewTarget(review) !== wanted) continue;
		const a = approvals.get(id);
		if (a && a.decision === 'approved' && a.approver !== review.requestedBy) return true;
	}
	return false;
}

/** Review with its status as decided by the approvals map (the request's own field is a hint). */
export function reviewWithDecision(
	review: ReviewRequest,
	approval: Approval | undefined
): ReviewRequest {
	if (!approval)
		return review.status === 'approved' || review.status === 'rejected'
			? { ...review, status: 'pending' }
			: review;
	return {
		...review,
		status:
			review.status === 'applied' && approval.decision === 'approved'
				? 'applied'
				: approval.decision,
		decidedBy: approval.approver,
		decidedAt: approval.at,
		comment: approval.comment
	};
}

export function writeReview(doc: Y.Doc, review: ReviewRequest): void {
	doc.getMap(REVIEWS_MAP).set(review.id, { ...review });
}

export function writeApproval(doc: Y.Doc, approval: Approval): void {
	doc.getMap(APPROVALS_MAP).set(approval.reviewId, { ...approval });
}

export function writeComment(doc: Y.Doc, comment: CommentRecord): void {
	doc.getMap(COMMENTS_MAP).set(comment.id, { ...comment });
}

/** The `labels` key of a prompt's label (same as the sync engine's pair key). */
export const labelKey = (promptId: string, label: string) => pairKey(promptId, label);
