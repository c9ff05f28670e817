/**
 * @module Secret detection: provider key formats with their fixed prefixes, private keys, tokens
 * (JWT), credentials in URLs and connection strings, and generic `password=`/`api_key:` assignments
 * whose value looks random. Placeholders (`sk-xxxx`, `<your-key>`, `EXAMPLE`) are not secrets.
 *
 * secretlint's rule packages were evaluated for this: the current major needs Node 22, the preset
 * covers fewer formats (no Stripe, Google API, Hugging Face, JWT or generic assignments), and its
 * linter is asynchronous and file-oriented, so the rule set is kept here and tested on true and
 * false positives (src/lib/core/security/scan/secrets.test.ts, bench/security/secrets.jsonl).
 */
import type { Finding, Severity } from './types';

interface SecretRule {
	type: string;
	severity: Severity;
	message: string;
	pattern: RegExp;
	/** Capture group holding the secret itself (default: the whole match). */
	group?: number;
	/** Score 0–1 for a match (default 0.95); null rejects it. */
	validate?: (secret: string, m: RegExpMatchArray) => number | null;
}

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
	const counts = new Map<string, number>();
	for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
	let h = 0;
	for (const n of counts.values()) {
		const p = n / s.length;
		h -= p * Math.log2(p);
	}
	return h;
}

const PLACEHOLDER =
	/x{4,}|X{4,}|\*{3,}|\.{3}|<[^>]*>|\{\{|\$\{|your[_-]?(?:api[_-]?)?(?:key|token|secret|password)|example|sample|dummy|placeholder|changeme|redacted|insert|replace|1234567|abcdef|test[_-]?key|fake|^(.)\1+$/i;

/** Whether a value is a placeholder or too regular to be a real secret. */
export function looksLikePlaceholder(value: string): boolean {
	if (PLACEHOLDER.test(value)) return true;
	const body = value.replace(/^[a-z]+[_-]/i, '');
	if (/^(.)\1+$/.test(body) || /^(..)\1+$/.test(body) || /^(...)\1+$/.test(body)) return true;
	return false;
}

/** Random-looking: enough distinct characters and entropy for its length. */
function randomEnough(value: string, minEntropy = 3): boolean {
	return value.length >= 8 && entropy(value) >= minEntropy && !looksLikePlaceholder(value);
}

const fixed =
	(minEntropy = 3) =>
	(secret: string): number | null =>
		looksLikePlaceholder(secret) || entropy(secret) < minEntropy ? null : 0.95;

const RULES: SecretRule[] = [
	{
		type: 'PRIVATE_KEY',
		severity: 'critical',
		message: 'Private key (PEM block)',
		pattern:
			/-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----[\s\S]{20,}?-----END (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----/g,
		validate: (s) => (/[A-Za-z0-9+/]{40,}/.test(s) ? 1 : 0.7)
	},
	{
		type: 'AWS_ACCESS_KEY_ID',
		severity: 'high',
		message: 'AWS access key id',
		pattern: /\b((?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z0-9]{16})\b/g,
		group: 1,
		validate: (s) => (/EXAMPLE$/.test(s) ? null : 0.95)
	},
	{
		type: 'AWS_SECRET_ACCESS_KEY',
		severity: 'critical',
		message: 'AWS secret access key',
		pattern:
			/\b(?:aws_?secret_?(?:access_?)?key|secret_?access_?key|aws_?secret)\b["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi,
		group: 1,
		validate: fixed(4)
	},
	{
		type: 'GITHUB_TOKEN',
		severity: 'critical',
		message: 'GitHub token',
		pattern:
			/\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b/g,
		group: 1,
		validate: fixed(3.5)
	},
	{
		type: 'GITLAB_TOKEN',
		severity: 'critical',
		message: 'GitLab personal access token',
		pattern: /\b(glpat-[A-Za-z0-9_-]{20,})\b/g,
		group: 1,
		validate: fixed(3.3)
	},
	{
		type: 'SLACK_TOKEN',
		severity: 'critical',
		message: 'Slack token',
		pattern: /\b(xox[abposr]-(?:\d+-)+[A-Za-z0-9]{10,}(?:-[A-Za-z0-9]+)*)\b/g,
		group: 1,
		validate: fixed(3)
	},
	{
		type: 'SLACK_WEBHOOK',
		severity: 'high',
		message: 'Slack incoming webhook URL',
		pattern:
			/https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{6,}\/B[A-Z0-9]{6,}\/[A-Za-z0-9]{20,}/g,
		validate: fixed(3)
	},
	{
		type: 'STRIPE_KEY',
		severity: 'critical',
		message: 'Stripe secret or restricted key',
		pattern: /\b((?:sk|rk)_(?:live|test)_[A-Za-z0-9]{20,})\b/g,
		group: 1,
		validate: fixed(3.5)
	},
	{
		type: 'GOOGLE_API_KEY',
		severity: 'high',
		message: 'Google API key',
		pattern: /\b(AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])/g,
		group: 1,
		validate: fixed(3.5)
	},
	{
		type: 'ANTHROPIC_API_KEY',
		severity: 'critical',
		message: 'Anthropic API key',
		pattern: /\b(sk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{80,})(?![A-Za-z0-9_-])/g,
		group: 1,
		validate: fixed(4)
	},
	{
		type: 'OPENAI_API_KEY',
		severity: 'critical',
		message: 'OpenAI API key',
		pattern:
			/\b(sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}|sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}|sk-[A-Za-z0-9]{48})(?![A-Za-z0-9_-])/g,
		group: 1,
		validate: (s) => (s.startsWith('sk-ant-') ? null : fixed(4)(s))
	},
	{
		type: 'HUGGINGFACE_TOKEN',
		severity: 'high',
		message: 'Hugging Face access token',
		pattern: /\b(hf_[A-Za-z0-9]{34,})\b/g,
		group: 1,
		validate: fixed(3.5)
	},
	{
		type: 'NPM_TOKEN',
		severity: 'high',
		message: 'npm access token',
		pattern: /\b(npm_[A-Za-z0-9]{36})\b/g,
		group: 1,
		validate: fixed(3.5)
	},
	{
		type: 'SENDGRID_API_KEY',
		severity: 'high',
		message: 'SendGrid API key',
		pattern: /\b(SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/g,
		group: 1,
		validate: fixed(4)
	},
	{
		type: 'TWILIO_API_KEY',
		severity: 'high',
		message: 'Twilio API key',
		pattern: /\b(SK[0-9a-f]{32})\b/g,
		group: 1,
		validate: fixed(3.2)
	},
	{
		type: 'SHOPIFY_TOKEN',
		severity: 'high',
		message: 'Shopify access token',
		pattern: /\b(shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})\b/g,
		group: 1,
		validate: fixed(3.2)
	},
	{
		type: 'DIGITALOCEAN_TOKEN',
		severity: 'high',
		message: 'DigitalOcean token',
		pattern: /\b(do[opr]_v1_[a-f0-9]{64})\b/g,
		group: 1,
		validate: fixed(3.2)
	},
	{
		type: 'JWT',
		severity: 'high',
		message: 'JSON Web Token',
		pattern: /\b(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,})(?![A-Za-z0-9_-])/g,
		group: 1,
		validate: (s) => {
			try {
				const header = JSON.parse(atob(s.split('.')[0].replace(/-/g, '+').replace(/_/g, '/')));
				return typeof header === 'object' && header && 'alg' in header ? 0.95 : 0.7;
			} catch {
				return 0.6;
			}
		}
	},
	{
		type: 'URL_CREDENTIALS',
		severity: 'critical',
		message: 'Password in a URL or connection string',
		pattern:
			/\b(?:[a-z][a-z0-9+.-]{1,20}):\/\/[^\s:@/"'<>]{1,64}:([^\s@/"'<>]{3,128})@[A-Za-z0-9.-]+/gi,
		group: 1,
		validate: (s) =>
			/^(?:password|pass|pwd|secret|\*+|x+|\$\{?\w+\}?|%\w+%|<\w+>|\{\{\s?\w+\s?\}\})$/i.test(s) ||
			looksLikePlaceholder(s)
				? null
				: 0.9
	},
	{
		type: 'AUTHORIZATION_HEADER',
		severity: 'high',
		message: 'Credentials in an Authorization header',
		pattern: /\bAuthorization\s*[:=]\s*["']?(?:Bearer|Basic|Token)\s+([A-Za-z0-9._~+/=-]{16,})/gi,
		group: 1,
		validate: (s) => (randomEnough(s, 3.3) ? 0.9 : null)
	},
	{
		type: 'GENERIC_SECRET',
		severity: 'high',
		message: 'Secret assigned to a key, password or token setting',
		pattern:
			/\b[\w.-]{0,30}(?:api[_-]?key|apikey|secret(?:[_-]?key)?|client[_-]?secret|access[_-]?token|auth[_-]?token|refresh[_-]?token|private[_-]?key|password|passwd|pwd|passphrase|token|credentials?)["']?\s*(?::=|=>|[:=])\s*["'`]?([^\s"'`,;)}\]]{8,200})/gi,
		group: 1,
		validate: (s) => {
			if (
				/^(?:true|false|null|none|undefined|required|optional|string|number|env|process|os\.environ)\b/i.test(
					s
				)
			)
				return null;
			if (/^[a-z]+(?:[_.-][a-z]+)*$/i.test(s) && entropy(s) < 3.6) return null;
			if (/^\$|^%|^\{|^<|^\(|^os\.|^process\.|^getenv|^env\[/i.test(s)) return null;
			return randomEnough(s, 3.2) && /\d/.test(s) && /[A-Za-z]/.test(s) ? 0.8 : null;
		}
	}
];

/** Secret rule types, in report order. */
export const SECRET_TYPES: readonly string[] = [...new Set(RULES.map((r) => r.type))];

/** Secrets in `text`; overlapping matches keep the most specific rule (listed first). */
export function scanSecrets(text: string, options: { minScore?: number } = {}): Finding[] {
	const minScore = options.minScore ?? 0.5;
	const out: Finding[] = [];
	for (const rule of RULES) {
		rule.pattern.lastIndex = 0;
		for (const m of text.matchAll(rule.pattern)) {
			const secret = rule.group !== undefined ? m[rule.group] : m[0];
			if (secret === undefined) continue;
			const score = rule.validate ? rule.validate(secret, m) : 0.95;
			if (score === null || score < minScore) continue;
			const start = m.index + (rule.group !== undefined ? m[0].lastIndexOf(secret) : 0);
			const end = start + secret.length;
			if (out.some((f) => start < f.end && f.start < end)) continue;
			out.push({
				kind: 'secret',
				type: rule.type,
				start,
				end,
				score,
				severity: rule.severity,
				message: rule.message
			});
		}
	}
	return out.sort((a, b) => a.start - b.start);
}
