/** @module The app's sync service: connect a library to a relay, status, live documents for editors. */
import type { Awareness } from 'y-protocols/awareness';
import { EventBus, type DomainEvents } from '../events';
import type { PromptloomDb } from '../store/db';
import { SyncBridge } from './bridge';
import { memoryPersistence, type DocPersistence } from './doc-persistence';
import { syncConfigSchema, writesContent, type SyncConfig, type SyncConfigInput } from './invite';
import { presenceFor } from './presence';
import { distinctColor } from '../identity/identity';
import { RelayLink, type DivergedFault, type RelaySnapshot } from '../relay/link';
import type { SyncStatus } from './status';
import { promptDocId, promptIdOfDoc, WorkspaceDocs } from './workspace-docs';
import { CATCH_UP_ORIGIN, LOCAL_ORIGIN, promptDocParts, writeWorkingCopy } from './ydoc-model';
import { ChatMessages } from './chat-doc';
import * as Y from 'yjs';
import { PromptloomError } from '../model/errors';

const CONFIG_KEY = 'sync:config';
const seededKey = (ws: string) => `sync:seeded:${ws}`;
const pendingKey = (ws: string) => `sync:pending:${ws}`;
const divergedKey = (ws: string) => `sync:diverged:${ws}`;

/** The browser's network state (always online where there is no `navigator.onLine`). */
const navigatorOnline = () =>
	(globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine !== false;

export interface SyncServiceOptions {
	db: PromptloomDb;
	events: EventBus<DomainEvents>;
	persistence?: DocPersistence;
	WebSocket?: typeof globalThis.WebSocket;
	fetch?: typeof globalThis.fetch;
	isOnline?: () => boolean;
	/** Name shown to co-editors. */
	author?: () => string;
	/** The colour chosen for a name (default: the name's palette colour). */
	color?: (name: string) => string;
	/** True when that colour was picked by the person (not their name's default). */
	colorChosen?: () => boolean;
}

/** What an editor binds to while a prompt is open. */
export interface LiveBinding {
	/** The text of a text prompt. */
	ytext: Y.Text;
	/** The messages of a chat prompt (each with its own `Y.Text`). */
	messages: ChatMessages;
	/** Presence and cursors of everyone on this prompt (shared by all its editors). */
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
/** What the sync service announces: its status, and a replaced set of workspace documents. */
export interface SyncEvents {
	status: SyncStatus;
	session: Record<string, never>;
}

export class SyncService {
	readonly #o: SyncServiceOptions;
	readonly #events = new EventBus<SyncEvents>();
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
		const off = this.#events.on('status', listener);
		listener(this.#status);
		return off;
	}

	/**
	 * The first status that is not `syncing` (in sync, offline or an error), or the status after
	 * `ms`: what a message about a connection just made may claim (the sidebar shows the same).
	 */
	settledStatus(ms = 10_000): Promise<SyncStatus> {
		return new Promise((resolve) => {
			let off = () => {};
			const timer = setTimeout(() => (off(), resolve(this.#status)), ms);
			off = this.onStatus((s) => {
				if (s.state === 'syncing') return;
				clearTimeout(timer);
				queueMicrotask(() => off());
				resolve(s);
			});
		});
	}

	/**
	 * Subscribes to replacements of the workspace's documents (connect, disconnect, reset from the
	 * relay): a live binding from before is then dead, and an open editor must bind again.
	 */
	onSessionChange(listener: () => void): () => void {
		return this.#events.on('session', listener);
	}

	#sessionChanged(): void {
		this.#events.emit('session', {});
	}

	#setStatus(s: SyncStatus): void {
		this.#status = s;
		this.#events.emit('status', s);
	}

	/** Resumes the connection saved by an earlier `connect`, if any. */
	async init(): Promise<void> {
		const rec = await this.#o.db.settings.get(CONFIG_KEY);
		if (!rec) return;
		const parsed = syncConfigSchema.safeParse(rec.value);
		if (parsed.success) await this.#start(parsed.data);
	}

	/**
	 * Connects this library to a relay workspace (replacing any earlier connection). The role is
	 * the one the token names (a role in `input` is ignored); the relay applies the current one.
	 */
	async connect(input: SyncConfigInput): Promise<void> {
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
		if (s) this.#sessionChanged();
	}

	/**
	 * What `resetFromRelay` would drop, one line each, for the confirmation: the change the relay
	 * refused and, for a role that may not change content, every local change not yet uploaded
	 * (by prompt name); other roles keep their prompt edits (they are written back), but label
	 * moves the relay did not accept are dropped.
	 */
	async resetPreview(): Promise<string[]> {
		const s = this.#session;
		if (!s) return [];
		const db = this.#o.db;
		const out: string[] = [];
		const diverged = s.link.diverged;
		const nameOf = async (promptId: string) => {
			const p = await db.prompts.get(promptId);
			return p
				? `${p.name} (${promptId.slice(0, 6)})`
				: `a deleted prompt (${promptId.slice(0, 6)})`;
		};
		if (diverged) {
			const docId = diverged.room.slice(diverged.room.indexOf('/') + 1);
			const promptId = promptIdOfDoc(docId);
			const where = promptId ? `to ${await nameOf(promptId)}` : 'to the workspace index';
			out.push(`The refused change ${where}: ${diverged.message}`);
		}
		if (diverged?.reason === 'read_only' || s.link.readOnly) {
			// A read-only role loses every change of its own: those still queued for upload, and
			// the edits this session made to the prompts it has open (its own Yjs client).
			const pending = (await db.settings.get(pendingKey(s.config.workspace)))?.value;
			const ids = new Set(Array.isArray(pending) ? (pending as string[]) : []);
			for (const id of s.docs.loadedPromptIds()) {
				const doc = s.docs.loadedPrompt(id);
				if (doc?.store.clients.has(doc.clientID)) ids.add(id);
			}
			for (const id of ids) out.push(`Your edits to ${await nameOf(id)}`);
		} else {
			out.push('Label moves the relay has not accepted');
		}
		return out;
	}

	/**
	 * Replaces this device's copy of the workspace with the relay's: used after the relay dropped
	 * an update (a read-only role, a label move without approval), since every later update of
	 * this device depends on the dropped one and the relay could not apply it. The documents are
	 * rebuilt from the relay's state (with a new Yjs client id), then local records the relay
	 * lacks or has older are written back (except for a read-only role, and except labels), and
	 * the local database is rebuilt from the result.
	 * Downloads everything first, so an unreachable relay changes nothing (it throws).
	 */
	async resetFromRelay(): Promise<void> {
		const s = this.#session;
		if (!s) throw new PromptloomError('validation', 'This library is not connected to a relay');
		await s.bridge.flush();
		// An upload still under way could land after the snapshot, in text written back below
		// under a new client id: the relay would then hold that text twice.
		await s.link.drainUploads();
		let snapshot: RelaySnapshot;
		try {
			snapshot = await s.link.fetchSnapshot();
		} catch (e) {
			s.link.resumeUploads();
			throw new PromptloomError(
				'relay',
				`Cannot reset from the relay: ${e instanceof Error ? e.message : String(e)}`
			);
		}
		if (this.#session !== s) return;
		const diverged = s.link.diverged;
		this.#session = null;
		s.link.stop();
		s.bridge.stop();
		const names = [
			`${s.config.workspace}/index`,
			...new Set([
				...s.docs.maps.prompts.keys(),
				...s.docs.maps.markers.keys(),
				...s.docs.loadedPromptIds(),
				...snapshot.prompts.keys()
			])
		].map((n, i) => (i === 0 ? n : `${s.config.workspace}/${promptDocId(n)}`));
		await s.docs.close();
		const persistence = this.#o.persistence ?? memoryPersistence;
		await persistence.clear?.(names);
		const db = this.#o.db;
		await db.settings.delete(pendingKey(s.config.workspace));
		await db.settings.delete(divergedKey(s.config.workspace));
		await db.settings.put({ key: seededKey(s.config.workspace), value: Date.now() });
		await this.#start(s.config, snapshot, diverged?.reason !== 'read_only');
	}

	async #start(config: SyncConfig, snapshot?: RelaySnapshot, reapply = false): Promise<void> {
		const db = this.#o.db;
		let bridge: SyncBridge | null = null;
		const docs = new WorkspaceDocs({
			workspace: config.workspace,
			persistence: this.#o.persistence ?? memoryPersistence,
			onPromptDoc: (id, doc) => bridge?.watchPromptDoc(id, doc)
		});
		const pending = await db.settings.get(pendingKey(config.workspace));
		const diverged = (await db.settings.get(divergedKey(config.workspace)))?.value as
			DivergedFault | undefined;
		const link = new RelayLink({
			config,
			docs,
			WebSocket: this.#o.WebSocket,
			fetch: this.#o.fetch,
			isOnline: this.#o.isOnline ?? navigatorOnline,
			diverged: diverged ?? null,
			onDiverged: (fault) =>
				void db.settings.put({ key: divergedKey(config.workspace), value: fault }).catch(() => {}),
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
		const rewritten = new Set<string>();
		if (snapshot) {
			Y.applyUpdate(docs.index, snapshot.index, CATCH_UP_ORIGIN);
			for (const [id, update] of snapshot.prompts) {
				Y.applyUpdate(await docs.prompt(id), update, CATCH_UP_ORIGIN);
				docs.coverMarkers(id);
			}
			// A viewer's or reviewer's content changes can never be kept; an editor's legitimate
			// ones are written back (and the prompt documents they touched are sent once the link
			// is up).
			docs.onLocalPromptChange = (id) => rewritten.add(id);
			if (writesContent(config.role) && reapply) await bridge.reapplyLocal();
			docs.onLocalPromptChange = null;
			await bridge.rebuildProjection();
		} else if (
			writesContent(config.role) &&
			!(await db.settings.get(seededKey(config.workspace)))
		) {
			// Only a role that writes content brings its library into the workspace: the relay
			// would refuse the prompts of a viewer or reviewer (and asks a reviewer for its index).
			await bridge.seedFromDexie();
			await db.settings.put({ key: seededKey(config.workspace), value: Date.now() });
		}
		link.start({ uploadLoaded: !snapshot, upload: [...rewritten] });
		this.#sessionChanged();
	}

	/**
	 * A live binding of a prompt's working copy for co-editing (its text, or its chat messages),
	 * or null for a personal library. Presence (name and colour) comes from `author`. Chat
	 * messages of the older shape are migrated on open (not by a viewer or reviewer, who cannot
	 * change content).
	 * WARNING: the binding dies when the session is replaced (see `onSessionChange`).
	 */
	async openForEditing(promptId: string): Promise<LiveBinding | null> {
		const s = this.#session;
		if (!s) return null;
		await s.bridge.flush();
		const live = await s.link.openLive(promptId);
		const parts = promptDocParts(live.doc);
		const messages = new ChatMessages(parts.messages, LOCAL_ORIGIN);
		const saved = await this.#o.db.prompts.get(promptId);
		if (writesContent(s.config.role)) {
			if (live.doc.store.clients.size === 0 && saved)
				live.doc.transact(() => writeWorkingCopy(parts, saved), LOCAL_ORIGIN);
			messages.migrate();
		}
		s.bridge.setLive(promptId, true, saved);
		const stopPresence = this.#showPresence(live.awareness);
		let released = false;
		return {
			ytext: parts.content,
			messages,
			awareness: live.awareness,
			release: () => {
				if (released) return;
				released = true;
				stopPresence();
				s.bridge.setLive(promptId, false);
				live.release();
			}
		};
	}

	/**
	 * Publishes my name and colour on a prompt's awareness, and keeps the colour distinct from the
	 * co-editors' there (see `distinctColor`) as people come and go.
	 */
	#showPresence(awareness: Awareness): () => void {
		const publish = () => {
			const name = this.#o.author?.() || 'anonymous';
			const wanted = this.#o.color?.(name) ?? presenceFor(name).color;
			const chosen = this.#o.colorChosen?.() ?? false;
			const others = [...awareness.getStates()].flatMap(([clientId, state]) => {
				const u = state.user as { color?: unknown; chosen?: unknown } | undefined;
				return typeof u?.color === 'string'
					? [{ clientId, color: u.color, chosen: u.chosen === true }]
					: [];
			});
			const color = distinctColor(wanted, { clientId: awareness.clientID, chosen }, others);
			const user = { ...presenceFor(name, color), chosen };
			const mine = awareness.getLocalState()?.user as typeof user | undefined;
			if (mine?.name !== user.name || mine?.color !== user.color || mine?.chosen !== chosen)
				awareness.setLocalStateField('user', user);
		};
		publish();
		const onChange = (changes: { added: number[]; updated: number[]; removed: number[] }) => {
			const self = awareness.clientID;
			if ([...changes.added, ...changes.updated, ...changes.removed].some((id) => id !== self))
				publish();
		};
		awareness.on('change', onChange);
		return () => awareness.off('change', onChange);
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
