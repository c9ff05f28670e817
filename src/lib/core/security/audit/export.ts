/** @module Compliance export of the audit log as JSON (with the key registry) and as CSV. */
import Papa from 'papaparse';
import { canonicalize } from '../../vcs/canonical';
import type { AuditEntry, AuditKeyRecord, AuditVerification } from './types';
import { verifyChain, verifyWorkspace, type StoredChain } from './verify';

export const AUDIT_EXPORT_FORMAT = 'promptloom-audit';

export interface AuditExport {
	format: typeof AUDIT_EXPORT_FORMAT;
	/** 1: one device's chain; 2 adds `scope` (a workspace export holds every device's chain). */
	version: 1 | 2;
	/** `device`: this device's own chain; `workspace`: every device chain of a shared workspace. */
	scope?: 'device' | 'workspace';
	workspace: string;
	exportedAt: number;
	keys: AuditKeyRecord[];
	/** In log order (merged by time for a workspace). */
	entries: AuditEntry[];
}

/** Pretty JSON with every entry and the public keys needed to verify it offline. */
export function exportAuditJson(
	workspace: string,
	entries: readonly AuditEntry[],
	keys: readonly AuditKeyRecord[],
	exportedAt: number,
	scope: 'device' | 'workspace' = 'device'
): string {
	const doc: AuditExport = {
		format: AUDIT_EXPORT_FORMAT,
		version: 2,
		scope,
		workspace,
		exportedAt,
		keys: [...keys],
		entries: [...entries]
	};
	return JSON.stringify(doc, null, 2);
}

/** Groups entries into device chains by their signing key, each ordered by seq. */
export function chainsOfEntries(entries: readonly AuditEntry[]): StoredChain[] {
	const chains = new Map<string, StoredChain>();
	for (const entry of entries) {
		const keyId = String(entry.deviceKeyId);
		let c = chains.get(keyId);
		if (!c) chains.set(keyId, (c = { keyId, entries: [] }));
		c.entries.push({ slot: entry.seq, entry });
	}
	for (const c of chains.values()) c.entries.sort((a, b) => a.slot - b.slot);
	return [...chains.values()];
}

/** Verifies an export on its own (its entries against its keys), the way the app verifies the log. */
export function verifyAuditExport(data: AuditExport): Promise<AuditVerification> {
	return data.scope === 'workspace'
		? verifyWorkspace(chainsOfEntries(data.entries), data.keys)
		: verifyChain(data.entries, data.keys);
}

export const AUDIT_CSV_COLUMNS = [
	'seq',
	'at',
	'time',
	'actor',
	'deviceKeyId',
	'action',
	'target',
	'details',
	'prevHash',
	'hash',
	'signature'
] as const;

/** One row per entry; `details` is canonical JSON so the hash can be recomputed from the CSV. */
export function exportAuditCsv(entries: readonly AuditEntry[]): string {
	return Papa.unparse(
		{
			fields: [...AUDIT_CSV_COLUMNS],
			data: entries.map((e) => [
				e.seq,
				e.at,
				new Date(e.at).toISOString(),
				e.actor,
				e.deviceKeyId,
				e.action,
				e.target,
				canonicalize(e.details),
				e.prevHash,
				e.hash,
				e.signature
			])
		},
		{ newline: '\n' }
	);
}
