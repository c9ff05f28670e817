/**
 * @module The member registry of each workspace, `<data>/workspaces/<ws>.json` (or its row in
 * PostgreSQL, see `storage/blobs.ts`): who is a member
 * and with which role, plus the workspace's protected labels. The relay always uses the CURRENT
 * role from here, so changing or removing a role also applies to tokens issued earlier.
 *
 * A workspace without a registry file (or with no members) is unmanaged: tokens are taken at
 * their word. The first owner (the CLI's `relay token` for a new workspace, or an owner token
 * using the REST API) turns it into a managed one.
 */
import { join } from 'node:path';
import { DEFAULT_PROTECTED_LABELS } from '../../../src/lib/core/collab/doc-schema';
import type { Member } from '../../../src/lib/core/collab/types';
import { isRole, type Role } from '../auth/token';
import { fileBlobs, retryOnConflict, type RelayBlobs } from '../storage/blobs';

/** A data directory (files) or shared storage (PostgreSQL). */
export type RegistryStorage = string | RelayBlobs;

const blobsOf = (where: RegistryStorage): RelayBlobs =>
	typeof where === 'string' ? fileBlobs(where) : where;

/** The registry's document name in {@link RelayBlobs}. */
export const registryBlobName = (workspace: string) => `workspaces/${workspace}.json`;

export interface WorkspaceRecord {
	workspace: string;
	members: Member[];
	protectedLabels: string[];
	updatedAt: number;
}

/** What the relay decides about a token holder right now. */
export type Membership =
	{ status: 'member'; role: Role } | { status: 'unmanaged'; role: Role } | { status: 'not_member' };

function validate(json: unknown, workspace: string): WorkspaceRecord {
	const r = json as Partial<WorkspaceRecord> | null;
	if (!r || !Array.isArray(r.members)) throw new Error(`registry of "${workspace}" is malformed`);
	const members = r.members.filter(
		(m): m is Member => !!m && typeof m.user === 'string' && isRole(m.role)
	);
	const protectedLabels = Array.isArray(r.protectedLabels)
		? r.protectedLabels.filter((l): l is string => typeof l === 'string')
		: [...DEFAULT_PROTECTED_LABELS];
	return { workspace, members, protectedLabels, updatedAt: Number(r.updatedAt) || 0 };
}

export function emptyRecord(workspace: string): WorkspaceRecord {
	return { workspace, members: [], protectedLabels: [...DEFAULT_PROTECTED_LABELS], updatedAt: 0 };
}

export function registryPath(dataDir: string, workspace: string): string {
	return join(dataDir, 'workspaces', `${workspace}.json`);
}

/** Reads a registry (an empty record when there is none). */
export async function readRegistryFile(
	where: RegistryStorage,
	workspace: string
): Promise<WorkspaceRecord> {
	const text = await blobsOf(where).read(registryBlobName(workspace));
	return text === null ? emptyRecord(workspace) : validate(JSON.parse(text), workspace);
}

/** Writes a registry atomically (temp file + rename, or one row). */
export async function writeRegistryFile(
	where: RegistryStorage,
	record: WorkspaceRecord,
	ifSignature?: string
): Promise<void> {
	await blobsOf(where).write(
		registryBlobName(record.workspace),
		JSON.stringify(record, null, 2) + '\n',
		ifSignature
	);
}

/**
 * Used by `relay token`: an empty registry gets `user` as its owner; a managed one gets `user`
 * added with `role` when they are not yet a member. Returns the role the relay will apply.
 */
export async function enrollFromCli(
	dataDir: RegistryStorage,
	workspace: string,
	user: string,
	role: Role,
	now = Date.now()
): Promise<Role> {
	const blobs = blobsOf(dataDir);
	return retryOnConflict(async () => {
		const signature = await blobs.signature(registryBlobName(workspace));
		const record = await readRegistryFile(blobs, workspace);
		const existing = record.members.find((m) => m.user === user);
		if (existing) return existing.role;
		const granted: Role = record.members.length === 0 ? 'owner' : role;
		record.members.push({ user, role: granted, addedAt: now, addedBy: 'cli' });
		record.updatedAt = now;
		await writeRegistryFile(blobs, record, signature);
		return granted;
	});
}

/** What `record` makes of `user` holding a token with `tokenRole` (see {@link Membership}). */
export function membershipIn(record: WorkspaceRecord, user: string, tokenRole: Role): Membership {
	if (record.members.length === 0) return { status: 'unmanaged', role: tokenRole };
	const m = record.members.find((x) => x.user === user);
	return m ? { status: 'member', role: m.role } : { status: 'not_member' };
}

/** How often a cached registry is compared with its file (the CLI may change files meanwhile). */
export const REGISTRY_RECHECK_MS = 1000;

interface CacheEntry {
	record: Promise<WorkspaceRecord>;
	signature: string;
	checkedAt: number;
}

/** Cached registries of one relay; every change is written through before it is visible. */
export class MemberRegistry {
	private readonly cache = new Map<string, CacheEntry>();
	private readonly writes = new Map<string, Promise<unknown>>();
	private readonly listeners = new Set<(record: WorkspaceRecord) => void>();

	private readonly blobs: RelayBlobs;

	constructor(where: RegistryStorage) {
		this.blobs = blobsOf(where);
		// Another relay instance changed a registry: look at it again now, not at the next check.
		this.blobs.onRemoteWrite?.((name) => {
			const m = /^workspaces\/(.+)\.json$/.exec(name);
			const entry = m ? this.cache.get(m[1]) : undefined;
			if (!m || !entry) return;
			entry.checkedAt = -Infinity;
			void this.get(m[1]).catch(() => {});
		});
	}

	/**
	 * Calls `listener` with every record written here or read anew from its file (first use, or
	 * the file changed, e.g. through the CLI); the relay re-applies it to open connections.
	 * Returns a function that removes the listener.
	 */
	onChange(listener: (record: WorkspaceRecord) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	private publish(record: WorkspaceRecord): void {
		for (const listener of this.listeners) listener(record);
	}

	async get(workspace: string): Promise<WorkspaceRecord> {
		const name = registryBlobName(workspace);
		const entry = this.cache.get(workspace);
		const now = Date.now();
		if (entry && now - entry.checkedAt < REGISTRY_RECHECK_MS) return entry.record;
		let signature: string;
		try {
			signature = await this.blobs.signature(name);
		} catch (e) {
			// Storage unreachable: keep deciding by the registry last read rather than refuse everyone.
			if (!entry) throw e;
			signature = entry.signature;
		}
		if (entry && entry.signature === signature) {
			entry.checkedAt = now;
			return entry.record;
		}
		const record = readRegistryFile(this.blobs, workspace);
		const fresh = { record, signature, checkedAt: now };
		this.cache.set(workspace, fresh);
		record.then(
			(r) => {
				if (this.cache.get(workspace) === fresh) this.publish(r);
			},
			() => {
				if (this.cache.get(workspace) === fresh) this.cache.delete(workspace);
			}
		);
		return record;
	}

	/** The role the relay applies to `user` holding a token with `tokenRole`. */
	async membership(workspace: string, user: string, tokenRole: Role): Promise<Membership> {
		return membershipIn(await this.get(workspace), user, tokenRole);
	}

	/** Applies `change` to a copy of the record, writes it, then publishes it (serialized per workspace). */
	update(
		workspace: string,
		change: (record: WorkspaceRecord) => WorkspaceRecord
	): Promise<WorkspaceRecord> {
		const run = (this.writes.get(workspace) ?? Promise.resolve()).then(() =>
			retryOnConflict(() => this.writeOnce(workspace, change))
		);
		this.writes.set(
			workspace,
			run.catch(() => {})
		);
		return run;
	}

	/** One read-modify-write of the registry, from its current stored version. */
	private async writeOnce(
		workspace: string,
		change: (record: WorkspaceRecord) => WorkspaceRecord
	): Promise<WorkspaceRecord> {
		const cached = this.cache.get(workspace);
		if (cached) cached.checkedAt = -Infinity;
		const current = await this.get(workspace);
		const read = this.cache.get(workspace)?.signature;
		const next = change(structuredClone(current));
		next.updatedAt = Date.now();
		await writeRegistryFile(this.blobs, next, read);
		const signature = await this.blobs.signature(registryBlobName(workspace));
		this.cache.set(workspace, {
			record: Promise.resolve(next),
			signature,
			checkedAt: Date.now()
		});
		this.publish(next);
		return next;
	}
}
