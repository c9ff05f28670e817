/**
 * @module The relay's collaboration service: the update guard and server-side writes into a
 * workspace's index document (for the REST routes). Admission by current membership is in
 * `../access.ts`.
 */
import * as Y from 'yjs';
import { INDEX_DOC_ID } from '../../../src/lib/core/collab/doc-schema';
import type { GuardResult, UpdateGuard } from '../connection';
import type { RoomRegistry } from '../rooms/registry';
import { checkCollabUpdate } from './guard';
import { MemberRegistry, type RegistryStorage } from './registry';

/** Transaction origin of writes the relay makes itself. */
export const RELAY_API_ORIGIN = 'promptloom:relay-api';

export class RelayCollab {
	readonly registry: MemberRegistry;

	constructor(
		/** The data directory, or shared storage (PostgreSQL). */
		where: RegistryStorage,
		private readonly rooms: RoomRegistry
	) {
		this.registry = new MemberRegistry(where);
	}

	/** The guard handed to every connection. */
	readonly guard: UpdateGuard = async (_room, claims, update): Promise<GuardResult> => {
		const record = await this.registry.get(claims.workspace);
		const m = await this.registry.membership(claims.workspace, claims.user, claims.role);
		if (m.status === 'not_member')
			return {
				ok: false,
				code: 'forbidden',
				message: `"${claims.user}" is no longer a member of workspace "${claims.workspace}"`
			};
		const alone =
			record.members.length === 1 &&
			record.members[0].user === claims.user &&
			record.members[0].role === 'owner';
		return checkCollabUpdate(
			_room.doc,
			update,
			{ user: claims.user, role: m.role },
			{ protectedLabels: record.protectedLabels, alone }
		);
	};

	/** Runs `write` on the workspace's index document and resolves once the change is durable. */
	async withIndexDoc<T>(workspace: string, write: (doc: Y.Doc) => T): Promise<T> {
		const name = `${workspace}/${INDEX_DOC_ID}`;
		const room = this.rooms.acquire(workspace, name);
		try {
			await room.ready;
			let result!: T;
			Y.transact(room.doc, () => (result = write(room.doc)), RELAY_API_ORIGIN);
			await room.persisted();
			return result;
		} finally {
			this.rooms.release(workspace, name);
		}
	}
}
