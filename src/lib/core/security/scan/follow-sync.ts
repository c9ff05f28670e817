/** @module Points the security policy at the workspace the sync service is connected to. */
import type { SyncService } from '../../sync/sync-service';
import type { SecurityService } from './security-service';

/**
 * While the library syncs with a workspace, the policy in force is that workspace's (in its
 * index document); when it is personal again, this device's. Returns the unsubscriber.
 */
export function followSyncPolicy(
	security: SecurityService,
	sync: SyncService,
	role: () => string
): () => void {
	return sync.onStatus(() => {
		const s = sync.session;
		security.useWorkspace(s ? { doc: s.docs.index, ready: s.docs.open(), role } : null);
	});
}
