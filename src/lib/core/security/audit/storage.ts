/** @module Where the audit log keeps its entries, key registry, chain head and device key. */
import type { DeviceSigningKey } from './signing';
import type { AuditEntry, AuditKeyRecord } from './types';

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
}

/** In-memory storage for tests and tools. */
export class MemoryAuditStorage implements AuditStorage {
	readonly rows = new Map<number, AuditEntry>();
	readonly keyRows = new Map<string, AuditKeyRecord>();
	headRecord: { seq: number; hash: string } | null = null;
	signer: DeviceSigningKey | undefined;

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
}
