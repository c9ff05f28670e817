/**
 * @module Writes while PostgreSQL is unreachable: refused before they are applied, with a clear
 * error to the sender (a type-4 `rejected_update`), so the documents open on the instance stay
 * consistent with storage and everyone can go on reading them. The sender's device keeps the
 * edit; once PostgreSQL answers again, the sockets of rooms that refused writes are closed
 * (1013) so their clients reconnect and send what was refused.
 */
import type { UpdateGuard } from '../connection';
import type { RelayLogger } from '../logger';
import type { RoomRegistry } from '../rooms/registry';
import { CLOSE } from '../../../src/lib/core/relay/protocol';

export const STORAGE_DOWN_MESSAGE =
	'relay storage (PostgreSQL) is unreachable: this edit was not stored; your device keeps it ' +
	'and sends it again when the relay reconnects';

export interface StorageGate {
	guard(inner: UpdateGuard): UpdateGuard;
	/** Probes storage now (readiness checks use it) and applies the answer. */
	check(): Promise<boolean>;
	close(): void;
}

/** Probes storage every `everyMs` while watching; `probe` resolves true when it answers. */
export function storageGate(
	probe: () => Promise<boolean>,
	rooms: RoomRegistry,
	logger: RelayLogger,
	everyMs = 1000
): StorageGate {
	let up = true;
	const refusedRooms = new Set<string>();
	let probing: Promise<boolean> | null = null;
	const check = () =>
		(probing ??= probe()
			.then((ok) => {
				apply(ok);
				return ok;
			})
			.finally(() => (probing = null)));
	const apply = (ok: boolean) => {
		if (ok === up) return;
		up = ok;
		logger[ok ? 'info' : 'error'](
			ok ? 'storage reachable again' : 'storage unreachable: refusing writes'
		);
		if (!ok) return;
		for (const name of refusedRooms) {
			const room = rooms.get(name);
			if (!room) continue;
			for (const member of [...room.members.keys()])
				member.close(CLOSE.tooSlow, 'relay storage is back: reconnect to send your edits');
		}
		refusedRooms.clear();
	};
	const timer = setInterval(() => void check(), everyMs);
	timer.unref();
	return {
		guard: (inner) => (room, claims, update) => {
			if (up) return inner(room, claims, update);
			refusedRooms.add(room.name);
			return { ok: false, code: 'rejected_update', message: STORAGE_DOWN_MESSAGE };
		},
		check,
		close: () => clearInterval(timer)
	};
}
