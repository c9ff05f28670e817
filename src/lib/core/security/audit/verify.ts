/**
 * @module Verification of a whole audit chain. Each entry is checked in this order: shape,
 * sequence number, link to the previous entry, its own hash, a known key, its signature. Every
 * failing entry is reported with the first check it failed, so a single changed byte is pinpointed.
 */
import { entryBody, hashEntry } from './hash';
import { importPublicKey, keyIdOf, verifyText } from './signing';
import {
	GENESIS_HASH,
	type AuditEntry,
	type AuditKeyRecord,
	type AuditProblem,
	type AuditVerification
} from './types';

export interface VerifyOptions {
	/** The recorded head of the chain; when given, a chain cut short (tail deleted) is detected. */
	head?: { seq: number; hash: string } | null;
}

function shapeError(e: unknown): string | null {
	if (typeof e !== 'object' || e === null) return 'entry is not an object';
	const r = e as Record<string, unknown>;
	for (const f of ['actor', 'deviceKeyId', 'action', 'target', 'prevHash', 'hash', 'signature'])
		if (typeof r[f] !== 'string') return `field "${f}" is not a string`;
	if (!Number.isInteger(r.seq)) return 'field "seq" is not an integer';
	if (typeof r.at !== 'number' || !Number.isFinite(r.at)) return 'field "at" is not a number';
	if (typeof r.details !== 'object' || r.details === null || Array.isArray(r.details))
		return 'field "details" is not an object';
	return null;
}

/** Verifies `entries` (in stored order) against the key registry `keys`. Never throws. */
export async function verifyChain(
	entries: readonly AuditEntry[],
	keys: readonly AuditKeyRecord[],
	options: VerifyOptions = {}
): Promise<AuditVerification> {
	const registry = new Map(keys.map((k) => [k.keyId, k]));
	const imported = new Map<string, CryptoKey | null>();
	const problems: AuditProblem[] = [];
	let prevHash = GENESIS_HASH;
	for (let index = 0; index < entries.length; index++) {
		const entry = entries[index];
		const seq = typeof entry?.seq === 'number' ? entry.seq : NaN;
		const fail = (check: AuditProblem['check'], message: string) =>
			problems.push({ index, seq, check, message: `entry #${index + 1} (seq ${seq}): ${message}` });
		const problem = await checkEntry(entry, index, prevHash, registry, imported);
		if (problem) fail(problem.check, problem.message);
		prevHash = typeof entry?.hash === 'string' ? entry.hash : '';
	}
	const head = options.head;
	if (head && problems.length === 0) {
		const last = entries[entries.length - 1];
		if (!last || last.seq !== head.seq || last.hash !== head.hash) {
			problems.push({
				index: entries.length,
				seq: head.seq,
				check: 'truncated',
				message: `the chain ends at seq ${last?.seq ?? 0} but its recorded head is seq ${head.seq}: entries after it were removed or replaced`
			});
		}
	}
	if (problems.length > 0)
		return { ok: false, count: entries.length, first: problems[0], problems };
	return { ok: true, count: entries.length, headHash: prevHash };
}

async function checkEntry(
	entry: AuditEntry,
	index: number,
	prevHash: string,
	registry: Map<string, AuditKeyRecord>,
	imported: Map<string, CryptoKey | null>
): Promise<{ check: AuditProblem['check']; message: string } | null> {
	const shape = shapeError(entry);
	if (shape) return { check: 'malformed', message: shape };
	if (entry.seq !== index + 1)
		return {
			check: 'sequence',
			message: `expected seq ${index + 1} at this position, found ${entry.seq} (an entry was removed, inserted or moved)`
		};
	if (entry.prevHash !== prevHash)
		return {
			check: 'broken_link',
			message: `prevHash does not match the hash of the previous entry (expected ${prevHash.slice(0, 12)}…, found ${entry.prevHash.slice(0, 12)}…)`
		};
	let computed: string;
	try {
		computed = await hashEntry(entryBody(entry));
	} catch (e) {
		return { check: 'malformed', message: `cannot hash: ${e instanceof Error ? e.message : e}` };
	}
	if (computed !== entry.hash)
		return {
			check: 'hash_mismatch',
			message: `content does not match its hash (stored ${entry.hash.slice(0, 12)}…, computed ${computed.slice(0, 12)}…)`
		};
	const record = registry.get(entry.deviceKeyId);
	if (!record)
		return {
			check: 'unknown_key',
			message: `signed by key ${entry.deviceKeyId.slice(0, 12)}…, which is not in the workspace key registry`
		};
	if (!imported.has(record.keyId)) {
		// A registry record whose key does not hash to its id was altered: trust nothing it signs.
		const genuine = (await keyIdOf(record.publicJwk).catch(() => '')) === record.keyId;
		imported.set(record.keyId, genuine ? await importPublicKey(record.publicJwk) : null);
	}
	const publicKey = imported.get(record.keyId);
	if (!publicKey)
		return {
			check: 'unknown_key',
			message: `registry key ${record.keyId.slice(0, 12)}… does not match its id or is not a valid P-256 key`
		};
	if (!(await verifyText(publicKey, entry.hash, entry.signature)))
		return {
			check: 'bad_signature',
			message: `signature does not verify with key ${record.keyId.slice(0, 12)}… of ${record.actor}`
		};
	return null;
}
