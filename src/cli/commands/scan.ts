/** @module `promptloom scan`: security findings in a file, stdin, JSONL records or a whole library. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { positionAt } from '../../lib/core/io/text-position';
import { parseLibrary } from '../../lib/core/io/library-file';
import { scanLibraryItems } from '../../lib/core/security/scan/library-scan';
import { parseKinds, scanText } from '../../lib/core/security/scan/scanner';
import type { Finding, FindingKind } from '../../lib/core/security/scan/types';
import { unreadableReason } from '../prompt-files';
import type { CliCommand, CliIO } from '../types';
import { CliUsageError, withUsageErrors } from './validate';

const USAGE = `Usage: promptloom scan <file|-> [options]
       promptloom scan --jsonl <file|-> [options]
       promptloom scan --library <library.json|dir> [options]

Looks for prompt injection and jailbreak attempts, PII (Presidio entity names), secrets and
unsafe content. Offsets are UTF-16 code units (as JavaScript indexes strings), end exclusive.

Options:
  --kinds <list>     Comma-separated: injection, jailbreak, pii, secrets, unsafe, bias
                     (default: all)
  --json             One JSON object on stdout (see Output)
  --jsonl            The input has one record per line: a JSON string or an object with a "text"
                     field (and optionally "id"); prints one JSON line per record
  --library <path>   A library backup (JSON/YAML, as written by Export) or a folder: backups in it
                     are scanned prompt by prompt and dataset by dataset, other files as text
  --min-score <x>    Drop findings scored below x (0-1, default 0.5)
  -h, --help         Show this help

Output (text): one line per finding
  <source>:<line>:<column>: <severity> <kind> <TYPE> (score <s>) <message>
Output (--json):
  {"source": "<file>", "findings": [Finding], "injectionScore": <0-1>}
  with --library: {"library": "<path>", "items": [{"source", "file", "id", "name", "field",
  "findings": [Finding]}], "total": <n>}
Output (--jsonl): exactly one line per input line, in order (a stable contract for scripts):
  {"findings": [{"kind", "type", "start", "end", "score", "severity"}]}
  kind: injection | jailbreak | pii | secret | unsafe | bias; offsets index the record's "text"
Finding: {"kind", "type", "start", "end", "line", "column", "score", "severity", "message"}
(the matched text is not printed, so secrets do not end up in logs)

Exit status:
  0  nothing found
  1  at least one finding
  2  usage error, or the input cannot be read or parsed
`;

/** A finding as printed: with 1-based line and column of its start. */
export interface PrintedFinding extends Finding {
	line: number;
	column: number;
}

function printed(text: string, f: Finding): PrintedFinding {
	const { line, column } = positionAt(text, f.start);
	return {
		kind: f.kind,
		type: f.type,
		start: f.start,
		end: f.end,
		line,
		column,
		score: f.score,
		severity: f.severity,
		message: f.message
	};
}

function textLine(source: string, f: PrintedFinding): string {
	return `${source}:${f.line}:${f.column}: ${f.severity} ${f.kind} ${f.type} (score ${f.score}) ${f.message}\n`;
}

/** Reads `file` (or stdin for `-`) as UTF-8 text; failures are usage errors (exit 2). */
export async function readInput(io: CliIO, file: string): Promise<string> {
	if (file === '-') {
		if (!io.stdin) throw new CliUsageError('no standard input to read');
		return io.stdin();
	}
	try {
		return await readFile(resolve(io.cwd, file), 'utf8');
	} catch (e) {
		throw new CliUsageError(`cannot read ${file}: ${unreadableReason(e)}`);
	}
}

/** JSONL records: a JSON string or an object with a string `text` (and an optional `id`). */
export function parseJsonl(input: string): { line: number; id?: unknown; text: string }[] {
	const out: { line: number; id?: unknown; text: string }[] = [];
	input.split('\n').forEach((raw, i) => {
		if (!raw.trim()) return;
		let value: unknown;
		try {
			value = JSON.parse(raw);
		} catch (e) {
			throw new CliUsageError(`line ${i + 1}: not JSON (${(e as Error).message})`);
		}
		if (typeof value === 'string') out.push({ line: i + 1, text: value });
		else if (
			value &&
			typeof value === 'object' &&
			typeof (value as { text?: unknown }).text === 'string'
		) {
			const v = value as { id?: unknown; text: string };
			out.push({ line: i + 1, ...(v.id !== undefined ? { id: v.id } : {}), text: v.text });
		} else
			throw new CliUsageError(
				`line ${i + 1}: expected a JSON string or an object with a "text" string`
			);
	});
	return out;
}

/** Parses `--kinds` (usage error on an unknown kind). */
/** A finding as the `--jsonl` contract prints it: these six fields, in this order. */
export function contractFinding(f: Finding) {
	return {
		kind: f.kind,
		type: f.type,
		start: f.start,
		end: f.end,
		score: f.score,
		severity: f.severity
	};
}

export function kindsOption(value: string | undefined): FindingKind[] | undefined {
	if (value === undefined) return undefined;
	try {
		return parseKinds(value);
	} catch (e) {
		throw new CliUsageError(`--kinds: ${(e as Error).message}`);
	}
}

function minScoreOption(value: string | undefined): number | undefined {
	if (value === undefined) return undefined;
	const n = Number(value);
	if (value.trim() === '' || !(n >= 0 && n <= 1))
		throw new CliUsageError(`--min-score must be a number from 0 to 1, got "${value}"`);
	return n;
}

const TEXT_EXTENSIONS = /\.(?:txt|md|prompt|prompty|jinja|j2|tmpl|jsonl|csv|tsv|json|ya?ml)$/i;

/** Files of a folder (recursively, skipping dot-folders and node_modules), sorted. */
async function listFiles(dir: string): Promise<string[]> {
	const out: string[] = [];
	for (const entry of await readdir(dir, { withFileTypes: true })) {
		if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
		const path = join(dir, entry.name);
		if (entry.isDirectory()) out.push(...(await listFiles(path)));
		else if (entry.isFile() && TEXT_EXTENSIONS.test(entry.name)) out.push(path);
	}
	return out.sort();
}

interface LibraryItem {
	source: string;
	file: string;
	id: string | null;
	name: string | null;
	field: string | null;
	findings: PrintedFinding[];
	/** Text the offsets refer to (not printed). */
	text: string;
}

function looksLikeLibrary(text: string): boolean {
	return /["']?format["']?\s*:\s*["']?promptloom-library/.test(text.slice(0, 4096));
}

async function scanLibraryPath(
	io: CliIO,
	path: string,
	options: { kinds?: FindingKind[]; minScore?: number }
): Promise<LibraryItem[]> {
	const abs = resolve(io.cwd, path);
	let info;
	try {
		info = await stat(abs);
	} catch (e) {
		throw new CliUsageError(`cannot read ${path}: ${unreadableReason(e)}`);
	}
	const files = info.isDirectory() ? await listFiles(abs) : [abs];
	const items: LibraryItem[] = [];
	for (const file of files) {
		const shown = info.isDirectory() ? relative(io.cwd, file) || file : path;
		const text = await readFile(file, 'utf8');
		if (looksLikeLibrary(text) || !info.isDirectory()) {
			let lib;
			try {
				lib = parseLibrary(text, /\.ya?ml$/i.test(file) ? 'yaml' : 'auto');
			} catch (e) {
				throw new CliUsageError(`${shown}: not a library backup: ${(e as Error).message}`);
			}
			const datasets = lib.datasets as { id: string; name: string; rows?: unknown }[];
			for (const f of scanLibraryItems(lib.prompts, datasets, options))
				items.push({
					source: f.source,
					file: shown,
					id: f.id,
					name: f.name,
					field: f.field,
					findings: f.findings.map((x) => printed(f.text, x)),
					text: f.text
				});
			continue;
		}
		const findings = scanText(text, options).findings;
		if (findings.length)
			items.push({
				source: 'file',
				file: shown,
				id: null,
				name: null,
				field: null,
				findings: findings.map((x) => printed(text, x)),
				text
			});
	}
	return items;
}

export const scanCommand: CliCommand = {
	name: 'scan',
	summary: 'Find prompt injection, jailbreaks, PII, secrets and unsafe content',
	usage: USAGE,
	run: (args, io) =>
		withUsageErrors('scan', USAGE, io, async () => {
			const { values, positionals } = parseArgs({
				args,
				allowPositionals: true,
				strict: true,
				options: {
					kinds: { type: 'string' },
					json: { type: 'boolean', default: false },
					jsonl: { type: 'boolean', default: false },
					library: { type: 'string' },
					'min-score': { type: 'string' }
				}
			});
			const kinds = kindsOption(values.kinds);
			const minScore = minScoreOption(values['min-score']);
			const options = { kinds, minScore };
			if (values.library !== undefined) {
				if (positionals.length > 0 || values.jsonl)
					throw new CliUsageError('--library takes the path itself; no other input');
				const items = await scanLibraryPath(io, values.library, options);
				const total = items.reduce((n, i) => n + i.findings.length, 0);
				if (values.json) {
					io.stdout(
						JSON.stringify(
							{
								library: values.library,
								items: items.map(({ text: _text, ...rest }) => rest),
								total
							},
							null,
							2
						) + '\n'
					);
				} else {
					for (const item of items) {
						const where = item.name
							? `${item.file}: ${item.source} "${item.name}" ${item.field}`
							: item.file;
						for (const f of item.findings) io.stdout(textLine(where, f));
					}
					if (total === 0) io.stdout('ok: no findings\n');
				}
				return total > 0 ? 1 : 0;
			}
			if (positionals.length !== 1)
				throw new CliUsageError(
					positionals.length === 0
						? 'missing the file to scan (or - for standard input)\n\n' + USAGE
						: `expected one file, got ${positionals.length}`
				);
			const file = positionals[0];
			const input = await readInput(io, file);
			const source = file === '-' ? '-' : file;
			if (values.jsonl) {
				let any = false;
				for (const record of parseJsonl(input)) {
					const r = scanText(record.text, options);
					if (r.findings.length) any = true;
					io.stdout(JSON.stringify({ findings: r.findings.map(contractFinding) }) + '\n');
				}
				return any ? 1 : 0;
			}
			const r = scanText(input, options);
			const findings = r.findings.map((f) => printed(input, f));
			if (values.json)
				io.stdout(
					JSON.stringify({ source, findings, injectionScore: r.injectionScore }, null, 2) + '\n'
				);
			else {
				for (const f of findings) io.stdout(textLine(source, f));
				if (findings.length === 0) io.stdout('ok: no findings\n');
			}
			return findings.length > 0 ? 1 : 0;
		})
};
