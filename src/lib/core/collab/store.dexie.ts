/** @module A personal workspace's reviews and comments, in the device's Dexie database. */
import { PromptloomError } from '../model/errors';
import type { PromptloomDb } from '../store/db';
import type { CollabStore, ReviewFields } from './store';
import type { CommentRecord, ReviewRequest } from './types';

export class DexieCollabStore implements CollabStore {
	constructor(private readonly db: PromptloomDb) {}

	reviews(): Promise<ReviewRequest[]> {
		return this.db.reviews.orderBy('createdAt').reverse().toArray();
	}

	async requestReview(fields: ReviewFields, requester: string, at: number): Promise<ReviewRequest> {
		const review: ReviewRequest = {
			...fields,
			requestedBy: requester,
			status: 'pending',
			createdAt: at
		};
		await this.db.reviews.add(review);
		return review;
	}

	async decide(
		id: string,
		decision: 'approved' | 'rejected',
		by: string,
		at: number,
		comment?: string
	): Promise<ReviewRequest> {
		const r = await this.db.reviews.get(id);
		if (!r) throw new PromptloomError('not_found', `review ${id} does not exist`);
		if (r.status !== 'pending')
			throw new PromptloomError('conflict', `review ${id} was already ${r.status}`);
		const review: ReviewRequest = {
			...r,
			status: decision,
			decidedBy: by,
			decidedAt: at,
			...(comment ? { comment } : {})
		};
		await this.db.reviews.put(review);
		return review;
	}

	async markApplied(id: string): Promise<void> {
		await this.db.reviews.update(id, { status: 'applied' });
	}

	comments(promptId: string): Promise<CommentRecord[]> {
		return this.db.comments.where('promptId').equals(promptId).sortBy('createdAt');
	}

	async addComment(
		c: Omit<CommentRecord, 'id' | 'author' | 'createdAt'> & { author: string; createdAt: number }
	): Promise<CommentRecord> {
		const comment: CommentRecord = { id: crypto.randomUUID(), ...c };
		await this.db.comments.add(comment);
		return comment;
	}
}
