/** @module The open rooms of a relay, counted per workspace, opened on first join and closed on last leave. */
import type { RelayConfig } from '../config';
import type { RelayLogger } from '../logger';
import { Room } from './room';
import type { RoomStore } from './store';
import type { RoomPeers } from '../scale/redis-fanout';

export class RoomRegistry {
	private readonly open = new Map<string, { room: Room; holds: number }>();
	private readonly closing = new Map<string, Promise<void>>();
	private readonly perWorkspace = new Map<string, number>();

	constructor(
		private readonly store: RoomStore,
		private readonly config: RelayConfig,
		private readonly logger: RelayLogger,
		/** Other relay instances (Redis), when there are any. */
		private readonly peers?: RoomPeers
	) {}

	get size(): number {
		return this.open.size;
	}

	/** True when opening `name` would exceed `maxRoomsPerWorkspace`. */
	wouldExceedWorkspaceLimit(workspace: string, name: string): boolean {
		return (
			!this.open.has(name) &&
			(this.perWorkspace.get(workspace) ?? 0) >= this.config.maxRoomsPerWorkspace
		);
	}

	/** Opens the room (or takes one more hold on it); pair with {@link release}. */
	acquire(workspace: string, name: string): Room {
		const entry = this.open.get(name);
		if (entry) {
			entry.holds++;
			return entry.room;
		}
		const room = new Room(
			name,
			this.store,
			this.config,
			this.logger,
			this.closing.get(name),
			this.peers
		);
		this.open.set(name, { room, holds: 1 });
		this.perWorkspace.set(workspace, (this.perWorkspace.get(workspace) ?? 0) + 1);
		return room;
	}

	/** Drops one hold; the last one closes the room (flush + compaction) in the background. */
	release(workspace: string, name: string): void {
		const entry = this.open.get(name);
		if (!entry || --entry.holds > 0) return;
		this.open.delete(name);
		const left = (this.perWorkspace.get(workspace) ?? 1) - 1;
		if (left > 0) this.perWorkspace.set(workspace, left);
		else this.perWorkspace.delete(workspace);
		const closed = entry.room
			.close()
			.catch((e) => this.logger.error('closing room failed', { room: name, error: String(e) }))
			.finally(() => {
				if (this.closing.get(name) === closed) this.closing.delete(name);
			});
		this.closing.set(name, closed);
	}

	/** The open room called `name`, if any. */
	get(name: string): Room | undefined {
		return this.open.get(name)?.room;
	}

	/** Waits until every room that is closing has finished. */
	async settle(): Promise<void> {
		await Promise.all(this.closing.values());
	}
}
