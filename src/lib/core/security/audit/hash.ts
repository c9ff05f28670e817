/** @module Hash of an audit entry: SHA-256 over the canonical JSON of everything but hash and signature. */
import { canonicalize, sha256Hex } from '../../vcs/canonical';
import type { AuditEntry, AuditEntryBody } from './types';

/** The hashed part of an entry (drops `hash` and `signature`, keeps every other field as stored). */
export function entryBody(entry: AuditEntry | AuditEntryBody): AuditEntryBody {
	const { seq, actor, deviceKeyId, at, action, target, details, prevHash } = entry;
	return { seq, actor, deviceKeyId, at, action, target, details, prevHash };
}

/** SHA-256 hex of the canonical JSON of {@link entryBody}. */
export function hashEntry(entry: AuditEntry | AuditEntryBody): Promise<string> {
	return sha256Hex(canonicalize(entryBody(entry)));
}
