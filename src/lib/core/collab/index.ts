/** @module Public API of collaboration: workspace, roles, reviews of protected labels, comments. */
export { accessFor, CollabService, EDITOR_ROLES } from './collab-service';
export type {
	CollabEvents,
	CollabServiceOptions,
	EditAccess,
	WorkspaceSummary
} from './collab-service';
export { ACCESS_POLL_MS, followAccess } from './access-follower';
export { RelayCollabApi } from '../relay/rest-api';
export type { InviteAnswer, MembersAnswer } from '../relay/rest-api';
export * from './types';
export * from './doc-schema';
export { readTokenClaims, relayHttpBase } from './workspace';
export type { SharedWorkspaceConfig, WorkspaceContext } from './workspace';
