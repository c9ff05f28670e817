/**
 * @module Verification of audit chains. Each entry is checked in this order: shape, sequence
 * number, link to the previous entry, its own hash, its place (the chain it is stored in), a known
 * key, that key's actor, its signature. Every failing entry is reported with the first check it
 * failed, so a single changed byte is pinpointed. A workspace log is one chain per device key,
 * verified chain by chain and reported in the merged (time-ordered) list.
 */
import { entryBody, hashEntry } from './hash';
import { importPublicKey, keyIdOf, verifyText } from './signing';
import {
	GENESIS_HASH,
	type AuditCheck,
	type AuditEntry,
	type AuditKeyRecord,
	type AuditProblem,
	type AuditVerification,
	type KnownHead
} from './types';

export interface VerifyOptions {
	/** The recorded head of the chain; when given, a chain cut short (tail deleted) is detected. */
	head?: KnownHead | null;
}

/** One entry as stored in a device chain: where it sits, and what is there. */
export interface StoredChainEntry {
	/** The sequence number of its storage slot (NaN when the slot name is unreadable). */
	slot: number;
	entry: AuditEntry;
}

/** A device's chain as stored in the workspace, ordered by slot. */
export interface StoredChain {
	keyId: string;
	entries: StoredChainEntry[];
	/** The last entry of this chain that this device saw earlier (truncation check). */
	knownHead?: KnownHead | null;
}

interface ChainFinding {
	/** Position in the chain, or the chain length for a truncated tail. */
	pos: number;
	seq: number;
	check: AuditCheck;
	detail: string;
}

/** Why `e` is not shaped like an audit entry, or null when it is. */
export function auditEntryShapeError(e: unknown): string | null {
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

/** Imported public keys of a registry; a record whose key does not hash to its id is refused. */
class KeyCache {
	readonly registry: Map<string, AuditKeyRecord>;
	readonly #imported = new Map<string, Promise<CryptoKey | null>>();

	constructor(keys: readonly AuditKeyRecord[]) {
		this.registry = new Map(keys.map((k) => [k.keyId, k]));
	}

	get(record: AuditKeyRecord): Promise<CryptoKey | null> {
		let p = this.#imported.get(record.keyId);
		if (!p) {
			// A registry record whose key does not hash to its id was altered: trust nothing it signs.
			p = keyIdOf(record.publicJwk)
				.catch(() => '')
				.then((id) => (id === record.keyId ? importPublicKey(record.publicJwk) : null));
			this.#imported.set(record.keyId, p);
		}
		return p;
	}
}

interface ChainRules {
	/** The key id of the chain the entries are stored in (workspace); entries by others are misplaced. */
	keyId?: string;
	/** Require the signing key's registered actor to be the entry's actor. */
	checkActor: boolean;
	head?: KnownHead | null;
}

async function checkChain(
	stored: readonly StoredChainEntry[],
	keys: KeyCache,
	rules: ChainRules
): Promise<ChainFinding[]> {
	const findings: ChainFinding[] = [];
	let prevHash = GENESIS_HASH;
	let prevSeq = 0;
	for (let pos = 0; pos < stored.length; pos++) {
		const { slot, entry } = stored[pos];
		const seq = typeof entry?.seq === 'number' ? entry.seq : NaN;
		const problem = await checkEntry(entry, slot, prevSeq + 1, prevHash, keys, rules);
		if (problem) findings.push({ pos, seq, ...problem });
		prevHash = typeof entry?.hash === 'string' ? entry.hash : '';
		prevSeq = Number.isInteger(seq) ? seq : prevSeq + 1;
	}
	const head = rules.head;
	if (head && findings.length === 0) {
		const atHead = stored.find((s) => s.entry.seq === head.seq)?.entry;
		if (!atHead || atHead.hash !== head.hash) {
			const last = stored.at(-1)?.entry;
			findings.push({
				pos: stored.length,
				seq: head.seq,
				check: 'truncated',
				detail: atHead
					? `entry seq ${head.seq} is not the one seen here before (hash ${head.hash.slice(0, 12)}…): the chain was rewritten`
					: `the chain ends at seq ${last?.seq ?? 0} but its recorded head is seq ${head.seq}: entries after it were removed or replaced`
			});
		}
	}
	return findings;
}

async function checkEntry(
	entry: AuditEntry,
	slot: number,
	expectedSeq: number,
	prevHash: string,
	keys: KeyCache,
	rules: ChainRules
): Promise<{ check: AuditCheck; detail: string } | null> {
	const shape = auditEntryShapeError(entry);
	if (shape) return { check: 'malformed', detail: shape };
	if (entry.seq !== expectedSeq)
		return {
			check: 'sequence',
			detail: `expected seq ${expectedSeq} at this position, found ${entry.seq} (an entry was removed, inserted or moved)`
		};
	if (entry.prevHash !== prevHash)
		return {
			check: 'broken_link',
			detail: `prevHash does not match the hash of the previous entry (expected ${prevHash.slice(0, 12)}…, found ${entry.prevHash.slice(0, 12)}…)`
		};
	let computed: string;
	try {
		computed = await hashEntry(entryBody(entry));
	} catch (e) {
		return { check: 'malformed', detail: `cannot hash: ${e instanceof Error ? e.message : e}` };
	}
	if (computed !== entry.hash)
		return {
			check: 'hash_mismatch',
			detail: `content does not match its hash (stored ${entry.hash.slice(0, 12)}…, computed ${computed.slice(0, 12)}…)`
		};
	if (rules.keyId !== undefined && (entry.deviceKeyId !== rules.keyId || slot !== entry.seq))
		return {
			check: 'misplaced',
			detail: `stored as seq ${slot} of device ${rules.keyId.slice(0, 12)}… but signed as seq ${entry.seq} by key ${entry.deviceKeyId.slice(0, 12)}…`
		};
	const record = keys.registry.get(entry.deviceKeyId);
	if (!record)
		return {
			check: 'unknown_key',
			detail: `signed by key ${entry.deviceKeyId.slice(0, 12)}…, which is not in the workspace key registry`
		};
	const publicKey = await keys.get(record);
	if (!publicKey)
		return {
			check: 'unknown_key',
			detail: `registry key ${record.keyId.slice(0, 12)}… does not match its id or is not a valid P-256 key`
		};
	if (rules.checkActor && record.actor !== entry.actor)
		return {
			check: 'actor_mismatch',
			detail: `names actor "${entry.actor}" but its key ${record.keyId.slice(0, 12)}… is registered to "${record.actor}"`
		};
	if (!(await verifyText(publicKey, entry.hash, entry.signature)))
		return {
			check: 'bad_signature',
			detail: `signature does not verify with key ${record.keyId.slice(0, 12)}… of ${record.actor}`
		};
	return null;
}

/**
 * Checks one entry written into slot `slot` of chain `keyId`, right after `prev` (null for the
 * first entry), against the registry `keys` with the key's actor required to match. Returns the
 * first failed check (as verification would report it), or null when the append is valid.
 */
export function checkAppend(
	keyId: string,
	slot: number,
	entry: AuditEntry,
	prev: AuditEntry | null,
	keys: readonly AuditKeyRecord[]
): Promise<{ check: AuditCheck; detail: string } | null> {
	return checkEntry(
		entry,
		slot,
		(prev?.seq ?? 0) + 1,
		prev?.hash ?? GENESIS_HASH,
		new KeyCache(keys),
		{ keyId, checkActor: true }
	);
}

function result(count: number, devices: number, problems: AuditProblem[], headHash?: string) {
	const v: AuditVerification =
		problems.length > 0
			? { ok: false, count, devices, first: problems[0], problems }
			: { ok: true, count, devices, ...(headHash === undefined ? {} : { headHash }) };
	return v;
}

/**
 * Verifies one device's chain `entries` (in stored order) against the key registry `keys`. The
 * signing key's actor is not compared (a personal device's author name may change). Never throws.
 */
export async function verifyChain(
	entries: readonly AuditEntry[],
	keys: readonly AuditKeyRecord[],
	options: VerifyOptions = {}
): Promise<AuditVerification> {
	const stored = entries.map((entry) => ({ slot: entry?.seq, entry }));
	const findings = await checkChain(stored, new KeyCache(keys), {
		checkActor: false,
		head: options.head
	});
	const problems = findings.map((f) => ({
		index: f.pos,
		seq: f.seq,
		check: f.check,
		message: `entry #${f.pos + 1} (seq ${f.seq}): ${f.detail}`
	}));
	const last = entries.at(-1);
	return result(
		entries.length,
		entries.length ? 1 : 0,
		problems,
		typeof last?.hash === 'string' ? last.hash : GENESIS_HASH
	);
}

const atOf = (e: AuditEntry) => (typeof e?.at === 'number' && Number.isFinite(e.at) ? e.at : 0);

/** Order of the merged workspace log: time, then device chain, then position in the chain. */
export function mergeChains(
	chains: readonly StoredChain[]
): Array<{ keyId: string; pos: number; entry: AuditEntry }> {
	const all = chains.flatMap((c) =>
		c.entries.map((s, pos) => ({ keyId: c.keyId, pos, entry: s.entry }))
	);
	return all.sort(
		(a, b) =>
			atOf(a.entry) - atOf(b.entry) ||
			(a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : 0) ||
			a.pos - b.pos
	);
}

/**
 * Verifies every device chain of a workspace log against the workspace key registry, with each
 * key's registered actor required to match its entries. Problems name the entry's index in
 * {@link mergeChains} order, its device and the check that failed. Never throws.
 */
export async function verifyWorkspace(
	chains: readonly StoredChain[],
	keys: readonly AuditKeyRecord[]
): Promise<AuditVerification> {
	const cache = new KeyCache(keys);
	const merged = mergeChains(chains);
	const indexOf = new Map(merged.map((m, i) => [`${m.keyId}\u0000${m.pos}`, i]));
	const perChain = await Promise.all(
		chains.map((c) =>
			checkChain(c.entries, cache, { keyId: c.keyId, checkActor: true, head: c.knownHead })
		)
	);
	const problems: AuditProblem[] = [];
	chains.forEach((chain, ci) => {
		for (const f of perChain[ci]) {
			const truncated = f.pos >= chain.entries.length;
			// A missing tail is shown on the last entry the chain still has.
			const index = indexOf.get(`${chain.keyId}\u0000${truncated ? f.pos - 1 : f.pos}`) ?? -1;
			const where = `device ${chain.keyId.slice(0, 8)}, seq ${f.seq}`;
			problems.push({
				index,
				seq: f.seq,
				deviceKeyId: chain.keyId,
				check: f.check,
				message: truncated ? `${where}: ${f.detail}` : `entry #${index + 1} (${where}): ${f.detail}`
			});
		}
	});
	problems.sort((a, b) => (a.index < 0 ? Infinity : a.index) - (b.index < 0 ? Infinity : b.index));
	return result(merged.length, chains.filter((c) => c.entries.length > 0).length, problems);
}
