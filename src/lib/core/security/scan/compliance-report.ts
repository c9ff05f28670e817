/**
 * @module Compliance report: the security policy in force, what a scan of the whole library
 * found (counts and locations, never the values), and whether the audit log verifies, as JSON
 * for tools and Markdown for people.
 */
import type { AuditVerification } from '../audit/types';
import type { LibraryFieldFindings } from './library-scan';
import type { SecurityPolicy } from './policy';
import { FINDING_KINDS, type FindingKind } from './types';

export const COMPLIANCE_REPORT_FORMAT = 'promptloom-compliance-report';

export interface ComplianceReport {
	format: typeof COMPLIANCE_REPORT_FORMAT;
	version: 1;
	generatedAt: string;
	policy: SecurityPolicy;
	scan: {
		prompts: number;
		datasets: number;
		fieldsWithFindings: number;
		byKind: Record<FindingKind, number>;
		byType: Record<string, number>;
		/** Where each finding is; offsets into the field's text, no matched text. */
		items: {
			source: 'prompt' | 'dataset';
			id: string;
			name: string;
			field: string;
			findings: {
				kind: FindingKind;
				type: string;
				start: number;
				end: number;
				severity: string;
				score: number;
			}[];
		}[];
	};
	/** The audit log's verification, or why it could not be checked. */
	audit: AuditVerification | { ok: false; error: string };
}

/** Builds the report from a library scan and an audit verification. */
export function buildComplianceReport(input: {
	policy: SecurityPolicy;
	items: readonly LibraryFieldFindings[];
	counts: { prompts: number; datasets: number };
	audit: ComplianceReport['audit'];
	now?: () => number;
}): ComplianceReport {
	const byKind = Object.fromEntries(FINDING_KINDS.map((k) => [k, 0])) as Record<
		FindingKind,
		number
	>;
	const byType: Record<string, number> = {};
	for (const item of input.items)
		for (const f of item.findings) {
			byKind[f.kind]++;
			byType[f.type] = (byType[f.type] ?? 0) + 1;
		}
	return {
		format: COMPLIANCE_REPORT_FORMAT,
		version: 1,
		generatedAt: new Date((input.now ?? Date.now)()).toISOString(),
		policy: structuredClone(input.policy),
		scan: {
			...input.counts,
			fieldsWithFindings: input.items.length,
			byKind,
			byType: Object.fromEntries(Object.entries(byType).sort(([a], [b]) => a.localeCompare(b))),
			items: input.items.map((i) => ({
				source: i.source,
				id: i.id,
				name: i.name,
				field: i.field,
				findings: i.findings.map((f) => ({
					kind: f.kind,
					type: f.type,
					start: f.start,
					end: f.end,
					severity: f.severity,
					score: f.score
				}))
			}))
		},
		audit: input.audit
	};
}

/** The report as Markdown for people (the same facts as the JSON). */
export function complianceReportMarkdown(r: ComplianceReport): string {
	const lines = [
		'# Promptloom compliance report',
		'',
		`Generated ${r.generatedAt}.`,
		'',
		'## Security policy',
		'',
		'| Kind | Action |',
		'| --- | --- |',
		...FINDING_KINDS.map((k) => `| ${k} | ${r.policy.kinds[k]} |`),
		...Object.entries(r.policy.types).map(([t, a]) => `| type ${t} | ${a} |`),
		'',
		'## Library scan',
		'',
		`${r.scan.prompts} prompts and ${r.scan.datasets} datasets scanned; ${r.scan.fieldsWithFindings} fields with findings.`,
		'',
		'| Kind | Findings |',
		'| --- | --- |',
		...FINDING_KINDS.map((k) => `| ${k} | ${r.scan.byKind[k]} |`),
		''
	];
	if (r.scan.items.length) {
		lines.push('| Where | Findings |', '| --- | --- |');
		for (const i of r.scan.items)
			lines.push(
				`| ${i.source} "${i.name.replace(/\|/g, '\\|')}" ${i.field} | ${i.findings.map((f) => `${f.kind} ${f.type} (${f.severity})`).join(', ')} |`
			);
		lines.push('');
	}
	lines.push('## Audit log', '');
	if (r.audit.ok)
		lines.push(`Verified: ${r.audit.count} entries from ${r.audit.devices} device(s).`);
	else if ('error' in r.audit) lines.push(`Not verified: ${r.audit.error}`);
	else
		lines.push(
			`FAILED verification: ${r.audit.problems.length} problem(s) in ${r.audit.count} entries; first: ${r.audit.first.message}`
		);
	return lines.join('\n') + '\n';
}
