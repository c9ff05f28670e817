/**
 * @module Where reviews and comments live: on this device for a personal workspace
 * (`store.dexie.ts`), on the relay for a shared one (`RelayCollabStore` below). The collaboration
 * service checks roles and records the audit entries; a store only keeps the records.
 */
import type { RelayCollabApi } from '../relay/rest-api';
import type { CommentRecord, ReviewRequest } from './types';

/** What a new review request names; the store adds who asked, when and its status. */
export interface ReviewFields {
	id: string;
	promptId: string;
	promptName?: string;
	label: string;
	versionId: string;
	note?: string;
}

export interface CollabStore {
	/** Review requests, newest first. */
	reviews(): Promise<ReviewRequest[]>;
	requestReview(fields: ReviewFields, requester: string, at: number): Promise<ReviewRequest>;
	/** Records a decision; refuses a review that does not exist or was already decided. */
	decide(
		id: string,
		decision: 'approved' | 'rejected',
		by: string,
		at: number,
		comment?: string
	): Promise<ReviewRequest>;
	/** Marks an approved review as carried out on the workspace (its label moved). */
	markApplied(id: string): Promise<void>;
	/** Every comment on a prompt (all versions), oldest first. */
	comments(promptId: string): Promise<CommentRecord[]>;
	addComment(
		comment: Omit<CommentRecord, 'id' | 'author' | 'createdAt'> & {
			author: string;
			createdAt: number;
		}
	): Promise<CommentRecord>;
}

/** A shared workspace's reviews and comments, kept by the relay (which names the author). */
export class RelayCollabStore implements CollabStore {
	constructor(private readonly api: RelayCollabApi) {}

	reviews(): Promise<ReviewRequest[]> {
		return this.api.reviews();
	}
	requestReview(fields: ReviewFields): Promise<ReviewRequest> {
		return this.api.requestReview(fields);
	}
	decide(
		id: string,
		decision: 'approved' | 'rejected',
		_by: string,
		_at: number,
		comment?: string
	): Promise<ReviewRequest> {
		return this.api.decide(id, decision, comment);
	}
	async markApplied(): Promise<void> {
		// The relay reports an approved review as applied once the label points at its version.
	}
	comments(promptId: string): Promise<CommentRecord[]> {
		return this.api.comments(promptId);
	}
	addComment(c: Omit<CommentRecord, 'id' | 'author' | 'createdAt'>): Promise<CommentRecord> {
		return this.api.addComment({ promptId: c.promptId, versionId: c.versionId, body: c.body });
	}
}
