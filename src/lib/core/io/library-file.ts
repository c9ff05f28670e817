/** @module Reads, validates and writes whole-library backup files (JSON or YAML, format v1). */
import { stringify } from 'yaml';
import type { z } from 'zod';
import { LibraryFileError, describeValue, joinPath, libraryErrorMap } from './issues';
import type { LibraryIssue } from './issues';
import { orderLibraryKeys } from './key-order';
import { checkReferences } from './library-checks';
import type { RawCollections } from './library-checks';
import {
	COLLECTION_NAMES,
	COLLECTION_SCHEMAS,
	LIBRARY_FORMAT,
	LIBRARY_KEYS,
	LIBRARY_VERSION,
	libraryHeaderSchema,
	summarizeLibrary
} from './library-schema';
import type { CollectionName, LibraryFile, LibrarySummary } from './library-schema';
import { decodeText } from './text-format';
import type { LibraryTextFormat } from './text-format';

export type LibraryValidation =
	| { ok: true; library: LibraryFile; summary: LibrarySummary }
	| { ok: false; errors: LibraryIssue[] };

const ROOT = '(root)';

/** Writes a library as pretty JSON (2 spaces) or YAML, keys in a stable order, ending with a newline. */
export function serializeLibrary(library: LibraryFile, format: LibraryTextFormat): string {
	const ordered = orderLibraryKeys(library);
	if (format === 'json') return JSON.stringify(ordered, null, 2) + '\n';
	return stringify(ordered, { aliasDuplicateObjects: false, lineWidth: 0, blockQuote: 'literal' });
}

/**
 * Reads a library file and validates all of it before returning anything.
 * @throws LibraryFileError (a PromptloomError with code `import`) listing every problem found.
 */
export function parseLibrary(
	text: string,
	format: LibraryTextFormat | 'auto' = 'auto'
): LibraryFile {
	const result = validateLibrary(text, format);
	if (!result.ok) throw new LibraryFileError(result.errors);
	return result.library;
}

/** Like {@link parseLibrary} but returns the problems instead of throwing. */
export function validateLibrary(
	text: string,
	format: LibraryTextFormat | 'auto' = 'auto'
): LibraryValidation {
	const decoded = decodeText(text, format);
	if (!decoded.ok) return { ok: false, errors: decoded.issues };
	return validateLibraryData(decoded.data);
}

/** Validates already-decoded data (e.g. from `JSON.parse`) as a library file. */
export function validateLibraryData(data: unknown): LibraryValidation {
	const fail = (errors: LibraryIssue[]): LibraryValidation => ({ ok: false, errors });
	if (typeof data !== 'object' || data === null || Array.isArray(data))
		return fail([
			{
				path: ROOT,
				message: `must be an object (a promptloom library), got ${describeValue(data)}`
			}
		]);
	const raw = data as Record<string, unknown>;

	const marker = markerIssue(raw);
	if (marker) return fail([marker]);

	const errors: LibraryIssue[] = [];
	for (const key of Object.keys(raw))
		if (!LIBRARY_KEYS.includes(key))
			errors.push({
				path: key,
				message: `unknown top-level key (expected one of ${LIBRARY_KEYS.join(', ')})`
			});

	const header = libraryHeaderSchema.safeParse(
		{ exportedAt: raw.exportedAt, workspace: raw.workspace },
		{ error: libraryErrorMap }
	);
	if (!header.success) errors.push(...toIssues('', header.error));

	const parsed = {} as Record<CollectionName, unknown[]>;
	const rawEntries = {} as RawCollections;
	const malformed = new Set<CollectionName>();
	for (const name of COLLECTION_NAMES) {
		parsed[name] = [];
		rawEntries[name] = [];
		const list = raw[name] === undefined ? [] : raw[name];
		if (!Array.isArray(list)) {
			errors.push({ path: name, message: `must be an array, got ${describeValue(list)}` });
			malformed.add(name);
			continue;
		}
		const schema: z.ZodType = COLLECTION_SCHEMAS[name];
		list.forEach((item: unknown, index) => {
			const label = entryLabel(name, index, item);
			if (typeof item === 'object' && item !== null && !Array.isArray(item))
				rawEntries[name].push({ label, value: item as Record<string, unknown> });
			const result = schema.safeParse(item, { error: libraryErrorMap });
			if (result.success) parsed[name].push(result.data);
			else errors.push(...toIssues(label, result.error));
		});
	}
	for (const issue of checkReferences(rawEntries, malformed)) errors.push(issue);

	if (errors.length > 0 || !header.success) return fail(inFileOrder(errors));

	const library = {
		format: LIBRARY_FORMAT,
		version: LIBRARY_VERSION,
		exportedAt: header.data.exportedAt,
		...(header.data.workspace ? { workspace: header.data.workspace } : {})
	} as LibraryFile;
	for (const name of COLLECTION_NAMES)
		(library as unknown as Record<string, unknown[]>)[name] = parsed[name];
	return { ok: true, library, summary: summarizeLibrary(library) };
}

function markerIssue(raw: Record<string, unknown>): LibraryIssue | null {
	if (raw.format === undefined)
		return {
			path: 'format',
			message: `is missing: this is not a promptloom library file (expected format "${LIBRARY_FORMAT}")`
		};
	if (raw.format !== LIBRARY_FORMAT)
		return {
			path: 'format',
			message: `expected "${LIBRARY_FORMAT}", got ${describeValue(raw.format)}: this is not a promptloom library file`
		};
	if (raw.version === undefined) return { path: 'version', message: 'is missing (expected 1)' };
	if (raw.version !== LIBRARY_VERSION) {
		const newer = typeof raw.version === 'number' && raw.version > LIBRARY_VERSION;
		return {
			path: 'version',
			message: `unsupported library file version ${describeValue(raw.version)}; this promptloom reads version ${LIBRARY_VERSION}${newer ? ' (the file was written by a newer promptloom)' : ''}`
		};
	}
	return null;
}

/** `prompts[3] ("summarize-email")`, `versions[0] (3f2a9c1b0d4e)`, or `folders[2]` when nameless. */
function entryLabel(collection: string, index: number, item: unknown): string {
	const base = `${collection}[${index}]`;
	if (typeof item !== 'object' || item === null) return base;
	const { name, id } = item as { name?: unknown; id?: unknown };
	if (typeof name === 'string' && name !== '') return `${base} (${JSON.stringify(name)})`;
	if (collection === 'versions' && typeof id === 'string' && id !== '')
		return `${base} (${id.slice(0, 12)})`;
	return base;
}

function toIssues(label: string, error: z.ZodError): LibraryIssue[] {
	return error.issues.map((issue) => ({
		path: joinPath(label, issue.path) || ROOT,
		message: issue.message
	}));
}

/** Sorts issues by top-level key, then entry index; issues of one entry keep their order. */
function inFileOrder(issues: LibraryIssue[]): LibraryIssue[] {
	const rank = (path: string): [number, number] => {
		const m = /^([A-Za-z]+)(?:\[(\d+)\])?/.exec(path);
		const key = m ? LIBRARY_KEYS.indexOf(m[1]) : -1;
		const keyRank = !m ? -1 : key === -1 ? LIBRARY_KEYS.length : key;
		return [keyRank, m?.[2] === undefined ? -1 : Number(m[2])];
	};
	return issues
		.map((issue, i) => ({ issue, i, r: rank(issue.path) }))
		.sort((a, b) => a.r[0] - b.r[0] || a.r[1] - b.r[1] || a.i - b.i)
		.map((x) => x.issue);
}
