/**
 * @module The relay's check of audit log writes in a workspace index document: entries and key
 * records are immutable once stored (never changed or deleted); a member may register only keys
 * in their own name and append only valid links (right slot, seq and link, hash, signature by a
 * key registered to them) to the chain of such a key, so nobody extends another member's chains.
 * Only the changed slots are looked at, so the cost of a check does not grow with the log.
 */
import * as Y from 'yjs';
import { AUDIT_KEYS_MAP, AUDIT_LOG_MAP } from '../../../src/lib/core/collab/doc-schema';
import { keyIdOf } from '../../../src/lib/core/security/audit/signing';
import type { AuditEntry } from '../../../src/lib/core/security/audit/types';
import { auditEntryShapeError, checkAppend } from '../../../src/lib/core/security/audit/verify';
import {
	auditSlot,
	parseAuditKeyRecord,
	parseAuditSlot
} from '../../../src/lib/core/security/audit/workspace-log';

export const AUDIT_MAPS: readonly string[] = [AUDIT_LOG_MAP, AUDIT_KEYS_MAP];

/** What an update does to the audit maps: which keys it adds, changes or deletes. */
export interface AuditChanges {
	log: Map<string, 'add' | 'update' | 'delete'>;
	keys: Map<string, 'add' | 'update' | 'delete'>;
}

/** The audit maps after the update. */
export interface AuditView {
	entry(slot: string): unknown;
	key(keyId: string): unknown;
}

/** Runs `apply` (which applies the update to `probe`) and records the audit keys it changed. */
export function auditChangesDuring(probe: Y.Doc, apply: () => void): AuditChanges {
	const changes: AuditChanges = { log: new Map(), keys: new Map() };
	const watch = (name: string, into: AuditChanges['log']) => {
		const map = probe.getMap(name);
		const handler = (e: Y.YMapEvent<unknown>) => {
			for (const [key, change] of e.changes.keys) into.set(key, change.action);
		};
		map.observe(handler);
		return () => map.unobserve(handler);
	};
	const offs = [watch(AUDIT_LOG_MAP, changes.log), watch(AUDIT_KEYS_MAP, changes.keys)];
	try {
		apply();
	} finally {
		for (const off of offs) off();
	}
	return changes;
}

export const docView = (doc: Y.Doc): AuditView => ({
	entry: (slot) => doc.getMap(AUDIT_LOG_MAP).get(slot),
	key: (keyId) => doc.getMap(AUDIT_KEYS_MAP).get(keyId)
});

/**
 * The audit changes of an update that only sets new keys of the audit maps (the shape of every
 * append), read from the update without applying it; null when the update does anything else
 * (then the caller applies it to a copy and uses {@link auditChangesDuring}).
 */
export function plainAuditAppend(
	doc: Y.Doc,
	update: Uint8Array
): { changes: AuditChanges; view: AuditView } | null {
	const decoded = Y.decodeUpdate(update);
	if (decoded.ds.clients.size > 0) return null;
	const added = { log: new Map<string, unknown>(), keys: new Map<string, unknown>() };
	for (const s of decoded.structs) {
		if (!(s instanceof Y.Item)) return null;
		// A decoded item names its root type by name when it has no origin (a new map key).
		const parent = s.parent as unknown;
		const into =
			parent === AUDIT_LOG_MAP ? added.log : parent === AUDIT_KEYS_MAP ? added.keys : null;
		if (!into || s.origin || s.rightOrigin || typeof s.parentSub !== 'string') return null;
		if (!(s.content instanceof Y.ContentAny) || s.content.arr.length !== 1) return null;
		if (into.has(s.parentSub)) return null;
		into.set(s.parentSub, s.content.arr[0]);
	}
	const action = (name: string) => (k: string) =>
		[k, doc.getMap(name).has(k) ? 'update' : 'add'] as const;
	const base = docView(doc);
	return {
		changes: {
			log: new Map([...added.log.keys()].map(action(AUDIT_LOG_MAP))),
			keys: new Map([...added.keys.keys()].map(action(AUDIT_KEYS_MAP)))
		},
		view: {
			entry: (slot) => (added.log.has(slot) ? added.log.get(slot) : base.entry(slot)),
			key: (keyId) => (added.keys.has(keyId) ? added.keys.get(keyId) : base.key(keyId))
		}
	};
}

/** The parts of a key record that matter: its id, its owner and its public key. */
const keyIdentity = (keyId: string, value: unknown) => {
	const r = parseAuditKeyRecord(keyId, value);
	return r && JSON.stringify([r.keyId, r.actor, canonicalJwk(r.publicJwk)]);
};

const canonicalJwk = (jwk: JsonWebKey) =>
	Object.fromEntries(Object.entries(jwk).sort(([a], [b]) => a.localeCompare(b)));

/**
 * Null when the audit `changes` (from the maps in `before` to the maps in `after`) are allowed for
 * `user`, else why not.
 */
export async function checkAuditChanges(
	changes: AuditChanges,
	before: AuditView,
	after: AuditView,
	user: string
): Promise<string | null> {
	for (const [keyId, action] of changes.keys) {
		// A device that publishes its key again (e.g. from a copy of the index it opened before the
		// relay's arrived) writes the same key: only its time may differ, which nothing relies on.
		const republished =
			action === 'update' &&
			keyIdentity(keyId, before.key(keyId)) !== null &&
			keyIdentity(keyId, before.key(keyId)) === keyIdentity(keyId, after.key(keyId));
		if (republished) continue;
		if (action !== 'add')
			return `audit key ${keyId.slice(0, 12)}… is already registered: key records cannot be changed or removed`;
		const record = parseAuditKeyRecord(keyId, after.key(keyId));
		if (!record) return `audit key record ${keyId.slice(0, 12)}… is malformed`;
		if (record.actor !== user)
			return `audit key ${keyId.slice(0, 12)}… is registered to "${record.actor}" but you are "${user}"`;
		const id = await keyIdOf(record.publicJwk).catch(() => '');
		if (id !== keyId) return `audit key record ${keyId.slice(0, 12)}… does not hash to its id`;
	}
	const added: Array<{ keyId: string; seq: number; entry: AuditEntry }> = [];
	for (const [slot, action] of changes.log) {
		if (action !== 'add')
			return `audit entry ${slot.slice(0, 12)}…${slot.slice(slot.indexOf(':'))} is already stored: entries cannot be changed or removed`;
		const parsed = parseAuditSlot(slot);
		if (!parsed) return `audit entry slot "${slot.slice(0, 80)}" is not <keyId>:<seq>`;
		const entry = after.entry(slot) as AuditEntry;
		const shape = auditEntryShapeError(entry);
		if (shape) return `audit entry ${slot.slice(0, 12)}…: ${shape}`;
		added.push({ ...parsed, entry });
	}
	added.sort((a, b) => a.seq - b.seq);
	for (const { keyId, seq, entry } of added) {
		const name = `audit entry ${keyId.slice(0, 12)}…:${seq}`;
		if (entry.actor !== user) return `${name} names actor "${entry.actor}" but you are "${user}"`;
		const prev =
			seq > 1 ? (after.entry(auditSlot(keyId, seq - 1)) as AuditEntry | undefined) : null;
		if (prev === undefined) return `${name} does not follow entry ${seq - 1} of its chain`;
		const record = parseAuditKeyRecord(entry.deviceKeyId, after.key(entry.deviceKeyId));
		const problem = await checkAppend(keyId, seq, entry, prev, record ? [record] : []);
		if (problem) return `${name} refused (${problem.check}): ${problem.detail}`;
	}
	return null;
}
