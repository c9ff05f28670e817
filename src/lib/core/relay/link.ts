/** @module The connection of a workspace to the relay: index socket, open documents, catch-up, uploads. */
import { WebsocketProvider } from 'y-websocket';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { relayWsUrl, writesContent, type SyncConfig } from '../sync/invite';
import type { SyncStatus } from '../sync/status';
import { CATCH_UP_ORIGIN } from '../sync/ydoc-model';
import { INDEX_DOC_ID, promptDocId, type WorkspaceDocs } from '../sync/workspace-docs';
import { base64ToBytes, bytesToBase64 } from '../util/crypto';
import { BackoffGate } from './backoff-gate';
import {
	AccessRefused,
	RelayHttpError,
	divergedFault,
	divergenceOf,
	readRelayError,
	refusalFault,
	type DivergedFault,
	type LinkFault
} from './errors';
import { RelayHttp } from './http';
import { CLOSE, MESSAGE_RELAY_ERROR, relaySubprotocols } from './protocol';
import { confirmStored, roundTrip } from './round-trip';
import { linkStatus } from './status';
import { Uploads } from './uploads';

export type { DivergedFault } from './errors';

/** Documents asked for in one `POST /sync/batch`. */
export const CATCH_UP_CHUNK = 2000;
/** Times a document still behind its change marker is fetched again (about 40 s in all). */
const MAX_STALE_RETRIES = 10;
export { MAX_UPLOAD_SOCKETS } from './uploads';

export interface RelayLinkOptions {
	config: SyncConfig;
	docs: WorkspaceDocs;
	/** WebSocket implementation (the `ws` package in Node; the browser's own by default). */
	WebSocket?: typeof globalThis.WebSocket;
	fetch?: typeof globalThis.fetch;
	/** False when the device has no network (`navigator.onLine`). */
	isOnline?: () => boolean;
	onStatus?: (status: SyncStatus) => void;
	/** Prompt documents with local changes not yet confirmed by the relay (from a previous run). */
	pendingUploads?: string[];
	onPendingChange?: (ids: string[]) => void;
	/**
	 * Called when the relay dropped an update of this device: the local copy has diverged (later
	 * updates of this device depend on the dropped one) until it is reset from the relay.
	 */
	onDiverged?: (fault: DivergedFault) => void;
	/** A divergence recorded in an earlier session (still to be reset). */
	diverged?: DivergedFault | null;
}

/** The relay's copy of a whole workspace (index and prompt documents), as Yjs updates. */
export interface RelaySnapshot {
	index: Uint8Array;
	prompts: Map<string, Uint8Array>;
}

/** A prompt document connected live (open in an editor). */
export interface LiveDoc {
	doc: Y.Doc;
	awareness: Awareness;
	provider: WebsocketProvider;
	release(): void;
}

const b64 = bytesToBase64;
/** The state of a document with nothing in it. */
const EMPTY_DOC_UPDATE = Y.encodeStateAsUpdate(new Y.Doc({ guid: 'empty' }));
const unb64 = base64ToBytes;

/**
 * Keeps the index document connected at all times, connects a prompt document only while it is
 * open, fetches changed prompt documents with batched `POST /sync/batch` requests (the index's
 * change markers say which), and sends local changes of closed documents through short-lived
 * sockets, a few at a time, until the relay confirms it stored them.
 */
export class RelayLink {
	readonly #config: SyncConfig;
	readonly #docs: WorkspaceDocs;
	readonly #WS?: typeof globalThis.WebSocket;
	readonly #http: RelayHttp;
	readonly #isOnline: () => boolean;
	readonly #onStatus: (s: SyncStatus) => void;
	readonly #onDiverged?: (fault: DivergedFault) => void;
	#diverged: DivergedFault | null;
	readonly #live = new Map<string, { live: LiveDoc; refs: number }>();
	/**
	 * One presence state per prompt document for the whole session: peers ignore a presence whose
	 * clock is not newer than the "left" they last saw, so a fresh one after reopening would stay
	 * invisible to them.
	 */
	readonly #presence = new Map<string, Awareness>();
	readonly #uploads: Uploads;
	#index: WebsocketProvider | null = null;
	#catchingUp = 0;
	#catchUpTimer: ReturnType<typeof setTimeout> | null = null;
	#catchUpWanted = new Set<string>();
	#staleRetries = 0;
	/** Fetches again of documents still behind their markers, due later (see `#retryStale`). */
	readonly #staleRetryTimers = new Set<ReturnType<typeof setTimeout>>();
	/** Asks `/healthz` at most once per growing, jittered delay while the relay is down. */
	readonly #healthGate = new BackoffGate();
	#fault: LinkFault | null = null;
	#everOpened = false;
	#stopped = false;
	#status: SyncStatus = { state: 'syncing', detail: 'connecting' };

	constructor(options: RelayLinkOptions) {
		this.#config = options.config;
		this.#docs = options.docs;
		this.#WS = options.WebSocket;
		this.#http = new RelayHttp(options.config, options.fetch ?? ((...a) => globalThis.fetch(...a)));
		this.#isOnline = options.isOnline ?? (() => true);
		this.#onStatus = options.onStatus ?? (() => {});
		this.#onDiverged = options.onDiverged;
		this.#diverged = options.diverged ?? null;
		if (this.#diverged) this.#fault = divergedFault(this.#diverged);
		this.#uploads = new Uploads(
			{
				send: async (id) =>
					roundTrip(
						await this.#docs.prompt(id),
						(doc) => this.#provider(promptDocId(id), doc),
						true
					),
				ready: () => !this.#stopped && !!this.#index?.synced,
				isLive: (id) => this.#live.has(id),
				changed: (pending) => {
					options.onPendingChange?.(pending);
					this.#update();
				}
			},
			options.pendingUploads
		);
	}

	get status(): SyncStatus {
		return this.#status;
	}

	/** The recorded divergence from the relay, if any (see `onDiverged`). */
	get diverged(): DivergedFault | null {
		return this.#diverged;
	}

	/** True when this device's role may not change content (viewer, reviewer): nothing is uploaded. */
	get readOnly(): boolean {
		return !writesContent(this.#config.role);
	}

	#provider(docId: string, doc: Y.Doc, awareness?: Awareness): WebsocketProvider {
		const p = new WebsocketProvider(
			relayWsUrl(this.#config.relay),
			`${this.#config.workspace}/${docId}`,
			doc,
			{
				// The token rides in the subprotocol list, never in the URL (which ends up in logs
				// and the browser console); the relay answers with `promptloom`.
				protocols: relaySubprotocols(this.#config.token),
				...(awareness ? { awareness } : {}),
				WebSocketPolyfill: this.#WS,
				disableBc: true,
				maxBackoffTime: 2500
			}
		);
		p.messageHandlers[MESSAGE_RELAY_ERROR] = (_enc, decoder) => {
			const err = readRelayError(decoder);
			const diverged = divergenceOf(err, `${this.#config.workspace}/${docId}`);
			if (diverged) {
				// A read-only refusal is the stronger fact: it is kept over a later rejection.
				if (this.#diverged?.reason !== 'read_only') this.#diverged = diverged;
				this.#fault = divergedFault(this.#diverged!);
				this.#onDiverged?.(this.#diverged!);
			} else this.#fault = { reason: 'protocol', message: err.message, retrying: false };
			this.#update();
		};
		// 4400–4499: the relay closed the socket for good (the stock client stops reconnecting).
		p.on('closed', ({ code, reason }) =>
			this.#refuse(
				code === CLOSE.notMember ? 403 : 401,
				reason || `the relay closed the connection for good (code ${code})`
			)
		);
		return p;
	}

	/** Records a refusal of the relay (401 token, 403 membership) and stops reconnecting. */
	#refuse(status: number, detail: string): void {
		this.#fault = refusalFault(status, detail);
		this.#index?.disconnect();
		this.#update();
	}

	/** A batch request whose refusal of access is recorded before it is thrown. */
	async #batch(...args: Parameters<RelayHttp['batch']>) {
		try {
			return await this.#http.batch(...args);
		} catch (e) {
			if (e instanceof AccessRefused) this.#refuse(e.status, e.message);
			throw e;
		}
	}

	/**
	 * Connects the index and starts catching up. `uploadLoaded` (default true) sends the prompt
	 * documents already loaded (seeded from the library on first connect); otherwise only those
	 * in `upload` are sent.
	 */
	start({
		uploadLoaded = true,
		upload = []
	}: { uploadLoaded?: boolean; upload?: string[] } = {}): void {
		const docs = this.#docs;
		docs.onLocalPromptChange = (id) => {
			if (this.readOnly || this.#live.has(id)) return;
			this.#uploads.add(id, true);
			this.#pump();
		};
		// Documents written before the link started (seeding a library on first connect).
		if (!this.readOnly)
			for (const id of uploadLoaded ? docs.loadedPromptIds() : upload) this.#uploads.add(id);
		const index = this.#provider(INDEX_DOC_ID, docs.index);
		if (!this.#isOnline()) index.disconnect();
		this.#index = index;
		index.on('status', ({ status }: { status: string }) => {
			if (status === 'connected') {
				this.#everOpened = true;
				if (!this.#fault?.canReset) this.#fault = null;
			}
			this.#update();
		});
		index.on('sync', (synced: boolean) => {
			if (synced) {
				this.#scheduleCatchUp([...docs.maps.markers.keys()]);
				this.#pump();
			}
			this.#update();
		});
		index.on('connection-close', () => void this.#diagnose());
		index.on('connection-error', () => void this.#diagnose());
		this.#update();
	}

	/** Reconnects after the network came back (or on demand). */
	retry(): void {
		if (!this.#fault?.canReset) this.#fault = null;
		if (this.#index && !this.#index.wsconnected) this.#index.connect();
		for (const { live } of this.#live.values())
			if (!live.provider.wsconnected) live.provider.connect();
		this.#update();
	}

	/**
	 * Downloads the relay's copy of the whole workspace in batches (nothing local changes).
	 * Throws when the relay cannot be reached.
	 */
	async fetchSnapshot(): Promise<RelaySnapshot> {
		const [index] = await this.#fetchFull([INDEX_DOC_ID]);
		const probe = new Y.Doc({ guid: INDEX_DOC_ID });
		Y.applyUpdate(probe, index);
		const ids = new Set([
			...probe.getMap('prompts').keys(),
			...probe.getMap('markers').keys(),
			...this.#docs.loadedPromptIds()
		]);
		probe.destroy();
		const list = [...ids];
		const prompts = new Map<string, Uint8Array>();
		for (let i = 0; i < list.length; i += CATCH_UP_CHUNK) {
			const chunk = list.slice(i, i + CATCH_UP_CHUNK);
			const updates = await this.#fetchFull(chunk.map(promptDocId));
			chunk.forEach((id, j) => prompts.set(id, updates[j]));
		}
		return { index, prompts };
	}

	/** Full state of some documents from `POST /sync/batch` (in the order asked). */
	async #fetchFull(docIds: string[]): Promise<Uint8Array[]> {
		const json = await this.#batch(docIds.map((doc) => ({ doc })));
		const byDoc = new Map(json.docs.map((d) => [d.doc, d.update]));
		return docIds.map((id) => {
			const u = byDoc.get(id);
			return u ? unb64(u) : EMPTY_DOC_UPDATE.slice();
		});
	}

	/** Connects a prompt document for live co-editing; `release()` disconnects it again. */
	async openLive(promptId: string): Promise<LiveDoc> {
		const entry = this.#live.get(promptId);
		if (entry) {
			entry.refs++;
			return entry.live;
		}
		const doc = await this.#docs.prompt(promptId);
		const again = this.#live.get(promptId);
		if (again) {
			again.refs++;
			return again.live;
		}
		let presence = this.#presence.get(promptId);
		if (presence?.doc !== doc) {
			presence?.destroy();
			presence = new Awareness(doc);
			this.#presence.set(promptId, presence);
		}
		// Present again (after a release left it null); the new clock outranks the earlier "left".
		if (presence.getLocalState() === null) presence.setLocalState({});
		// Forget the clocks of co-editors seen before, or their unchanged states would be ignored.
		for (const id of [...presence.meta.keys()])
			if (id !== presence.clientID && !presence.states.has(id)) presence.meta.delete(id);
		const provider = this.#provider(promptDocId(promptId), doc, presence);
		if (!this.#isOnline()) provider.disconnect();
		const live: LiveDoc = {
			doc,
			provider,
			awareness: provider.awareness,
			release: () => {
				const e = this.#live.get(promptId);
				if (!e || --e.refs > 0) return;
				this.#live.delete(promptId);
				provider.destroy();
				presence.setLocalState(null);
				// Anything typed just before closing is sent through the upload path.
				if (!this.readOnly) {
					this.#uploads.add(promptId);
					this.#pump();
				}
			}
		};
		this.#live.set(promptId, { live, refs: 1 });
		return live;
	}

	isLive(promptId: string): boolean {
		return this.#live.has(promptId);
	}

	/** Fetches the documents whose change markers this device has not caught up with. */
	markersChanged(promptIds: string[]): void {
		this.#scheduleCatchUp(promptIds);
	}

	#scheduleCatchUp(ids: string[]): void {
		for (const id of ids) this.#catchUpWanted.add(id);
		if (this.#catchUpTimer) return;
		this.#catchUpTimer = setTimeout(() => {
			this.#catchUpTimer = null;
			const wanted = new Set(this.#catchUpWanted);
			this.#catchUpWanted.clear();
			void this.catchUp(wanted);
		}, 50);
	}

	/** Pulls every stale prompt document (or only those in `only`) in batches; resolves when done. */
	async catchUp(only?: Set<string>): Promise<number> {
		const stale = this.#docs
			.staleDocs(() => undefined)
			.filter((id) => (!only || only.has(id)) && !this.#live.has(id));
		if (!stale.length) {
			this.#update();
			return 0;
		}
		this.#catchingUp++;
		this.#update();
		try {
			for (let i = 0; i < stale.length; i += CATCH_UP_CHUNK) {
				if (this.#stopped) break;
				await this.#fetchBatch(stale.slice(i, i + CATCH_UP_CHUNK));
			}
		} catch (e) {
			// Batch endpoint unreachable while the relay's socket is up (e.g. a browser without CORS
			// access): fetch over sockets. With the relay unreachable, the index's next sync retries.
			if (!(e instanceof AccessRefused) && this.#index?.wsconnected)
				for (const id of stale)
					await roundTrip(
						await this.#docs.prompt(id),
						(doc) => this.#provider(promptDocId(id), doc),
						false
					);
		} finally {
			this.#catchingUp--;
			this.#retryStale(new Set(stale));
			this.#update();
		}
		return stale.length;
	}

	/**
	 * A change marker can arrive (through the index) before the relay stored the document it
	 * announces (sent through its own socket): documents still behind their markers are fetched
	 * again a few times, with growing delays.
	 */
	#retryStale(fetched: Set<string>): void {
		const behind = this.#docs
			.staleDocs(() => undefined)
			.filter((id) => fetched.has(id) && !this.#live.has(id));
		if (!behind.length || this.#stopped || !this.#index?.wsconnected) {
			this.#staleRetries = 0;
			return;
		}
		if (this.#staleRetries >= MAX_STALE_RETRIES) return;
		const delay = Math.min(200 * 2 ** this.#staleRetries++, 5000);
		const timer = setTimeout(() => {
			this.#staleRetryTimers.delete(timer);
			if (!this.#stopped) this.#scheduleCatchUp(behind);
		}, delay);
		this.#staleRetryTimers.add(timer);
	}

	async #fetchBatch(ids: string[]): Promise<void> {
		const loaded = await Promise.all(ids.map((id) => this.#docs.prompt(id)));
		const json = await this.#batch(
			ids.map((id, i) => ({ doc: promptDocId(id), sv: b64(Y.encodeStateVector(loaded[i])) })),
			'batch catch-up'
		);
		const byId = new Map(ids.map((id, i) => [promptDocId(id), loaded[i]]));
		for (const { doc, update } of json.docs) {
			const target = byId.get(doc);
			if (target && update) Y.applyUpdate(target, unb64(update), CATCH_UP_ORIGIN);
		}
	}

	/** Sends pending local changes over short-lived sockets, a few at a time. */
	#pump(): void {
		this.#uploads.pump();
		this.#update();
	}

	/**
	 * Sends what is pending (while connected) and waits until the relay stored every upload under
	 * way, then starts no new one until `resumeUploads()`. A copy of the relay fetched afterwards
	 * holds everything this device sent: nothing sent earlier can land in the relay later (and,
	 * e.g., double a text written again after a reset).
	 */
	async drainUploads(): Promise<void> {
		await this.#uploads.drain();
		// Changes typed into open documents: the relay answers a sync step 1 after storing them.
		await Promise.all(
			[...this.#live.values()]
				.filter(({ live }) => live.provider.wsconnected && live.provider.synced)
				.map(({ live }) => confirmStored(live.provider, live.doc).catch(() => {}))
		);
	}

	/** Lets uploads start again after `drainUploads`. */
	resumeUploads(): void {
		this.#uploads.resume();
		this.#update();
	}

	/** Finds out why the index socket closed: no network, relay down or a refused token. */
	async #diagnose(): Promise<void> {
		if (this.#stopped) return;
		if (!this.#isOnline()) {
			this.#update();
			return;
		}
		if (this.#healthGate.waitMs > 0) return; // asked recently and it was down: still down
		try {
			await this.#healthGate.run(
				'relay health',
				() => this.#http.health(),
				() => true
			);
		} catch {
			this.#fault = {
				reason: 'relay_down',
				message: `the relay at ${this.#http.base} is not reachable`,
				retrying: true
			};
			this.#update();
			return;
		}
		if (this.#everOpened && this.#index?.wsconnected) return;
		let refused: string | null = null;
		try {
			const j = await this.#http.batch([], 'token check');
			if (j.workspace && j.workspace !== this.#config.workspace)
				refused = `the token is for workspace "${j.workspace}", not "${this.#config.workspace}"`;
		} catch (e) {
			if (e instanceof AccessRefused) {
				if (e.status === 403) {
					this.#refuse(403, e.message);
					return;
				}
				refused = 'the relay refused the token (invalid or expired)';
			} else if (!(e instanceof RelayHttpError) && !this.#everOpened) {
				// Not readable from here (cross-origin): judge by the socket alone.
				refused = 'the relay is up but refused the connection (check the token)';
			}
		}
		if (refused) {
			this.#fault = { reason: 'auth_refused', message: refused, retrying: false };
			this.#index?.disconnect();
		}
		this.#update();
	}

	#update(): void {
		const idx = this.#index;
		const next = linkStatus(
			{
				fault: this.#fault,
				online: this.#isOnline(),
				indexConnected: !!idx?.wsconnected,
				indexSynced: !!idx?.synced,
				fetching: this.#catchingUp > 0 || this.#staleRetryTimers.size > 0,
				sending: this.#uploads.size,
				readOnly: this.readOnly
			},
			this.#status,
			Date.now()
		);
		if (
			JSON.stringify(next) !== JSON.stringify(this.#status) ||
			next.state !== this.#status.state
		) {
			if (next.state === 'offline' && this.#status.state === 'offline') return;
			this.#status = next;
			this.#onStatus(next);
		}
	}

	/** Called when the device's network state changes. */
	networkChanged(): void {
		if (this.#isOnline()) {
			this.retry();
			return;
		}
		// Closed at once (a browser may keep a dead socket open for long): edits stay local.
		this.#index?.disconnect();
		for (const { live } of this.#live.values()) live.provider.disconnect();
		this.#update();
	}

	/** True when nothing is waiting to be sent or fetched and the index is in sync. */
	get idle(): boolean {
		return (
			!!this.#index?.synced &&
			!this.#catchingUp &&
			!this.#catchUpTimer &&
			!this.#staleRetryTimers.size &&
			!this.#uploads.size
		);
	}

	stop(): void {
		this.#stopped = true;
		this.#healthGate.dispose();
		if (this.#catchUpTimer) clearTimeout(this.#catchUpTimer);
		for (const timer of this.#staleRetryTimers) clearTimeout(timer);
		this.#staleRetryTimers.clear();
		this.#docs.onLocalPromptChange = null;
		for (const { live } of this.#live.values()) live.provider.destroy();
		for (const presence of this.#presence.values()) presence.destroy();
		this.#live.clear();
		this.#index?.destroy();
		this.#index = null;
	}
}
