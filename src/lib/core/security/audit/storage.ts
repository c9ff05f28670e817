/** @module Where the audit log keeps its entries, key registry, chain head and device key. */
import type { DeviceSigningKey } from './signing';
import type { AuditEntry, AuditKeyRecord, KnownHead } from './types';

/** Thrown by {@link AuditStorage.append} when another writer took that `seq` first. */
export class AuditSeqTaken extends Error {
	constructor(readonly seq: number) {
		super(`audit entry ${seq} already exists`);
		this.name = 'AuditSeqTaken';
	}
}

export interface AuditStorage {
	/** Every entry in stored order (ascending `seq` key). */
	entries(): Promise<AuditEntry[]>;
	last(): Promise<AuditEntry | undefined>;
	/** Adds the entry and moves the recorded head to it, atomically; {@link AuditSeqTaken} if taken. */
	append(entry: AuditEntry): Promise<void>;
	/** The newest entry about `target`, if any. */
	lastForTarget(target: string): Promise<AuditEntry | undefined>;
	/** The recorded head (seq and hash of the last appended entry). */
	head(): Promise<{ seq: number; hash: string } | null>;
	keys(): Promise<AuditKeyRecord[]>;
	putKey(record: AuditKeyRecord): Promise<void>;
	loadSigner(): Promise<DeviceSigningKey | undefined>;
	saveSigner(key: DeviceSigningKey): Promise<void>;
	/** Heads of a workspace's device chains as this device last saw them, by key id. */
	knownHeads(workspace: string): Promise<Map<string, KnownHead>>;
	/** Remembers heads, keeping for each chain the one with the higher seq. */
	advanceKnownHeads(workspace: string, heads: Map<string, KnownHead>): Promise<void>;
	/** Remembers facts (audit targets) that another device did, so they are never recorded here. */
	markForeign(targets: readonly string[]): Promise<void>;
	/** Which of `targets` were marked foreign. */
	foreign(targets: readonly string[]): Promise<Set<string>>;
}

/** Keeps, per chain, the head with the higher seq. */
export function mergeHeads(
	known: Map<string, KnownHead>,
	heads: Map<string, KnownHead>
): Map<string, KnownHead> {
	const out = new Map<string, KnownHead>();
	for (const [keyId, head] of heads) {
		const cur = known.get(keyId);
		if (!cur || head.seq > cur.seq) out.set(keyId, { seq: head.seq, hash: head.hash });
	}
	return out;
}

/** In-memory storage for tests and tools. */
export class MemoryAuditStorage implements AuditStorage {
	readonly rows = new Map<number, AuditEntry>();
	readonly keyRows = new Map<string, AuditKeyRecord>();
	headRecord: { seq: number; hash: string } | null = null;
	signer: DeviceSigningKey | undefined;
	readonly heads = new Map<string, Map<string, KnownHead>>();
	readonly foreignTargets = new Set<string>();

	async entries(): Promise<AuditEntry[]> {
		return [...this.rows.keys()].sort((a, b) => a - b).map((k) => this.rows.get(k)!);
	}
	async last(): Promise<AuditEntry | undefined> {
		return (await this.entries()).at(-1);
	}
	async append(entry: AuditEntry): Promise<void> {
		if (this.rows.has(entry.seq)) throw new AuditSeqTaken(entry.seq);
		this.rows.set(entry.seq, structuredClone(entry));
		this.headRecord = { seq: entry.seq, hash: entry.hash };
	}
	async lastForTarget(target: string): Promise<AuditEntry | undefined> {
		return (await this.entries()).filter((e) => e.target === target).at(-1);
	}
	async head() {
		return this.headRecord;
	}
	async keys(): Promise<AuditKeyRecord[]> {
		return [...this.keyRows.values()];
	}
	async putKey(record: AuditKeyRecord): Promise<void> {
		this.keyRows.set(record.keyId, record);
	}
	async loadSigner() {
		return this.signer;
	}
	async saveSigner(key: DeviceSigningKey): Promise<void> {
		this.signer = key;
	}
	async knownHeads(workspace: string): Promise<Map<string, KnownHead>> {
		return new Map(this.heads.get(workspace));
	}
	async advanceKnownHeads(workspace: string, heads: Map<string, KnownHead>): Promise<void> {
		const known = this.heads.get(workspace) ?? new Map<string, KnownHead>();
		for (const [k, h] of mergeHeads(known, heads)) known.set(k, h);
		this.heads.set(workspace, known);
	}
	async markForeign(targets: readonly string[]): Promise<void> {
		for (const t of targets) this.foreignTargets.add(t);
	}
	async foreign(targets: readonly string[]): Promise<Set<string>> {
		return new Set(targets.filter((t) => this.foreignTargets.has(t)));
	}
}
