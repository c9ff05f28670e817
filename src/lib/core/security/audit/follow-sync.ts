/** @module Points the audit log at the workspace the sync service is connected to. */
import type { SyncService } from '../../sync/sync-service';
import type { AuditLog } from './log';

/**
 * While the library syncs with a workspace, the audit log is that workspace's log (in its index
 * document); when it is personal again, the log is this device's own. Returns the unsubscriber.
 */
export function followSyncWorkspace(audit: AuditLog, sync: SyncService): () => void {
	return sync.onStatus(() => {
		const s = sync.session;
		audit.useWorkspace(
			s
				? {
						workspace: s.config.workspace,
						doc: s.docs.index,
						ready: s.docs.open(),
						readOnly: s.config.role === 'viewer'
					}
				: null
		);
	});
}
