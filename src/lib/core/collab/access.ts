/** @module What a role may do in a workspace (small on purpose: the app shell reads it before the core loads). */
import { APPROVER_ROLES, type Role } from './types';

/**
 * What the local user may do in the current workspace. Only owners and editors change prompts
 * (text, messages, metadata, commits, branches, merges, labels); a reviewer approves or rejects
 * reviews and comments; a viewer only reads.
 */
export interface EditAccess {
	role: Role;
	/** The workspace's name as shown to the user. */
	workspace: string;
	canEdit: boolean;
	canComment: boolean;
	canApprove: boolean;
}

/** Roles that may change prompts. */
export const EDITOR_ROLES: readonly Role[] = ['owner', 'editor'];

export function accessFor(role: Role, workspace: string): EditAccess {
	return {
		role,
		workspace,
		canEdit: EDITOR_ROLES.includes(role),
		canComment: role !== 'viewer',
		canApprove: (APPROVER_ROLES as readonly Role[]).includes(role)
	};
}
