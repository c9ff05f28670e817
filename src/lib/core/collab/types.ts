/** @module Collaboration entities: roles, members, review requests, approvals, comments. */

export const ROLES = ['owner', 'editor', 'reviewer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
	return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Roles whose approval lets a protected label move. */
export const APPROVER_ROLES: readonly Role[] = ['owner', 'reviewer'];

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
