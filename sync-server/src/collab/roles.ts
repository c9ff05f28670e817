/**
 * @module What each role may change, room by room. `owner` and `editor` write documents; a
 * `viewer` writes nothing; a `reviewer` reviews: it is a viewer for document content (every
 * prompt document, and the index's prompts, folders, labels, markers…) but writes its own
 * entries in the index maps {@link REVIEWER_MAPS} (reviews, approvals, comments, its audit
 * keys and entries), whose authorship the update guard then checks like anyone's.
 */
import { INDEX_DOC_ID, REVIEWER_MAPS } from '../../../src/lib/core/collab/doc-schema';
import type * as Y from 'yjs';
import type { Role } from '../auth/token';
import { touchedRoots } from './touched';

/** What a connection may change in its room: everything, only review maps, or nothing. */
export type WriteScope = 'all' | 'review' | 'none';

/** True for the room of a workspace's index document (`<workspace>/index`). */
export function isIndexRoom(room: string): boolean {
	return room.slice(room.indexOf('/') + 1) === INDEX_DOC_ID;
}

export function writeScope(role: Role, room: string): WriteScope {
	if (role === 'owner' || role === 'editor') return 'all';
	if (role === 'reviewer' && isIndexRoom(room)) return 'review';
	return 'none';
}

/** The reason given to a connection whose write its role does not allow. */
export function readOnlyMessage(role: Role, scope: WriteScope): string {
	return scope === 'review'
		? `role "${role}" may only write reviews, approvals, comments and its own audit entries; the update changes other content and was dropped`
		: `role "${role}" cannot change documents; the update was dropped`;
}

/**
 * True when `update` adds to `doc` only entries of {@link REVIEWER_MAPS} (what the document
 * already holds does not count, so a diff repeating others' content passes). Throws when the
 * update cannot be decoded.
 */
export function onlyReviewMaps(doc: Y.Doc, update: Uint8Array): boolean {
	const roots = touchedRoots(doc, update, { newOnly: true });
	return roots !== 'unknown' && [...roots].every((r) => REVIEWER_MAPS.includes(r));
}
