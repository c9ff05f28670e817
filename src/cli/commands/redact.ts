/** @module `promptloom redact`: replaces PII and secrets with numbered placeholders. */
import { parseArgs } from 'node:util';
import { redact } from '../../lib/core/security/scan/redact';
import { scanText } from '../../lib/core/security/scan/scanner';
import type { FindingKind } from '../../lib/core/security/scan/types';
import type { CliCommand } from '../types';
import { contractFinding, kindsOption, parseJsonl, readInput } from './scan';
import { CliUsageError, withUsageErrors } from './validate';

const USAGE = `Usage: promptloom redact <file|-> [options]

Writes the text with PII and secrets replaced by numbered placeholders: <EMAIL_1>, <PHONE_1>,
<CREDIT_CARD_1>, <IBAN_CODE_1>, <GITHUB_TOKEN_1>, … The same value always gets the same
placeholder.

Options:
  --kinds <list>   What to redact, comma-separated: pii, secrets, injection, jailbreak, unsafe,
                   bias
                   (default: pii,secrets)
  --jsonl          The input has one record per line: a JSON string or an object with a "text"
                   field (and optionally "id"); prints one JSON line per record
  -h, --help       Show this help

Output: the redacted text (nothing else) on stdout
Output (--jsonl): exactly one line per input line, in order:
  {"text": "<redacted>", "findings": [{"kind", "type", "start", "end", "score", "severity"}]}
  (offsets index the original text)
  (start/end: UTF-16 offsets of the replaced span in the input text, end exclusive; the
  original values are not printed)

Exit status:
  0  nothing needed redacting (the text is printed unchanged)
  1  something was redacted
  2  usage error, or the input cannot be read or parsed
`;

const DEFAULT_KINDS: FindingKind[] = ['pii', 'secret'];

export const redactCommand: CliCommand = {
	name: 'redact',
	summary: 'Replace PII and secrets in text with placeholders like <EMAIL_1>',
	usage: USAGE,
	run: (args, io) =>
		withUsageErrors('redact', USAGE, io, async () => {
			const { values, positionals } = parseArgs({
				args,
				allowPositionals: true,
				strict: true,
				options: { kinds: { type: 'string' }, jsonl: { type: 'boolean', default: false } }
			});
			if (positionals.length !== 1)
				throw new CliUsageError(
					positionals.length === 0
						? 'missing the file to redact (or - for standard input)\n\n' + USAGE
						: `expected one file, got ${positionals.length}`
				);
			const kinds = kindsOption(values.kinds) ?? DEFAULT_KINDS;
			const input = await readInput(io, positionals[0]);
			if (values.jsonl) {
				let any = false;
				for (const record of parseJsonl(input)) {
					const findings = scanText(record.text, { kinds }).findings;
					const r = redact(record.text, findings);
					if (findings.length) any = true;
					io.stdout(
						JSON.stringify({ text: r.text, findings: findings.map(contractFinding) }) + '\n'
					);
				}
				return any ? 1 : 0;
			}
			const findings = scanText(input, { kinds }).findings;
			io.stdout(redact(input, findings).text);
			return findings.length > 0 ? 1 : 0;
		})
};
