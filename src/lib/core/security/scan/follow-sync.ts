/** @module Points the security policy at the workspace the sync service is connected to. */
import type { SyncService } from '../../sync/sync-service';
import type { SecurityService } from './security-service';

/**
 * While the library syncs with a workspace, the policy in force is that workspace's (in its
 * index document); when it is personal again, this device's. Once in step with the relay, an
 * owner's device policy seeds a workspace that has none. Returns the unsubscriber.
 */
export function followSyncPolicy(
	security: SecurityService,
	sync: SyncService,
	role: () => string
): () => void {
	return sync.onStatus((status) => {
		const s = sync.session;
		security.useWorkspace(s ? { doc: s.docs.index, ready: s.docs.open(), role } : null);
		if (s && status.state === 'synced') void security.adoptDevicePolicy().catch(() => {});
	});
}
