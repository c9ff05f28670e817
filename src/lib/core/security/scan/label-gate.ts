/**
 * @module Production gate: a label such as `production` may not point at a version whose content
 * has serious security findings (injection, jailbreak, secrets, unsafe content; or anything the
 * policy blocks) unless an owner records a waiver, which goes into the audit log with its reason.
 */
import { PromptloomError } from '../../model/errors';
import type { PromptContent } from '../../model/prompt';
import type { AuditEntry, AuditInput } from '../audit/types';
import { promptFields } from './library-scan';
import { actionFor, type SecurityPolicy } from './policy';
import { scanText } from './scanner';
import type { Finding, FindingKind } from './types';

/** Labels the gate watches. */
export const GATED_LABELS: readonly string[] = ['production'];

/** Audit action of a waiver; its target is `version:<id>`. */
export const WAIVER_ACTION = 'security.waiver';

const SERIOUS_KINDS: readonly FindingKind[] = ['injection', 'jailbreak', 'secret', 'unsafe'];

export interface LabelGateDeps {
	policy: () => Promise<SecurityPolicy>;
	getVersion: (promptId: string, versionId: string) => Promise<{ content: PromptContent }>;
	audit: {
		list(): Promise<AuditEntry[]>;
		append(input: AuditInput): Promise<AuditEntry>;
	};
	/** The current user's role in the workspace (`owner` in a personal library). */
	role: () => string;
}

/** Refused label move: the version has findings and no owner waived them. */
export class SecurityGateError extends PromptloomError {
	readonly findings: Finding[];
	readonly promptId: string;
	readonly versionId: string;
	readonly label: string;
	constructor(move: { promptId: string; versionId: string; label: string }, findings: Finding[]) {
		const names = [...new Set(findings.map((f) => `${f.kind} ${f.type}`))].join(', ');
		super(
			'approval_required',
			`"${move.label}" cannot point at version ${move.versionId.slice(0, 8)}: it has security findings (${names}). An owner can record a waiver with a reason.`
		);
		this.name = 'SecurityGateError';
		this.findings = findings;
		this.promptId = move.promptId;
		this.versionId = move.versionId;
		this.label = move.label;
	}
}

/** Findings in a version's content that hold the gate shut. */
export async function gateFindings(
	content: PromptContent,
	policy: SecurityPolicy
): Promise<Finding[]> {
	const out: Finding[] = [];
	for (const { text } of promptFields({ ...content, description: '' }))
		for (const f of scanText(text).findings) {
			const serious =
				SERIOUS_KINDS.includes(f.kind) && (f.severity === 'high' || f.severity === 'critical');
			if (serious || actionFor(policy, f) === 'block') out.push(f);
		}
	return out;
}

/** The waiver for this version and label, if an owner recorded one. */
export async function findWaiver(
	deps: Pick<LabelGateDeps, 'audit'>,
	versionId: string,
	label: string
): Promise<AuditEntry | undefined> {
	return (await deps.audit.list()).find(
		(e) =>
			e.action === WAIVER_ACTION && e.target === `version:${versionId}` && e.details.label === label
	);
}

/** The check installed before label moves (combined with the review guard). */
export function securityLabelGate(deps: LabelGateDeps) {
	return async (move: {
		promptId: string;
		label: string;
		versionId: string | null;
	}): Promise<void> => {
		if (move.versionId === null || !GATED_LABELS.includes(move.label)) return;
		const version = await deps.getVersion(move.promptId, move.versionId);
		const findings = await gateFindings(version.content, await deps.policy());
		if (findings.length === 0) return;
		if (await findWaiver(deps, move.versionId, move.label)) return;
		throw new SecurityGateError({ ...move, versionId: move.versionId }, findings);
	};
}

/**
 * Records an owner's waiver for `label` at this version in the audit log (with the reason and
 * what was found), so the gate lets the label move there.
 * @throws PromptloomError `forbidden` for anyone but an owner, `validation` without a reason.
 */
export async function recordWaiver(
	deps: LabelGateDeps,
	w: { promptId: string; versionId: string; label: string; reason: string }
): Promise<AuditEntry> {
	const role = deps.role();
	if (role !== 'owner')
		throw new PromptloomError(
			'forbidden',
			`Only an owner can waive the security gate (you are ${role === 'editor' ? 'an' : 'a'} ${role}).`
		);
	const reason = w.reason.trim();
	if (!reason) throw new PromptloomError('validation', 'a waiver needs a reason');
	const version = await deps.getVersion(w.promptId, w.versionId);
	const findings = await gateFindings(version.content, await deps.policy());
	return deps.audit.append({
		action: WAIVER_ACTION,
		target: `version:${w.versionId}`,
		details: {
			promptId: w.promptId,
			label: w.label,
			reason,
			findings: [...new Set(findings.map((f) => `${f.kind} ${f.type}`))]
		}
	});
}

type Guard = (move: {
	promptId: string;
	label: string;
	versionId: string | null;
	actor: string;
}) => Promise<void>;

/** Runs the guards in order; the first refusal wins. */
export function combineLabelGuards(...guards: Guard[]): Guard {
	return async (move) => {
		for (const g of guards) await g(move);
	};
}
