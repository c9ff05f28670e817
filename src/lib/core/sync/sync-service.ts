/** @module The app's sync service: connect a library to a relay, status, live documents for editors. */
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import type { DomainEvents, EventBus } from '../events';
import type { PromptloomDb } from '../store/db';
import { SyncBridge } from './bridge';
import { memoryPersistence, type DocPersistence } from './doc-persistence';
import { syncConfigSchema, type SyncConfig } from './invite';
import { presenceFor } from './presence';
import { RelayLink } from './relay-link';
import type { SyncStatus } from './status';
import { WorkspaceDocs } from './workspace-docs';
import { applyTextDiff, promptDocParts } from './ydoc-model';
import { PromptloomError } from '../model/errors';

const CONFIG_KEY = 'sync:config';
const seededKey = (ws: string) => `sync:seeded:${ws}`;
const pendingKey = (ws: string) => `sync:pending:${ws}`;

export interface SyncServiceOptions {
	db: PromptloomDb;
	events: EventBus<DomainEvents>;
	persistence?: DocPersistence;
	WebSocket?: typeof globalThis.WebSocket;
	fetch?: typeof globalThis.fetch;
	isOnline?: () => boolean;
	/** Name shown to co-editors. */
	author?: () => string;
}

/** What an editor binds to while a prompt is open. */
export interface LiveBinding {
	ytext: Y.Text;
	awareness: Awareness;
	release(): void;
}

interface Session {
	config: SyncConfig;
	docs: WorkspaceDocs;
	bridge: SyncBridge;
	link: RelayLink;
}

/**
 * Dormant for a personal library (status `local`, no Yjs at all). Once connected to a relay, the
 * library is written into the workspace's Yjs documents, which then stay the synced state while
 * Dexie stays the queryable projection. The connection survives reloads (kept in `settings`).
 */
export class SyncService {
	readonly #o: SyncServiceOptions;
	readonly #listeners = new Set<(s: SyncStatus) => void>();
	#session: Session | null = null;
	#status: SyncStatus = { state: 'local' };

	constructor(options: SyncServiceOptions) {
		this.#o = options;
	}

	get status(): SyncStatus {
		return this.#status;
	}

	get config(): SyncConfig | null {
		return this.#session?.config ?? null;
	}

	/** Subscribes to status changes; the listener is called at once with the current status. */
	onStatus(listener: (s: SyncStatus) => void): () => void {
		this.#listeners.add(listener);
		listener(this.#status);
		return () => this.#listeners.delete(listener);
	}

	#setStatus(s: SyncStatus): void {
		this.#status = s;
		for (const l of this.#listeners) l(s);
	}

	/** Resumes the connection saved by an earlier `connect`, if any. */
	async init(): Promise<void> {
		const rec = await this.#o.db.settings.get(CONFIG_KEY);
		if (!rec) return;
		const parsed = syncConfigSchema.safeParse(rec.value);
		if (parsed.success) await this.#start(parsed.data);
	}

	/** Connects this library to a relay workspace (replacing any earlier connection). */
	async connect(input: SyncConfig): Promise<void> {
		const parsed = syncConfigSchema.safeParse(input);
		if (!parsed.success)
			throw new PromptloomError(
				'validation',
				parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
			);
		await this.disconnect();
		await this.#o.db.settings.put({ key: CONFIG_KEY, value: parsed.data });
		await this.#start(parsed.data);
	}

	/** Stops syncing; the library stays on this device as a personal library. */
	async disconnect(): Promise<void> {
		const s = this.#session;
		this.#session = null;
		await this.#o.db.settings.delete(CONFIG_KEY);
		if (s) {
			await s.bridge.flush();
			s.link.stop();
			s.bridge.stop();
			await s.docs.close();
		}
		this.#setStatus({ state: 'local' });
	}

	async #start(config: SyncConfig): Promise<void> {
		const db = this.#o.db;
		let bridge: SyncBridge | null = null;
		const docs = new WorkspaceDocs({
			workspace: config.workspace,
			persistence: this.#o.persistence ?? memoryPersistence,
			onPromptDoc: (id, doc) => bridge?.watchPromptDoc(id, doc)
		});
		const pending = await db.settings.get(pendingKey(config.workspace));
		const link = new RelayLink({
			config,
			docs,
			WebSocket: this.#o.WebSocket,
			fetch: this.#o.fetch,
			isOnline: this.#o.isOnline,
			onStatus: (s) => {
				if (this.#session?.link === link) this.#setStatus(s);
			},
			pendingUploads: Array.isArray(pending?.value) ? (pending.value as string[]) : [],
			onPendingChange: (ids) =>
				void db.settings.put({ key: pendingKey(config.workspace), value: ids }).catch(() => {})
		});
		bridge = new SyncBridge({
			db,
			events: this.#o.events,
			docs,
			onRemoteMarkers: (ids) => link.markersChanged(ids)
		});
		bridge.start();
		this.#session = { config, docs, bridge, link };
		this.#setStatus({ state: 'syncing', detail: 'opening the workspace' });
		await docs.open();
		if (!(await db.settings.get(seededKey(config.workspace)))) {
			await bridge.seedFromDexie();
			await db.settings.put({ key: seededKey(config.workspace), value: Date.now() });
		}
		link.start();
	}

	/**
	 * A live binding of a prompt's text for co-editing, or null for a personal library. Presence
	 * (name and colour) comes from `author`.
	 */
	async openForEditing(promptId: string): Promise<LiveBinding | null> {
		const s = this.#session;
		if (!s) return null;
		await s.bridge.flush();
		const live = await s.link.openLive(promptId);
		const parts = promptDocParts(live.doc);
		if (live.doc.store.clients.size === 0) {
			const p = await this.#o.db.prompts.get(promptId);
			if (p?.content) applyTextDiff(parts.content, p.content);
		}
		s.bridge.setLive(promptId, true);
		live.awareness.setLocalStateField('user', presenceFor(this.#o.author?.() || 'anonymous'));
		let released = false;
		return {
			ytext: parts.content,
			awareness: live.awareness,
			release: () => {
				if (released) return;
				released = true;
				s.bridge.setLive(promptId, false);
				live.release();
			}
		};
	}

	/** Resolves once local changes reached the documents and remote ones are in the database. */
	async flush(): Promise<void> {
		await this.#session?.bridge.flush();
	}

	/** Rebuilds the local database's synced tables from the workspace documents. */
	async rebuildProjection(): Promise<void> {
		await this.#session?.bridge.rebuildProjection();
	}

	/** Pass the browser's online/offline events here. */
	networkChanged(): void {
		this.#session?.link.networkChanged();
	}

	/** The current session's parts (tests and benchmarks). */
	get session(): Readonly<Session> | null {
		return this.#session;
	}

	async close(): Promise<void> {
		const s = this.#session;
		this.#session = null;
		if (s) {
			s.link.stop();
			s.bridge.stop();
			await s.docs.close();
		}
	}
}
