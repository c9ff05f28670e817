/** @module The security policy of `promptloom run` and `eval`: --policy <file>, --redact <kinds>. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { LlmProvider } from '../lib/core/providers/types';
import { guardProvider, type GuardReport } from '../lib/core/security/scan/guard';
import {
	DEFAULT_POLICY,
	securityPolicySchema,
	type SecurityPolicy
} from '../lib/core/security/scan/policy';
import { parseKinds } from '../lib/core/security/scan/scanner';
import { unreadableReason } from './prompt-files';
import type { CliIO } from './types';

/** The options both commands take (for `parseArgs`). */
export const POLICY_OPTIONS = {
	policy: { type: 'string' },
	redact: { type: 'string' }
} as const;

/** Usage lines for the options, descriptions starting at `column`. */
export function policyUsage(column: number): string {
	const lines: [string, string[]][] = [
		[
			'--policy <file>',
			[
				'Security policy JSON: {"kinds": {"injection"|"jailbreak"|"pii"|"secret"|"unsafe"|"bias":',
				'"off"|"warn"|"redact"|"block"}, "types": {"URL": "warn", …}} (default: secrets',
				'redacted, the rest reported); a blocked call fails with the reason'
			]
		],
		[
			'--redact <kinds>',
			[
				'Also redact these kinds before sending, e.g. pii,secrets; placeholders such as',
				'<EMAIL_1> are restored in the answer'
			]
		]
	];
	return lines
		.map(([name, text]) =>
			text.map((t, i) => (i === 0 ? `  ${name}`.padEnd(column) : ' '.repeat(column)) + t).join('\n')
		)
		.join('\n');
}

/** A bad --policy or --redact value (the command exits 2). */
export class PolicyOptionError extends Error {}

/** The policy for this run: the file's, or the default, with `--redact` kinds set to redact. */
export async function loadCliPolicy(
	io: CliIO,
	values: { policy?: string; redact?: string }
): Promise<{ policy: SecurityPolicy; explicit: boolean }> {
	let policy = structuredClone(DEFAULT_POLICY);
	if (values.policy !== undefined) {
		let text: string;
		try {
			text = await readFile(resolve(io.cwd, values.policy), 'utf8');
		} catch (e) {
			throw new PolicyOptionError(`cannot read --policy ${values.policy}: ${unreadableReason(e)}`);
		}
		let data: unknown;
		try {
			data = JSON.parse(text);
		} catch (e) {
			throw new PolicyOptionError(`--policy ${values.policy}: not JSON (${(e as Error).message})`);
		}
		const parsed = securityPolicySchema.safeParse({
			types: {},
			...(data as object),
			kinds: { ...DEFAULT_POLICY.kinds, ...((data as { kinds?: object })?.kinds ?? {}) }
		});
		if (!parsed.success)
			throw new PolicyOptionError(
				`--policy ${values.policy}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`
			);
		policy = parsed.data;
	}
	if (values.redact !== undefined) {
		let kinds;
		try {
			kinds = parseKinds(values.redact);
		} catch (e) {
			throw new PolicyOptionError(`--redact: ${(e as Error).message}`);
		}
		for (const k of kinds) policy.kinds[k] = 'redact';
		// Redacting PII redacts URLs and dates too, unless the policy file says otherwise.
		if (kinds.includes('pii') && values.policy === undefined) policy.types = {};
	}
	return { policy, explicit: values.policy !== undefined || values.redact !== undefined };
}

/** Counts of what the guard did over the calls of one command. */
export class GuardTally {
	calls = 0;
	redacted = 0;
	readonly byType = new Map<string, number>();
	add(r: GuardReport): void {
		if (r.entries.length === 0) return;
		this.calls++;
		this.redacted += r.entries.length;
		for (const e of r.entries) this.byType.set(e.type, (this.byType.get(e.type) ?? 0) + 1);
	}
	/** `security: redacted 3 values in 2 calls before sending (CREDIT_CARD 1, EMAIL_ADDRESS 2)` */
	line(): string {
		const types = [...this.byType].map(([t, n]) => `${t} ${n}`).join(', ');
		return `security: redacted ${this.redacted} value${this.redacted === 1 ? '' : 's'} in ${this.calls} call${this.calls === 1 ? '' : 's'} before sending (${types})\n`;
	}
}

/**
 * `provider` behind the outbound guard. `report` hears about every call; with an explicit policy,
 * warnings are printed on stderr as they happen.
 */
export function guardForCli(
	provider: LlmProvider,
	policy: { policy: SecurityPolicy; explicit: boolean },
	io: CliIO,
	report: (r: GuardReport) => void
): LlmProvider {
	return guardProvider(provider, {
		policy: () => policy.policy,
		onReport: (r) => {
			report(r);
			if (!policy.explicit) return;
			for (const f of r.findings)
				if (f.action === 'warn')
					io.stderr(
						`security: warning: ${f.finding.kind} ${f.finding.type} in message ${f.index + 1} (sent as is)\n`
					);
		}
	});
}
