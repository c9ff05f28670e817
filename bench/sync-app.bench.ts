/**
 * @module App-level sync benchmark: a new device joins a 10,000-prompt workspace through the
 * relay on loopback (index over one socket, prompt documents through batched `POST /sync/batch`)
 * until every prompt is in its local database. Prints figures; never asserts on time.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { EventBus, type DomainEvents } from '../src/lib/core/events';
import { createDatabase } from '../src/lib/core/store/db';
import { SyncService } from '../src/lib/core/sync/sync-service';
import { WorkspaceDocs, promptDocId } from '../src/lib/core/sync/workspace-docs';
import {
	LOCAL_ORIGIN,
	promptDocParts,
	writePromptMeta,
	writeWorkingCopy
} from '../src/lib/core/sync/ydoc-model';
import { createToken } from '../sync-server/src/auth/token';
import { openLeveldbStore } from '../sync-server/src/rooms/store';
import { silentLogger, startRelay } from '../sync-server/src/index';
import { makeDataDir, removeDataDir } from '../sync-server/testing/harness';

const PROMPTS = Number(process.env.SYNC_APP_BENCH_PROMPTS ?? 10_000);
const WS = 'bench';

/** Writes a workspace of `count` prompts straight into the relay's LevelDB. */
async function seed(dataDir: string, count: number): Promise<void> {
	const docs = new WorkspaceDocs({ workspace: WS });
	const store = await openLeveldbStore(dataDir);
	for (let i = 0; i < count; i++) {
		const id = `prompt-${i}`;
		docs.index.transact(
			() =>
				writePromptMeta(docs.maps, {
					id,
					name: `prompt-${i}`,
					type: 'text',
					description: `Prompt number ${i}`,
					tags: [`t${i % 20}`],
					intent: '',
					author: 'seed',
					modelConfig: { model: 'openai:gpt-4o-mini', params: {} },
					customFields: [],
					templateOptions: { trimBlocks: false, lstripBlocks: false },
					folderId: null,
					projectId: null,
					createdAt: 1,
					updatedAt: 1,
					deletedAt: null
				}),
			LOCAL_ORIGIN
		);
		const doc = await docs.prompt(id);
		doc.transact(
			() =>
				writeWorkingCopy(promptDocParts(doc), {
					content: `You are assistant ${i}. Answer questions about {{ topic }} briefly and politely.`,
					messages: []
				}),
			LOCAL_ORIGIN
		);
		await store.append(`${WS}/${promptDocId(id)}`, Y.encodeStateAsUpdate(doc));
	}
	await store.append(`${WS}/index`, Y.encodeStateAsUpdate(docs.index));
	await store.close();
	await docs.close();
}

export async function run(): Promise<Record<string, number>> {
	const dataDir = await makeDataDir();
	try {
		await seed(dataDir, PROMPTS);
		const relay = await startRelay({ port: 0, dataDir, logger: silentLogger });
		const token = await createToken({ dataDir, workspace: WS, role: 'editor', user: 'new-device' });
		// The sync pipeline alone (database, event bus, sync service): other subscribers of the
		// app core (e.g. the audit recorder) are measured by their own benchmarks.
		const db = createDatabase({
			name: 'bench-new-device',
			indexedDB: new IDBFactory(),
			IDBKeyRange
		});
		await db.open();
		const sync = new SyncService({
			db,
			events: new EventBus<DomainEvents>(),
			WebSocket: WebSocket as unknown as typeof globalThis.WebSocket
		});
		const core = { db, sync, close: () => db.close() };
		let maxConnections = 0;
		const started = performance.now();
		await core.sync.connect({ relay: relay.url, workspace: WS, token, role: 'editor' });
		for (;;) {
			maxConnections = Math.max(maxConnections, relay.stats().connections);
			const link = core.sync.session?.link;
			if (link?.idle && core.sync.status.state === 'synced') {
				await core.sync.flush();
				if ((await core.db.prompts.count()) >= PROMPTS) break;
			}
			await new Promise((r) => setTimeout(r, 20));
		}
		const seconds = (performance.now() - started) / 1000;
		const sample = await core.db.prompts.get('prompt-1234');
		if (PROMPTS > 1234 && !sample?.content.includes('assistant 1234'))
			throw new Error('new device did not receive prompt contents');
		await core.sync.close();
		core.close();
		await relay.close();
		return {
			'sync.app_new_device_10k_s': Number(seconds.toFixed(2)),
			'sync.app_new_device_10k_max_sockets': maxConnections
		};
	} finally {
		await removeDataDir(dataDir);
	}
}
