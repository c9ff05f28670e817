/** @module Public API of local-first sync. */
export { SyncService } from './sync-service';
export type { LiveBinding, SyncServiceOptions } from './sync-service';
export { ChatMessages } from './chat-doc';
export type { LiveMessage } from './chat-doc';
export { describeSyncStatus, shortSyncStatus } from './status';
export type { SyncStatus, SyncErrorReason } from './status';
export {
	makeInviteLink,
	parseInviteLink,
	roleOfToken,
	syncConfigSchema,
	SYNC_ROLES,
	writesContent
} from './invite';
export type { SyncConfig, SyncConfigInput, SyncRole } from './invite';
export { presenceFor, presentUsers } from './presence';
export type { PresenceUser } from './presence';
export { memoryPersistence } from './doc-persistence';
export type { DocPersistence } from './doc-persistence';
