/** @module Reads JSON or YAML text into plain data, reporting syntax errors with line and column. */
import { parseDocument } from 'yaml';
import type { LibraryIssue } from './issues';
import { findJsonSyntaxError } from './json-syntax';
import { formatPosition, positionAt } from './text-position';

export type LibraryTextFormat = 'json' | 'yaml';

export type DecodeResult = { ok: true; data: unknown } | { ok: false; issues: LibraryIssue[] };

/** The format of a file name from its extension, or null when it is neither `.json` nor `.yaml`/`.yml`. */
export function formatFromFileName(name: string): LibraryTextFormat | null {
	const lower = name.toLowerCase();
	if (lower.endsWith('.json')) return 'json';
	if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
	return null;
}

/** Guesses the format from the content: JSON starts with `{` or `[`, anything else is YAML. */
export function sniffFormat(text: string): LibraryTextFormat {
	return /^\s*[[{]/.test(text) ? 'json' : 'yaml';
}

/** Parses `text` as JSON or YAML; never throws. A leading byte-order mark is ignored. */
export function decodeText(
	input: string,
	format: LibraryTextFormat | 'auto' = 'auto'
): DecodeResult {
	const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
	if (text.trim() === '')
		return { ok: false, issues: [{ path: '(root)', message: 'the file is empty' }] };
	const fmt = format === 'auto' ? sniffFormat(text) : format;
	return fmt === 'json' ? decodeJson(text) : decodeYaml(text);
}

function decodeJson(text: string): DecodeResult {
	try {
		return { ok: true, data: JSON.parse(text) };
	} catch (e) {
		const problem = findJsonSyntaxError(text);
		if (!problem) {
			// JSON.parse failed where the scanner did not: report what the runtime said.
			return {
				ok: false,
				issues: [{ path: '(root)', message: `JSON syntax error: ${String(e)}` }]
			};
		}
		return {
			ok: false,
			issues: [
				{
					path: formatPosition(positionAt(text, problem.offset)),
					message: `JSON syntax error: ${problem.message}`
				}
			]
		};
	}
}

function decodeYaml(text: string): DecodeResult {
	const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
	if (doc.errors.length > 0) {
		return {
			ok: false,
			issues: doc.errors.map((err) => ({
				path: formatPosition(positionAt(text, err.pos[0])),
				message: `YAML syntax error: ${err.message}`
			}))
		};
	}
	try {
		return { ok: true, data: doc.toJS({ maxAliasCount: 100 }) };
	} catch (e) {
		return {
			ok: false,
			issues: [
				{ path: '(root)', message: `YAML error: ${e instanceof Error ? e.message : String(e)}` }
			]
		};
	}
}
