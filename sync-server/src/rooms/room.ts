/**
 * @module One open document on the relay: its Y.Doc, awareness, connections, fan-out and write
 * batching.
 *
 * Two paths leave the room for every accepted update (the doc's own `update` output, so only
 * well-formed, new data):
 * - Fan-out, not waiting for storage: at the end of the event-loop turn (or, within
 *   `fanoutIntervalMs` of the previous fan-out, when that interval is over) the updates gathered
 *   so far go to every OTHER connection: merged into one message, encoded once, for everyone who
 *   contributed nothing, and the others' updates one by one for each contributor (see
 *   `fanout.ts`). A client may so hold an update the relay has not stored yet (see the README).
 * - Durability: the same updates are queued, merged for at most `persistBatchMs` (batches grow
 *   while a write is in flight) and appended to the store; only THEN does each sender get its
 *   own updates back (the echo that acknowledges them). So every acknowledged update is durable.
 * - Other relay instances (optional `peers`, Redis): each stored batch is published after its
 *   write, so peers only ever see durable updates; what peers publish is fanned out here but not
 *   stored again (the sender's instance did). Awareness changes of local members go out too.
 */
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';
import type { RelayConfig } from '../config';
import type { RelayLogger } from '../logger';
import { CLOSE, MESSAGE_AWARENESS } from '../../../src/lib/core/relay/protocol';
import {
	byOrigin,
	encodeSyncUpdate,
	fanoutBatches,
	mergeAll,
	planFanout,
	type OriginUpdate
} from './fanout';
import { decodeAwarenessEntries, encodeAwarenessEntries } from './presence';
import type { RoomStore } from './store';
import type { RoomPeers } from '../scale/redis-fanout';

/** Origin of transactions that replay stored state (never written back). */
const FROM_STORAGE = Symbol('storage');
/** Origin of updates and awareness from other relay instances: fanned out, not stored again. */
const FROM_PEER = Symbol('peer');

/** What a room needs from a connection. */
export interface RoomMember {
	send(message: Uint8Array): void;
	/** Closes the connection (used when the room cannot keep its durability promise). */
	close(code: number, reason: string): void;
	/** Bytes queued for this member that its client has not read yet (0 once it is closing). */
	bufferedBytes?(): number;
}

interface DurabilityWaiter {
	seq: number;
	resolve: () => void;
	reject: (e: Error) => void;
}

export class Room {
	readonly doc = new Y.Doc();
	readonly awareness = new awarenessProtocol.Awareness(this.doc);
	/** Members and the awareness client ids each one owns (see {@link applyAwareness}). */
	readonly members = new Map<RoomMember, Set<number>>();
	/** The member owning each awareness client id. */
	private readonly presenceOwners = new Map<number, RoomMember>();
	/** Resolves once stored state is loaded; rejects when storage fails. */
	readonly ready: Promise<void>;
	/** Updates applied this event-loop turn, not yet fanned out. */
	private outbox: OriginUpdate[] = [];
	/** Awareness client ids changed this turn, not yet broadcast. */
	private awarenessChanged = new Set<number>();
	private fanoutScheduled:
		| { kind: 'immediate'; handle: ReturnType<typeof setImmediate> }
		| { kind: 'timer'; handle: ReturnType<typeof setTimeout> }
		| null = null;
	private lastFanoutAt = -Infinity;
	/** Updates not yet handed to the store. */
	private pending: OriginUpdate[] = [];
	private pendingBytes = 0;
	/** Sequence number of the last update queued for storage, and of the last one stored. */
	private enqueued = 0;
	private written = 0;
	private waiters: DurabilityWaiter[] = [];
	private timer: ReturnType<typeof setTimeout> | null = null;
	private writing: Promise<void> | null = null;
	private storedSinceCompaction = 0;
	private failure: Error | null = null;
	private destroyed = false;
	/** Awareness client ids whose state came from another instance (never owned here). */
	private readonly peerPresence = new Set<number>();
	private leavePeers: (() => void) | null = null;

	constructor(
		readonly name: string,
		private readonly store: RoomStore,
		private readonly config: RelayConfig,
		private readonly logger: RelayLogger,
		/** Resolves when a previous incarnation of this room finished closing. */
		previousClose: Promise<void> = Promise.resolve(),
		private readonly peers?: RoomPeers
	) {
		this.awareness.setLocalState(null);
		this.doc.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin === FROM_STORAGE) return;
			const entry: OriginUpdate = { update, origin };
			this.outbox.push(entry);
			this.scheduleFanout();
			if (origin !== FROM_PEER) this.enqueue(entry);
		});
		this.awareness.on('update', this.onAwarenessUpdate);
		this.ready = previousClose.then(async () => {
			// Subscribed before loading: whatever peers store meanwhile arrives (twice is harmless).
			if (this.peers) await this.joinPeers(this.peers);
			const stored = await this.store.load(this.name);
			Y.applyUpdate(this.doc, stored, FROM_STORAGE);
		});
		// Callers observe failures through `ready`; this only prevents an unhandled rejection.
		this.ready.catch(() => {});
	}

	private async joinPeers(peers: RoomPeers): Promise<void> {
		const joined = peers.join(this.name, {
			update: (update) => {
				if (this.destroyed) return;
				try {
					Y.applyUpdate(this.doc, update, FROM_PEER);
				} catch (e) {
					this.logger.warn('dropped a malformed update from a peer', {
						room: this.name,
						error: String(e)
					});
				}
			},
			awareness: (update) => {
				if (this.destroyed) return;
				try {
					awarenessProtocol.applyAwarenessUpdate(this.awareness, update, FROM_PEER);
				} catch {
					// A malformed presence message only loses that presence.
				}
			},
			resync: () => {
				if (this.destroyed) return;
				this.store.load(this.name).then(
					(stored) => {
						if (!this.destroyed) Y.applyUpdate(this.doc, stored, FROM_PEER);
					},
					(e: unknown) =>
						this.logger.warn('catch-up from storage failed', { room: this.name, error: String(e) })
				);
			}
		});
		this.leavePeers = joined.leave;
		await joined.ready;
	}

	private onAwarenessUpdate = (
		{
			added,
			updated,
			removed
		}: {
			added: number[];
			updated: number[];
			removed: number[];
		},
		origin: unknown
	): void => {
		for (const id of added) this.awarenessChanged.add(id);
		for (const id of updated) this.awarenessChanged.add(id);
		for (const id of removed) this.awarenessChanged.add(id);
		if (origin === FROM_PEER) {
			for (const id of added) this.peerPresence.add(id);
			for (const id of removed) this.peerPresence.delete(id);
		} else if (this.peers && !this.destroyed) {
			const ids = [...added, ...updated, ...removed];
			if (ids.length > 0)
				this.peers.publish(
					this.name,
					'awareness',
					awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids)
				);
		}
		this.scheduleFanout();
	};

	/** Sends `message` (the same bytes) to every member. */
	broadcast(message: Uint8Array): void {
		for (const member of this.members.keys()) member.send(message);
	}

	join(member: RoomMember): void {
		this.members.set(member, new Set());
	}

	/**
	 * Applies an awareness update of `member`, keeping only the entries of client ids it owns. A
	 * member owns the ids it sent a state for first, while no other member owned them (at most
	 * `maxAwarenessClientsPerConnection`), until it leaves. Entries for ids of other members
	 * (a stock client echoes every state it knows) or for the relay's own id are dropped, so
	 * nobody can change or remove another member's presence. Returns how many were dropped;
	 * throws when the update cannot be decoded.
	 */
	applyAwareness(member: RoomMember, update: Uint8Array): number {
		const entries = decodeAwarenessEntries(update);
		const owned = this.members.get(member);
		if (!owned) return entries.length;
		const kept = entries.filter((e) => {
			if (e.clientID === this.awareness.clientID || this.peerPresence.has(e.clientID)) return false;
			const owner = this.presenceOwners.get(e.clientID);
			if (owner === member) return true;
			if (
				owner !== undefined ||
				!e.present ||
				owned.size >= this.config.maxAwarenessClientsPerConnection
			)
				return false;
			owned.add(e.clientID);
			this.presenceOwners.set(e.clientID, member);
			return true;
		});
		if (kept.length > 0)
			awarenessProtocol.applyAwarenessUpdate(
				this.awareness,
				kept.length === entries.length ? update : encodeAwarenessEntries(kept),
				member
			);
		return entries.length - kept.length;
	}

	/** Removes a member and the presence of the client ids it owned; returns the members left. */
	leave(member: RoomMember): number {
		const owned = this.members.get(member);
		this.members.delete(member);
		if (owned && owned.size > 0) {
			for (const id of owned) this.presenceOwners.delete(id);
			const present = [...owned].filter((id) => this.awareness.states.has(id));
			if (present.length > 0)
				awarenessProtocol.removeAwarenessStates(this.awareness, present, null);
		}
		return this.members.size;
	}

	/** At the end of this turn, or when `fanoutIntervalMs` has passed since the last fan-out. */
	private scheduleFanout(): void {
		if (this.fanoutScheduled !== null || this.destroyed) return;
		const wait = this.lastFanoutAt + this.config.fanoutIntervalMs - performance.now();
		this.fanoutScheduled =
			wait > 0
				? { kind: 'timer', handle: setTimeout(this.fanout, wait) }
				: { kind: 'immediate', handle: setImmediate(this.fanout) };
	}

	private cancelFanout(): void {
		const scheduled = this.fanoutScheduled;
		if (scheduled?.kind === 'timer') clearTimeout(scheduled.handle);
		if (scheduled?.kind === 'immediate') clearImmediate(scheduled.handle);
		this.fanoutScheduled = null;
	}

	/**
	 * Sends what changed since the last fan-out: the merged updates to every member but their
	 * senders (see {@link planFanout}), then the changed awareness states, each encoded once.
	 */
	private fanout = (): void => {
		this.fanoutScheduled = null;
		this.lastFanoutAt = performance.now();
		const updates = this.outbox;
		this.outbox = [];
		const changed = this.awarenessChanged;
		this.awarenessChanged = new Set();
		for (const batch of fanoutBatches(updates)) {
			const { shared, perContributor } = planFanout(batch, this.members.keys());
			for (const member of this.members.keys()) {
				const own = perContributor.get(member);
				if (own === undefined) member.send(shared);
				else for (const message of own) member.send(message);
			}
		}
		if (changed.size > 0) {
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
			encoding.writeVarUint8Array(
				encoder,
				awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...changed])
			);
			this.broadcast(encoding.toUint8Array(encoder));
		}
		this.limitBuffered();
	};

	/**
	 * Keeps the bytes queued for the room's members under `maxRoomBufferedBytes`: while over
	 * it, the member holding the most is closed as too slow (its client reconnects and catches
	 * up). A member reading at network speed holds next to nothing here: its writes go straight
	 * to the kernel.
	 */
	private limitBuffered(): void {
		const limit = this.config.maxRoomBufferedBytes;
		let total = 0;
		const held: Array<[RoomMember, number]> = [];
		for (const member of this.members.keys()) {
			const bytes = member.bufferedBytes?.() ?? 0;
			if (bytes === 0) continue;
			total += bytes;
			held.push([member, bytes]);
		}
		if (total <= limit) return;
		held.sort((a, b) => b[1] - a[1]);
		for (const [member, bytes] of held) {
			if (total <= limit) break;
			member.close(
				CLOSE.tooSlow,
				`client too slow: the room holds ${total} unread bytes (limit ${limit}); reconnect to catch up`
			);
			total -= bytes;
		}
	}

	private enqueue(entry: OriginUpdate): void {
		if (this.failure) return;
		this.pending.push(entry);
		this.pendingBytes += entry.update.byteLength;
		this.enqueued++;
		// While a write is in flight, the writer picks everything pending up when it finishes.
		if (this.writing !== null) return;
		if (this.pendingBytes >= this.config.persistBatchMaxBytes) {
			this.flush();
		} else if (this.timer === null) {
			this.timer = setTimeout(() => this.flush(), this.config.persistBatchMs);
		}
	}

	/** Starts the writer unless it is already running. */
	private flush(): void {
		if (this.timer !== null) {
			clearTimeout(this.timer);
			this.timer = null;
		}
		if (this.writing !== null || this.pending.length === 0) return;
		this.writing = this.writeLoop().finally(() => {
			this.writing = null;
		});
	}

	/**
	 * Writes what is pending as one merged update, acknowledges it to its senders, and repeats
	 * while updates arrived during the write: batches grow with the write latency, and no update
	 * waits longer than one batch window plus two writes for its acknowledgement.
	 */
	private async writeLoop(): Promise<void> {
		while (this.pending.length > 0 && !this.failure) {
			const batch = this.pending;
			const upTo = this.enqueued;
			this.pending = [];
			this.pendingBytes = 0;
			const merged = mergeAll(batch.map((e) => e.update));
			try {
				await this.store.append(this.name, merged);
			} catch (e) {
				this.fail(e);
				return;
			}
			this.peers?.publish(this.name, 'update', merged);
			this.written = upTo;
			this.acknowledge(batch);
			const settled = this.waiters.filter((w) => w.seq <= upTo);
			this.waiters = this.waiters.filter((w) => w.seq > upTo);
			for (const w of settled) w.resolve();
			if (++this.storedSinceCompaction >= this.config.compactAfterUpdates) await this.compact();
		}
	}

	/** Echoes to each sender (still in the room) its own updates of a batch that is now stored. */
	private acknowledge(batch: readonly OriginUpdate[]): void {
		for (const [origin, own] of byOrigin(batch)) {
			const member = origin as RoomMember;
			if (this.members.has(member)) member.send(encodeSyncUpdate(mergeAll(own)));
		}
	}

	/**
	 * A write failed: the in-memory state is no longer backed by storage. Nothing more is
	 * acknowledged; every connection is closed (1011) so clients reconnect and re-send what they
	 * have to a freshly loaded room.
	 */
	private fail(error: unknown): void {
		const message = error instanceof Error ? error.message : String(error);
		this.failure = new Error(`storage write of room ${this.name} failed: ${message}`);
		this.pending = [];
		this.pendingBytes = 0;
		for (const w of this.waiters.splice(0)) w.reject(this.failure);
		this.logger.error('room write failed; closing its connections', {
			room: this.name,
			error: message
		});
		for (const member of [...this.members.keys()])
			member.close(CLOSE.internalError, 'relay storage write failed; reconnect');
	}

	private async compact(): Promise<void> {
		this.storedSinceCompaction = 0;
		try {
			await this.store.compact(this.name);
		} catch (e) {
			this.logger.warn('room compaction failed', { room: this.name, error: String(e) });
		}
	}

	/** True when every update applied to the doc so far has been written. */
	get durable(): boolean {
		return this.written === this.enqueued && this.failure === null;
	}

	/**
	 * Resolves when every update applied so far is stored (later updates are not waited for, so
	 * a busy room cannot starve the caller); rejects when the room's storage failed.
	 */
	async persisted(): Promise<void> {
		if (this.failure) throw this.failure;
		const target = this.enqueued;
		if (this.written >= target) return;
		const done = new Promise<void>((resolve, reject) =>
			this.waiters.push({ seq: target, resolve, reject })
		);
		this.flush();
		await done;
	}

	/** Flushes, compacts when anything was written since the last compaction, and frees memory. */
	async close(): Promise<void> {
		await this.ready.catch(() => {});
		await this.persisted().catch(() => {});
		while (this.writing !== null) await this.writing;
		if (this.storedSinceCompaction > 0 && !this.failure) await this.compact();
		this.destroyed = true;
		this.leavePeers?.();
		this.cancelFanout();
		this.awareness.destroy();
		this.doc.destroy();
	}
}
