/** Joins a test core to its own copy of a workspace's documents, with no relay (tests exchange updates by hand). */
import type { AppCore } from '../../src/lib/core/app-core';
import { SyncBridge } from '../../src/lib/core/sync/bridge';
import { WorkspaceDocs } from '../../src/lib/core/sync/workspace-docs';

export async function bridgedCore(core: AppCore, workspace = 'w') {
	let bridge: SyncBridge | null = null;
	const docs = new WorkspaceDocs({
		workspace,
		onPromptDoc: (id, doc) => bridge?.watchPromptDoc(id, doc)
	});
	bridge = new SyncBridge({ db: core.db, events: core.events, docs });
	bridge.start();
	await docs.open();
	return { core, docs, bridge };
}
