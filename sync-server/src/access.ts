/**
 * @module Access by the member registry, the same on every path: the WebSocket upgrade, the
 * batch catch-up route and sockets already open. A workspace without members is unmanaged
 * (tokens are taken at their word); in a managed one, only members get in, with their CURRENT
 * role. When the registry changes (REST routes at once, the CLI's file edits within about
 * {@link REGISTRY_RECHECK_MS}), open sockets of removed members are closed with
 * {@link CLOSE.notMember} and every other open socket gets the member's new role.
 */
import type { Role, TokenClaims } from './auth/token';
import {
	REGISTRY_RECHECK_MS,
	membershipIn,
	type MemberRegistry,
	type WorkspaceRecord
} from './collab/registry';
import type { RelayLogger } from './logger';
import { CLOSE } from '../../src/lib/core/relay/protocol';

/** An open socket as access control sees it (a `Connection`). */
export interface GovernedConnection {
	readonly claims: TokenClaims;
	setRole(role: Role): void;
	close(code: number, reason: string): void;
}

export type AccessVerdict = { ok: true; role: Role } | { ok: false; status: 403; error: string };

export function notMemberError(claims: TokenClaims): string {
	return `"${claims.user}" is not a member of workspace "${claims.workspace}" (removed, or never invited)`;
}

export class AccessControl {
	private readonly open = new Map<string, Set<GovernedConnection>>();
	private readonly timer: ReturnType<typeof setInterval>;
	private readonly unsubscribe: () => void;

	constructor(
		private readonly registry: MemberRegistry,
		private readonly logger: RelayLogger
	) {
		this.unsubscribe = registry.onChange((record) => this.apply(record));
		// Registries of workspaces with open sockets are compared with their files regularly.
		this.timer = setInterval(() => this.poll(), REGISTRY_RECHECK_MS / 2);
		this.timer.unref();
	}

	/** Whether `claims` (a verified token) may read or open the workspace now, and with which role. */
	async check(claims: TokenClaims): Promise<AccessVerdict> {
		const m = membershipIn(await this.registry.get(claims.workspace), claims.user, claims.role);
		return m.status === 'not_member'
			? { ok: false, status: 403, error: notMemberError(claims) }
			: { ok: true, role: m.role };
	}

	/** Keeps `connection` under the registry until the returned function is called (on close). */
	track(connection: GovernedConnection): () => void {
		const workspace = connection.claims.workspace;
		let set = this.open.get(workspace);
		if (!set) this.open.set(workspace, (set = new Set()));
		set.add(connection);
		// A change between the admission check and now is applied here.
		this.registry.get(workspace).then(
			(record) => this.applyTo(connection, record),
			() => {}
		);
		return () => {
			set.delete(connection);
			if (set.size === 0 && this.open.get(workspace) === set) this.open.delete(workspace);
		};
	}

	close(): void {
		clearInterval(this.timer);
		this.unsubscribe();
	}

	private poll(): void {
		for (const workspace of this.open.keys())
			this.registry.get(workspace).catch((e: unknown) => {
				this.logger.warn('member registry unreadable', { workspace, error: String(e) });
			});
	}

	private apply(record: WorkspaceRecord): void {
		for (const connection of this.open.get(record.workspace) ?? [])
			this.applyTo(connection, record);
	}

	private applyTo(connection: GovernedConnection, record: WorkspaceRecord): void {
		const { claims } = connection;
		const m = membershipIn(record, claims.user, claims.role);
		if (m.status !== 'not_member') return connection.setRole(m.role);
		this.logger.info('closing the socket of a removed member', {
			workspace: claims.workspace,
			user: claims.user
		});
		connection.close(
			CLOSE.notMember,
			`"${claims.user}" is no longer a member of workspace "${claims.workspace}"`
		);
	}
}
