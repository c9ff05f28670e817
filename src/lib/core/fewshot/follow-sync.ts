/** @module Points the few-shot sets at the workspace the sync service is connected to. */
import type { SyncService } from '../sync/sync-service';
import type { FewShotService } from './fewshot-service';

/**
 * While the library syncs with a workspace, the few-shot sets are that workspace's (in its index
 * document); when it is personal again, this device's. Returns the unsubscriber.
 */
export function followSyncFewShot(
	fewShot: FewShotService,
	sync: SyncService,
	assertCanEdit: (what: string) => void
): () => void {
	return sync.onStatus(() => {
		const s = sync.session;
		fewShot.useWorkspace(
			s
				? {
						workspace: s.config.workspace,
						doc: s.docs.index,
						ready: s.docs.open(),
						assertCanEdit
					}
				: null
		);
	});
}
