/**
 * @module The workspace audit log in the synced index document: one append-only signed chain per
 * device key, so devices appending offline never conflict.
 *
 * - `auditLog` (Y.Map): `<keyId>:<seq>` → {@link AuditEntry} as plain JSON. A device writes only
 *   keys of its own key id, each once (the relay refuses rewrites and deletions).
 * - `auditKeys` (Y.Map): key id → {@link AuditKeyRecord}, published by each device when it opens
 *   the workspace.
 * The workspace view is the union of the chains ordered by time (ties by key id, then seq).
 */
import type * as Y from 'yjs';
import { AUDIT_KEYS_MAP, AUDIT_LOG_MAP } from '../../collab/doc-schema';
import { LOCAL_ORIGIN } from '../../sync/ydoc-model';
import type { DeviceSigningKey } from './signing';
import type { AuditStorage } from './storage';
import type { AuditEntry, AuditKeyRecord, AuditVerification, KnownHead } from './types';
import { mergeChains, verifyWorkspace, type StoredChain } from './verify';

/** The map key of an entry: its chain (signing key id) and its seq. */
export const auditSlot = (keyId: string, seq: number) => `${keyId}:${seq}`;

/** Splits a slot name; null when it is not `<keyId>:<seq>`. */
export function parseAuditSlot(slot: string): { keyId: string; seq: number } | null {
	const m = /^([^:]+):([1-9]\d{0,14})$/.exec(slot);
	return m ? { keyId: m[1], seq: Number(m[2]) } : null;
}

function plainObject(value: unknown): Record<string, unknown> | null {
	return value && typeof value === 'object' && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: null;
}

/** Device chains of the `auditLog` map, each ordered by slot (unreadable slot names last). */
export function readAuditChains(doc: Y.Doc): StoredChain[] {
	const byKey = new Map<string, StoredChain>();
	doc.getMap(AUDIT_LOG_MAP).forEach((value, slot) => {
		const parsed = parseAuditSlot(slot);
		const keyId = parsed?.keyId ?? slot;
		let chain = byKey.get(keyId);
		if (!chain) byKey.set(keyId, (chain = { keyId, entries: [] }));
		chain.entries.push({ slot: parsed?.seq ?? NaN, entry: value as AuditEntry });
	});
	const chains = [...byKey.values()];
	for (const c of chains)
		c.entries.sort(
			(a, b) =>
				(Number.isNaN(a.slot) ? Infinity : a.slot) - (Number.isNaN(b.slot) ? Infinity : b.slot)
		);
	return chains.sort((a, b) => (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : 0));
}

/** A key record of the `auditKeys` map stored under `keyId`; null when it is not shaped like one. */
export function parseAuditKeyRecord(keyId: string, value: unknown): AuditKeyRecord | null {
	const v = plainObject(value);
	const jwk = plainObject(v?.publicJwk);
	if (!v || !jwk || typeof v.actor !== 'string') return null;
	// The map key is what entries refer to; a record claiming another id is checked by hashing.
	return {
		keyId,
		actor: v.actor,
		publicJwk: jwk as JsonWebKey,
		addedAt: typeof v.addedAt === 'number' ? v.addedAt : 0
	};
}

/** Key records of the `auditKeys` map (records that are not shaped like one are skipped). */
export function readAuditKeys(doc: Y.Doc): AuditKeyRecord[] {
	const out: AuditKeyRecord[] = [];
	doc.getMap(AUDIT_KEYS_MAP).forEach((value, keyId) => {
		const record = parseAuditKeyRecord(keyId, value);
		if (record) out.push(record);
	});
	return out;
}

export interface WorkspaceAuditLogOptions {
	workspace: string;
	/** The workspace index document (loaded from local storage before use: see `ready`). */
	doc: Y.Doc;
	/** Resolves once `doc` holds what this device stored. */
	ready?: Promise<void>;
	/** A viewer cannot write the index: it reads the log but appends nothing. */
	readOnly?: boolean;
	/** Where the heads of chains seen earlier are kept. */
	storage: Pick<AuditStorage, 'knownHeads' | 'advanceKnownHeads'>;
}

/**
 * Reads and appends the workspace log of one index document.
 * WARNING: observes the document; call `stop()` to let go.
 */
export class WorkspaceAuditLog {
	readonly workspace: string;
	readonly doc: Y.Doc;
	readonly readOnly: boolean;
	readonly ready: Promise<void>;
	readonly #storage: WorkspaceAuditLogOptions['storage'];
	readonly #listeners = new Set<() => void>();
	#byTarget: Map<string, AuditEntry> | null = null;
	readonly #observer = () => {
		this.#byTarget = null;
		for (const l of this.#listeners) l();
	};

	constructor(options: WorkspaceAuditLogOptions) {
		this.workspace = options.workspace;
		this.doc = options.doc;
		this.readOnly = options.readOnly ?? false;
		this.ready = options.ready ?? Promise.resolve();
		this.#storage = options.storage;
		this.doc.getMap(AUDIT_LOG_MAP).observe(this.#observer);
	}

	stop(): void {
		this.doc.getMap(AUDIT_LOG_MAP).unobserve(this.#observer);
		this.#listeners.clear();
	}

	/** Called after every change of the log, local or remote. */
	onChange(listener: () => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	/** Records this device's public key in the workspace registry (once). */
	publishKey(key: DeviceSigningKey, actor: string, at: number): void {
		const keys = this.doc.getMap(AUDIT_KEYS_MAP);
		if (this.readOnly || keys.has(key.keyId)) return;
		const record: AuditKeyRecord = {
			keyId: key.keyId,
			actor,
			publicJwk: key.publicJwk,
			addedAt: at
		};
		this.doc.transact(() => keys.set(key.keyId, record), LOCAL_ORIGIN);
	}

	/** The last entry of a device's chain in the document. */
	head(keyId: string): AuditEntry | undefined {
		let best: { seq: number; slot: string } | null = null;
		for (const slot of this.doc.getMap(AUDIT_LOG_MAP).keys()) {
			const p = parseAuditSlot(slot);
			if (p?.keyId === keyId && (!best || p.seq > best.seq)) best = { seq: p.seq, slot };
		}
		return best ? (this.doc.getMap(AUDIT_LOG_MAP).get(best.slot) as AuditEntry) : undefined;
	}

	/** Writes an entry into its device chain and remembers it as that chain's head. */
	async append(entry: AuditEntry): Promise<void> {
		if (this.readOnly) throw new Error('a viewer cannot append to the workspace audit log');
		const log = this.doc.getMap(AUDIT_LOG_MAP);
		const slot = auditSlot(entry.deviceKeyId, entry.seq);
		if (log.has(slot)) throw new Error(`audit entry ${slot} already exists`);
		this.doc.transact(() => log.set(slot, entry), LOCAL_ORIGIN);
		await this.#storage.advanceKnownHeads(
			this.workspace,
			new Map([[entry.deviceKeyId, { seq: entry.seq, hash: entry.hash }]])
		);
	}

	/** Every entry of every device, in merged order (copies). */
	entries(): AuditEntry[] {
		return mergeChains(readAuditChains(this.doc)).map((m) => structuredClone(m.entry));
	}

	keys(): AuditKeyRecord[] {
		return readAuditKeys(this.doc);
	}

	/** The newest entry about `target` from any device. */
	lastForTarget(target: string): AuditEntry | undefined {
		if (!this.#byTarget) {
			this.#byTarget = new Map();
			for (const { entry } of mergeChains(readAuditChains(this.doc)))
				if (typeof entry?.target === 'string') this.#byTarget.set(entry.target, entry);
		}
		return this.#byTarget.get(target);
	}

	/**
	 * Verifies every chain; a chain shorter than (or different from) what this device saw before is
	 * reported as truncated. Chains that verify move their remembered head forward.
	 */
	async verify(): Promise<AuditVerification> {
		await this.ready;
		const known = await this.#storage.knownHeads(this.workspace);
		const chains = readAuditChains(this.doc);
		for (const c of chains) c.knownHead = known.get(c.keyId) ?? null;
		// A chain that disappeared entirely still has its remembered head.
		for (const [keyId, head] of known)
			if (!chains.some((c) => c.keyId === keyId))
				chains.push({ keyId, entries: [], knownHead: head });
		const result = await verifyWorkspace(chains, this.keys());
		const bad = new Set(result.ok ? [] : result.problems.map((p) => p.deviceKeyId));
		const advanced = new Map<string, KnownHead>();
		for (const c of chains) {
			const last = c.entries.at(-1)?.entry;
			if (bad.has(c.keyId) || !last) continue;
			if (!c.knownHead || last.seq > c.knownHead.seq)
				advanced.set(c.keyId, { seq: last.seq, hash: last.hash });
		}
		if (advanced.size) await this.#storage.advanceKnownHeads(this.workspace, advanced);
		return result;
	}
}
