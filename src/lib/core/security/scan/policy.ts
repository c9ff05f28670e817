/**
 * @module Workspace security policy: per kind (and optionally per entity type) what happens to a
 * finding in text about to leave the device — nothing (`off`), shown (`warn`), replaced by a
 * placeholder (`redact`), or the call refused (`block`).
 */
import { PromptloomError } from '../../model/errors';
import { z } from '../../model/zod';
import { redact, type RedactionEntry } from './redact';
import { scanText } from './scanner';
import { INJECTION_RULES } from './injection-rules';
import { PII_ENTITIES } from './pii';
import { SECRET_TYPES } from './secrets';
import { UNSAFE_TYPES } from './unsafe';
import { FINDING_KINDS, type Finding, type FindingKind } from './types';

export type PolicyAction = 'off' | 'warn' | 'redact' | 'block';

export const POLICY_ACTIONS: readonly PolicyAction[] = ['off', 'warn', 'redact', 'block'];

export interface SecurityPolicy {
	kinds: Record<FindingKind, PolicyAction>;
	/** Overrides for single types (`URL`, `DATE_TIME`, `JWT`, …). */
	types: Record<string, PolicyAction>;
}

/**
 * Default: secrets are redacted, everything else is shown. URLs and dates are only shown even
 * when PII is redacted, since prompts need them far more often than they identify anyone.
 */
export const DEFAULT_POLICY: SecurityPolicy = {
	kinds: {
		injection: 'warn',
		jailbreak: 'warn',
		pii: 'warn',
		secret: 'redact',
		unsafe: 'warn',
		bias: 'off'
	},
	types: { URL: 'warn', DATE_TIME: 'warn' }
};

const action = z.enum(['off', 'warn', 'redact', 'block']);

export const securityPolicySchema = z.object({
	kinds: z.object({
		injection: action,
		jailbreak: action,
		pii: action,
		secret: action,
		unsafe: action,
		bias: action
	}),
	types: z.record(z.string().regex(/^[A-Z0-9_]{2,40}$/), action)
});

/** A stored policy, validated; anything unreadable falls back to the default. */
export function parsePolicy(value: unknown): SecurityPolicy {
	const isObject = (x: unknown): x is Record<string, unknown> =>
		typeof x === 'object' && x !== null && !Array.isArray(x);
	const stored = isObject(value) ? value : {};
	// Kinds added since the policy was saved take their default.
	const merged = {
		kinds: { ...DEFAULT_POLICY.kinds, ...(isObject(stored.kinds) ? stored.kinds : {}) },
		types: isObject(stored.types) ? stored.types : { ...DEFAULT_POLICY.types }
	};
	const parsed = securityPolicySchema.safeParse(merged);
	if (parsed.success) return parsed.data;
	const kinds = { ...DEFAULT_POLICY.kinds };
	for (const k of FINDING_KINDS) {
		const a = action.safeParse(merged.kinds[k]);
		if (a.success) kinds[k] = a.data;
	}
	return { kinds, types: { ...DEFAULT_POLICY.types } };
}

/** What the policy says about one finding. */
export function actionFor(policy: SecurityPolicy, f: Pick<Finding, 'kind' | 'type'>): PolicyAction {
	return policy.types[f.type] ?? policy.kinds[f.kind];
}

/** The kind a finding type belongs to (null for a type this version does not know). */
export function kindOfType(type: string): FindingKind | null {
	if ((PII_ENTITIES as readonly string[]).includes(type)) return 'pii';
	if (SECRET_TYPES.includes(type)) return 'secret';
	if (UNSAFE_TYPES.includes(type)) return 'unsafe';
	if (type === 'INSENSITIVE_LANGUAGE') return 'bias';
	if (type === 'INJECTION_PATTERN' || type === 'HIDDEN_UNICODE_TAGS') return 'injection';
	return INJECTION_RULES.find((r) => r.id === type)?.kind ?? null;
}

/** Kinds worth scanning: not off, or with a type override that is not off. */
export function kindsToScan(policy: SecurityPolicy): FindingKind[] {
	const wanted = new Set(FINDING_KINDS.filter((k) => policy.kinds[k] !== 'off'));
	for (const [type, action] of Object.entries(policy.types)) {
		if (action === 'off') continue;
		const kind = kindOfType(type);
		if (kind) wanted.add(kind);
		else return [...FINDING_KINDS];
	}
	return FINDING_KINDS.filter((k) => wanted.has(k));
}

/** Outcome of applying the policy to the texts of one outgoing request. */
export interface GuardResult {
	/** The texts to send (redacted where the policy says so). */
	texts: string[];
	/** Placeholders used, to restore the values in the answer. */
	entries: RedactionEntry[];
	/** Findings per text with the action taken. */
	findings: { index: number; finding: Finding; action: PolicyAction }[];
	/** True when a finding's action is `block`: nothing may be sent. */
	blocked: boolean;
}

/** Scans and redacts the texts of one request under `policy`. */
export function applyPolicy(texts: readonly string[], policy: SecurityPolicy): GuardResult {
	const kinds = kindsToScan(policy);
	const entries: RedactionEntry[] = [];
	const findings: GuardResult['findings'] = [];
	const out: string[] = [];
	let blocked = false;
	texts.forEach((text, index) => {
		if (kinds.length === 0 || text.length === 0) {
			out.push(text);
			return;
		}
		const found = scanText(text, { kinds }).findings;
		const toRedact: Finding[] = [];
		for (const f of found) {
			const a = actionFor(policy, f);
			if (a === 'off') continue;
			findings.push({ index, finding: f, action: a });
			if (a === 'redact') toRedact.push(f);
			if (a === 'block') blocked = true;
		}
		out.push(redact(text, toRedact, entries).text);
	});
	return { texts: out, entries, findings, blocked };
}

/** Thrown when the policy blocks a request; `findings` says what was found. */
export class SecurityPolicyError extends PromptloomError {
	readonly findings: Finding[];
	constructor(findings: Finding[]) {
		const names = [...new Set(findings.map((f) => `${f.kind} ${f.type}`))].join(', ');
		super('forbidden', `Blocked by the workspace security policy: ${names}`);
		this.name = 'SecurityPolicyError';
		this.findings = findings;
	}
}
