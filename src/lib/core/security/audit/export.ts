/** @module Compliance export of the audit log as JSON (with the key registry) and as CSV. */
import Papa from 'papaparse';
import { canonicalize } from '../../vcs/canonical';
import type { AuditEntry, AuditKeyRecord } from './types';

export const AUDIT_EXPORT_FORMAT = 'promptloom-audit';

export interface AuditExport {
	format: typeof AUDIT_EXPORT_FORMAT;
	version: 1;
	workspace: string;
	exportedAt: number;
	keys: AuditKeyRecord[];
	entries: AuditEntry[];
}

/** Pretty JSON with every entry and the public keys needed to verify it offline. */
export function exportAuditJson(
	workspace: string,
	entries: readonly AuditEntry[],
	keys: readonly AuditKeyRecord[],
	exportedAt: number
): string {
	const doc: AuditExport = {
		format: AUDIT_EXPORT_FORMAT,
		version: 1,
		workspace,
		exportedAt,
		keys: [...keys],
		entries: [...entries]
	};
	return JSON.stringify(doc, null, 2);
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
