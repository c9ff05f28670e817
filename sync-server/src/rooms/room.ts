/**
 * @module One open document on the relay: its Y.Doc, awareness, connections and write batching.
 *
 * Write path: an accepted update is applied to the room's Y.Doc; the doc's own `update` event
 * (a Yjs-encoded diff, so only well-formed, new data is ever stored) is queued; within
 * `persistBatchMs` (or at once when `persistBatchMaxBytes` is reached) the queue is merged,
 * appended to the store, and only THEN broadcast to every connection of the room (the sender
 * included, which serves as its acknowledgement). Sync step-1 answers also wait for pending
 * writes, so any state a client has received from the relay is already durable.
 */
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import type { RelayConfig } from '../config';
import type { RelayLogger } from '../logger';
import { MESSAGE_AWARENESS, MESSAGE_SYNC } from '../protocol';
import type { RoomStore } from './store';

/** Origin of transactions that replay stored state (never written back). */
const FROM_STORAGE = Symbol('storage');

/** What a room needs from a connection. */
export interface RoomMember {
	send(message: Uint8Array): void;
	/** Closes the connection (used when the room cannot keep its durability promise). */
	close(code: number, reason: string): void;
}

export class Room {
	readonly doc = new Y.Doc();
	readonly awareness = new awarenessProtocol.Awareness(this.doc);
	/** Members and the awareness client ids each one controls. */
	readonly members = new Map<RoomMember, Set<number>>();
	/** Resolves once stored state is loaded; rejects when storage fails. */
	readonly ready: Promise<void>;
	private pending: Uint8Array[] = [];
	private pendingBytes = 0;
	private timer: ReturnType<typeof setTimeout> | null = null;
	private writing: Promise<void> | null = null;
	private storedSinceCompaction = 0;
	private failed = false;

	constructor(
		readonly name: string,
		private readonly store: RoomStore,
		private readonly config: RelayConfig,
		private readonly logger: RelayLogger,
		/** Resolves when a previous incarnation of this room finished closing. */
		previousClose: Promise<void> = Promise.resolve()
	) {
		this.awareness.setLocalState(null);
		this.doc.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin !== FROM_STORAGE) this.enqueue(update);
		});
		this.awareness.on('update', this.onAwarenessUpdate);
		this.ready = previousClose.then(async () => {
			const stored = await this.store.load(this.name);
			Y.applyUpdate(this.doc, stored, FROM_STORAGE);
		});
		// Callers observe failures through `ready`; this only prevents an unhandled rejection.
		this.ready.catch(() => {});
	}

	private onAwarenessUpdate = (
		{ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
		origin: unknown
	): void => {
		const changed = added.concat(updated, removed);
		const controlled = this.members.get(origin as RoomMember);
		if (controlled) {
			for (const id of added) controlled.add(id);
			for (const id of removed) controlled.delete(id);
		}
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
		encoding.writeVarUint8Array(
			encoder,
			awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed)
		);
		this.broadcast(encoding.toUint8Array(encoder));
	};

	broadcast(message: Uint8Array): void {
		for (const member of this.members.keys()) member.send(message);
	}

	join(member: RoomMember): void {
		this.members.set(member, new Set());
	}

	/** Removes a member and the awareness states it controlled; returns the members left. */
	leave(member: RoomMember): number {
		const controlled = this.members.get(member);
		this.members.delete(member);
		if (controlled && controlled.size > 0) {
			awarenessProtocol.removeAwarenessStates(this.awareness, [...controlled], null);
		}
		return this.members.size;
	}

	private enqueue(update: Uint8Array): void {
		this.pending.push(update);
		this.pendingBytes += update.byteLength;
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
	 * Writes what is pending as one merged update, broadcasts it, and repeats while updates
	 * arrived during the write: batches grow with the write latency, and no update waits longer
	 * than one batch window plus two writes.
	 */
	private async writeLoop(): Promise<void> {
		while (this.pending.length > 0 && !this.failed) {
			const batch = this.pending.length === 1 ? this.pending[0] : Y.mergeUpdates(this.pending);
			this.pending = [];
			this.pendingBytes = 0;
			try {
				await this.store.append(this.name, batch);
			} catch (e) {
				this.fail(e);
				return;
			}
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, MESSAGE_SYNC);
			syncProtocol.writeUpdate(encoder, batch);
			this.broadcast(encoding.toUint8Array(encoder));
			if (++this.storedSinceCompaction >= this.config.compactAfterUpdates) await this.compact();
		}
	}

	/**
	 * A write failed: the in-memory state is no longer backed by storage. Close every connection
	 * (1011) so clients reconnect and re-send what they have to a freshly loaded room.
	 */
	private fail(error: unknown): void {
		this.failed = true;
		this.logger.error('room write failed; closing its connections', {
			room: this.name,
			error: error instanceof Error ? error.message : String(error)
		});
		for (const member of [...this.members.keys()])
			member.close(1011, 'relay storage write failed; reconnect');
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
		return this.pending.length === 0 && this.writing === null;
	}

	/** Resolves when every update applied so far is durable. */
	async persisted(): Promise<void> {
		this.flush();
		while (this.writing !== null) await this.writing;
	}

	/** Flushes, compacts when anything was written since the last compaction, and frees memory. */
	async close(): Promise<void> {
		await this.ready.catch(() => {});
		await this.persisted();
		if (this.storedSinceCompaction > 0 && !this.failed) await this.compact();
		this.awareness.destroy();
		this.doc.destroy();
	}
}
