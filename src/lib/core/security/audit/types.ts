/** @module Shapes of the tamper-evident audit log: entries, key registry records, verification results. */

/** What happened; the list is open so new services can add actions without a schema change. */
export type AuditAction =
	| 'prompt.create'
	| 'prompt.delete'
	| 'prompt.restore'
	| 'prompt.purge'
	| 'library.replace'
	| 'commit'
	| 'merge'
	| 'label.move'
	| 'label.remove'
	| 'role.change'
	| 'member.remove'
	| 'member.leave'
	| 'invite.create'
	| 'review.request'
	| 'review.approve'
	| 'review.reject'
	| 'comment.add'
	| (string & {});

/** One link of the chain, as stored and exported. */
export interface AuditEntry {
	/** 1, 2, 3 … without gaps; the position in the chain. */
	seq: number;
	actor: string;
	/** Id (thumbprint) of the device key that signed the entry. */
	deviceKeyId: string;
	/** Milliseconds since the epoch. */
	at: number;
	action: AuditAction;
	/** What the action was applied to, e.g. `prompt:<id>`, `version:<id>`, `member:<user>`. */
	target: string;
	/** Free-form JSON details (names, from/to, comments). */
	details: Record<string, unknown>;
	/** `hash` of the previous entry; 64 zeros for the first one. */
	prevHash: string;
	/** SHA-256 (hex) of the canonical JSON of the entry without `hash` and `signature`. */
	hash: string;
	/** ECDSA P-256 / SHA-256 signature over `hash`, base64url. */
	signature: string;
}

/** The part of an entry that is hashed. */
export type AuditEntryBody = Omit<AuditEntry, 'hash' | 'signature'>;

/** What a caller supplies to append an entry. */
export interface AuditInput {
	action: AuditAction;
	target: string;
	details?: Record<string, unknown>;
	/** Defaults to the log's actor. */
	actor?: string;
	/** Defaults to now. */
	at?: number;
}

/** A public key of the workspace's key registry. */
export interface AuditKeyRecord {
	keyId: string;
	actor: string;
	/** Public ECDSA P-256 key as JWK. */
	publicJwk: JsonWebKey;
	addedAt: number;
}

/** Which check an entry failed, in the order they are applied. */
export type AuditCheck =
	| 'malformed'
	| 'sequence'
	| 'broken_link'
	| 'hash_mismatch'
	/** The entry sits in another device's chain than the key that signed it. */
	| 'misplaced'
	| 'unknown_key'
	/** The signing key is registered to another actor than the one the entry names. */
	| 'actor_mismatch'
	| 'bad_signature'
	| 'truncated';

export interface AuditProblem {
	/** Index of the entry in the list that was verified (the merged list for a workspace). */
	index: number;
	/** The `seq` the entry claims (may itself be the tampered value). */
	seq: number;
	/** The device chain (signing key id) the entry belongs to, for a workspace log. */
	deviceKeyId?: string;
	check: AuditCheck;
	message: string;
}

export type AuditVerification =
	| {
			ok: true;
			count: number;
			/** Number of device chains (signing keys) verified. */
			devices: number;
			/** Hash of the last entry of a single chain (absent for a multi-device log). */
			headHash?: string;
	  }
	| {
			ok: false;
			count: number;
			devices: number;
			first: AuditProblem;
			problems: AuditProblem[];
	  };

/** Which log the audit service reads and writes. */
export type AuditScope =
	{ kind: 'device' } | { kind: 'workspace'; workspace: string; readOnly: boolean };

/** The last entry of a chain as this device last saw it (to detect a chain cut short). */
export interface KnownHead {
	seq: number;
	hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/**
 * Rows of `auditState`: the recorded head of this device's own chain, its signing key, the heads
 * of workspace chains seen here (`known:<workspace>␀<keyId>`) and facts done by other devices
 * (`foreign:<target>`).
 */
export type AuditStateRecord =
	| { id: 'head'; seq: number; hash: string }
	| { id: 'signer'; keyId: string; privateKey: CryptoKey; publicJwk: JsonWebKey }
	| { id: `known:${string}`; seq: number; hash: string }
	| { id: `foreign:${string}`; at: number };
