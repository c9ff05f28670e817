/** @module `promptloom validate <file>`: checks a library backup file without importing it. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { issueLine } from '../../lib/core/io/issues';
import type { LibraryIssue } from '../../lib/core/io/issues';
import { validateLibrary } from '../../lib/core/io/library-file';
import type { LibraryValidation } from '../../lib/core/io/library-file';
import type { LibrarySummary } from '../../lib/core/io/library-schema';
import { formatFromFileName } from '../../lib/core/io/text-format';
import type { LibraryTextFormat } from '../../lib/core/io/text-format';
import { verifyLibraryVersions } from '../../lib/core/io/verify-versions';
import { unreadableReason } from '../prompt-files';
import type { CliCommand, CliIO } from '../types';

const USAGE = `Usage: promptloom validate <library.json|library.yaml> [options]

Checks a library backup file (JSON or YAML, as written by Export or \`promptloom convert\`)
without importing it: syntax, every field of every entry, references between entries
(folders, projects, versions, branches, labels), unique ids and prompt names, and that
every version's content still matches its SHA-256 id.

Options:
  --format json|yaml  Read the file as this format (default: from the extension
                      .json, .yaml or .yml; otherwise detected from the content)
  -h, --help          Show this help

Output:
  ok: N prompts, N folders, N projects, N versions      when the file is valid
  <file>: <path>: <message>                             one line per problem, on stderr

Exit status:
  0  the file is a valid library
  1  the file has problems (all of them are listed)
  2  usage error, or the file cannot be read
`;

/** Failure the command reports with exit status 2 (usage or file access). */
export class CliUsageError extends Error {}

/** Parses `--format`, throwing CliUsageError for anything but json or yaml. */
export function parseFormatOption(value: string | undefined): LibraryTextFormat | undefined {
	if (value === undefined) return undefined;
	if (value === 'json' || value === 'yaml') return value;
	throw new CliUsageError(`--format must be "json" or "yaml", got "${value}"`);
}

/** Reads a file as strict UTF-8; unreadable files raise CliUsageError. */
export async function readTextFile(io: CliIO, file: string): Promise<string> {
	let bytes: Uint8Array;
	try {
		bytes = await readFile(resolve(io.cwd, file));
	} catch (e) {
		throw new CliUsageError(`cannot read ${file}: ${unreadableReason(e)}`);
	}
	return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
}

/** Validates library text fully, including the content hash of every version. */
export async function checkLibraryText(
	text: string,
	format: LibraryTextFormat | 'auto'
): Promise<LibraryValidation> {
	const result = validateLibrary(text, format);
	if (!result.ok) return result;
	const tampered = await verifyLibraryVersions(result.library);
	return tampered.length > 0 ? { ok: false, errors: tampered } : result;
}

/** `N prompts, N folders, N projects, N versions` */
export function summaryLine(s: LibrarySummary): string {
	return `${s.prompts} prompts, ${s.folders} folders, ${s.projects} projects, ${s.versions} versions`;
}

/** Prints each problem as `<file>: <path>: <message>` on stderr. */
export function printIssues(io: CliIO, file: string, issues: readonly LibraryIssue[]): void {
	for (const issue of issues) io.stderr(`${file}: ${issueLine(issue)}\n`);
}

/** Runs a command body, turning CliUsageError into exit status 2 with a message. */
export async function withUsageErrors(
	name: string,
	usage: string,
	io: CliIO,
	body: () => Promise<number>
): Promise<number> {
	try {
		return await body();
	} catch (e) {
		if (e instanceof CliUsageError) {
			io.stderr(`promptloom ${name}: ${e.message}\n`);
			return 2;
		}
		if (e instanceof TypeError && (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
			io.stderr(`promptloom ${name}: ${e.message}\n\n${usage}`);
			return 2;
		}
		if (
			e instanceof TypeError &&
			(e as { code?: string }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA'
		) {
			io.stderr(`promptloom ${name}: the file is not valid UTF-8 text\n`);
			return 1;
		}
		throw e;
	}
}

export const validateCommand: CliCommand = {
	name: 'validate',
	summary: 'Check a library backup file (JSON or YAML) without importing it',
	usage: USAGE,
	run: (args, io) =>
		withUsageErrors('validate', USAGE, io, async () => {
			const { values, positionals } = parseArgs({
				args,
				allowPositionals: true,
				strict: true,
				options: { format: { type: 'string' } }
			});
			if (positionals.length !== 1)
				throw new CliUsageError(
					positionals.length === 0
						? 'missing the library file to check\n\n' + USAGE
						: `expected one file, got ${positionals.length}`
				);
			const file = positionals[0];
			const format = parseFormatOption(values.format) ?? formatFromFileName(file) ?? 'auto';
			const text = await readTextFile(io, file);
			const result = await checkLibraryText(text, format);
			if (!result.ok) {
				printIssues(io, file, result.errors);
				return 1;
			}
			io.stdout(`ok: ${summaryLine(result.summary)}\n`);
			return 0;
		})
};
