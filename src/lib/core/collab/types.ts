/** @module Collaboration entities: roles, members, review requests, approvals, comments. */

import type { Role } from '../relay/protocol';

export { APPROVER_ROLES, ROLES, isRole, type Role } from '../relay/protocol';

export interface Member {
	user: string;
	role: Role;
	addedAt: number;
	addedBy: string;
}

export type ReviewStatus = 'pending' | 'approved' | 'rejected' | 'applied' | 'cancelled';

/** A request to move a protected label of a prompt to a version. */
export interface ReviewRequest {
	id: string;
	promptId: string;
	label: string;
	versionId: string;
	requestedBy: string;
	status: ReviewStatus;
	createdAt: number;
	/** Name of the prompt when requested (for members who do not have it locally). */
	promptName?: string;
	/** Optional note from the requester. */
	note?: string;
	decidedBy?: string;
	decidedAt?: number;
	/** The reviewer's comment on approve/reject. */
	comment?: string;
}

/** A reviewer's decision, stored apart from the request so the relay can check who wrote it. */
export interface Approval {
	reviewId: string;
	approver: string;
	decision: 'approved' | 'rejected';
	at: number;
	comment?: string;
}

/** A comment on a prompt (versionId null) or on one of its versions. */
export interface CommentRecord {
	id: string;
	promptId: string;
	versionId: string | null;
	author: string;
	body: string;
	createdAt: number;
}
