/** @module Shared pieces of promptfoo config parsing: YAML, `file://` reading, key checks, warnings. */
import { parseDocument } from 'yaml';
import { PromptloomError } from '../../model/errors';
import { parseDatasetFile } from '../dataset/parse';
import { isGlob } from './glob';

export const isObject = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);

export const fail = (path: string, message: string) =>
	new PromptloomError('validation', `${path}: ${message}`, { path });

export const extOf = (ref: string) => /\.([a-z0-9]+)$/i.exec(ref)?.[1]?.toLowerCase() ?? '';

export const isFileRef = (v: unknown): v is string =>
	typeof v === 'string' && v.startsWith('file://');

/**
 * Keys that would change pass counts if ignored: refused by name. Any other key we do not handle
 * only changes reporting, sharing or telemetry, and becomes a warning.
 */
const RESULT_CHANGING = new Set([
	'extensions',
	'nunjucksFilters',
	'transform',
	'contextTransform',
	'assertScoringFunction',
	'provider',
	'redteam'
]);

/** Parsing state: the file reader, unsupported keys (refused) and warnings (kept going). */
export class Context {
	readonly unsupported: string[] = [];
	readonly warnings: string[] = [];
	constructor(
		readonly read: (path: string) => Promise<string>,
		readonly list?: (pattern: string) => Promise<string[]>
	) {}

	/** A `file://` reference, or each file a glob reference matches (sorted). */
	async expand(ref: string, path: string): Promise<string[]> {
		const file = ref.slice('file://'.length);
		if (!isGlob(file)) return [ref];
		if (!this.list) throw fail(path, `file globs are not supported here (${ref})`);
		const found = [...(await this.list(file))].sort();
		if (found.length === 0) throw fail(path, `${ref} matches no file`);
		return found.map((f) => `file://${f}`);
	}

	/** Reports keys of `obj` outside `allowed`: refused when ignoring one would change results. */
	keys(obj: Record<string, unknown>, allowed: readonly string[], path: string): void {
		for (const k of Object.keys(obj)) {
			if (allowed.includes(k)) continue;
			const where = path ? `${path}.${k}` : k;
			if (RESULT_CHANGING.has(k)) this.unsupported.push(where);
			else this.warn(`${where} is not supported and was ignored`);
		}
	}

	warn(message: string): void {
		if (!this.warnings.includes(message)) this.warnings.push(message);
	}

	async file(ref: string, path: string): Promise<string> {
		const file = ref.slice('file://'.length);
		if (isGlob(file)) throw fail(path, `a file glob cannot be used here (${ref})`);
		try {
			return await this.read(file);
		} catch (e) {
			throw fail(path, `cannot read ${ref}: ${(e as Error).message}`);
		}
	}
}

export function parseYaml(text: string, what: string): unknown {
	const doc = parseDocument(text);
	if (doc.errors.length > 0) {
		const e = doc.errors[0];
		const pos = e.linePos?.[0];
		const where = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
		throw new PromptloomError(
			'validation',
			`${what} is not valid YAML${where}: ${e.message.split('\n')[0]}`,
			{
				path: pos ? `line ${pos.line}, column ${pos.col}` : undefined
			}
		);
	}
	try {
		// `maxAliasCount` bounds alias expansion, so a billion-laughs file fails here, fast.
		return doc.toJS({ maxAliasCount: 100 });
	} catch (e) {
		throw new PromptloomError(
			'validation',
			`${what} is refused: ${e instanceof Error ? e.message : String(e)}`
		);
	}
}

/**
 * JavaScript from a file as code for the sandbox: a module exporting a function
 * (`module.exports = (output, context) => …` or `export default …`) becomes a body that calls it;
 * anything else is used as it is (an expression or a function body).
 */
export function jsModuleCode(text: string): string {
	if (!/\bmodule\.exports\b|^\s*export\s+default\b/m.test(text)) return text;
	const body = text.replace(/^\s*export\s+default\s+/m, 'module.exports = ');
	return `const module = { exports: {} };\n${body}\nconst fn = typeof module.exports === 'function' ? module.exports : module.exports.default;\nreturn fn(output, context);`;
}

/** Rows of a CSV file as plain objects (column → value). */
export async function tableRows(
	ctx: Context,
	ref: string,
	path: string
): Promise<Record<string, unknown>[]> {
	const text = await ctx.file(ref, path);
	try {
		const ds = parseDatasetFile(text, 'csv', {
			name: ref,
			expectedColumn: null
		});
		return ds.rows.map((r) => ({ ...r.values }));
	} catch (e) {
		throw fail(path, `${ref}: ${(e as Error).message}`);
	}
}

/**
 * The value of a `file://` reference by its extension: JSON, YAML, JSONL and CSV are data (CSV and
 * JSONL a list of row objects), text files are their text.
 */
export async function fileValue(ctx: Context, ref: string, path: string): Promise<unknown> {
	const ext = extOf(ref);
	if (ext === 'csv') return tableRows(ctx, ref, path);
	const text = await ctx.file(ref, path);
	if (ext === 'jsonl') {
		return text
			.split(/\r?\n/)
			.map((line, i) => [line, i] as const)
			.filter(([line]) => line.trim() !== '')
			.map(([line, i]) => {
				try {
					return JSON.parse(line) as unknown;
				} catch (e) {
					throw fail(path, `${ref} line ${i + 1} is not valid JSON: ${(e as Error).message}`);
				}
			});
	}
	if (ext === 'js' || ext === 'mjs' || ext === 'cjs') return jsModuleCode(text);
	if (ext === 'json') {
		try {
			return JSON.parse(text);
		} catch (e) {
			throw fail(path, `${ref} is not valid JSON: ${(e as Error).message}`);
		}
	}
	if (ext === 'yaml' || ext === 'yml') return parseYaml(text, ref);
	if (['txt', 'md', ''].includes(ext)) return text;
	throw fail(
		path,
		`loading .${ext} files here is not supported (use .txt, .md, .js, .json, .jsonl, .csv or .yaml)`
	);
}
