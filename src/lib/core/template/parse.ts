/** @module Parses a template with @huggingface/jinja into a validated AST, with line/column syntax errors. */
import { parse, tokenize } from '@huggingface/jinja';
import { children, type Node, type Program } from './ast';
import { TemplateError, limitError } from './errors';
import { lineColumn, locateLexerError, preprocess, tokenOffsets, type Token } from './positions';
import {
	DEFAULT_LIMITS,
	MAX_NESTING_DEPTH,
	type IncludeRef,
	type TemplateSyntaxOptions
} from './types';
import { validateProgram } from './validate';

/**
 * Recently parsed templates by parse options, then by source text (programs are never mutated
 * after parsing, so they can be shared). Keying by the source string itself lets a caller that
 * renders the same strings again hit the cache without building a key.
 */
const cache = new Map<string, Map<string, ParsedTemplate>>();
const CACHE_SIZE = 256;
const OPTION_SETS = 8;

function cacheFor(options: ParseOptions): Map<string, ParsedTemplate> {
	const key = `${options.trimBlocks ? 1 : 0}${options.lstripBlocks ? 1 : 0}${options.maxTemplateChars ?? ''}/${options.maxDepth ?? ''}`;
	let byText = cache.get(key);
	if (!byText) {
		cache.set(key, (byText = new Map()));
		if (cache.size > OPTION_SETS) cache.delete(cache.keys().next().value!);
	}
	return byText;
}

export interface ParsedTemplate {
	program: Program;
	/** Every `include()` the template makes (not recursive). */
	includes: IncludeRef[];
	/** Every `fewshot()` set name the template uses. */
	fewShotNames: string[];
}

export interface ParseOptions extends TemplateSyntaxOptions {
	maxTemplateChars?: number;
	/** Deepest nesting of brackets, blocks and expressions (the render limit `maxDepth`). */
	maxDepth?: number;
}

function tooDeep(maxDepth: number, at?: { line: number; column: number }): TemplateError {
	const where = at ? ` (line ${at.line}, column ${at.column})` : '';
	return new TemplateError(
		'template_limit',
		`render limit exceeded: the template is nested deeper than ${maxDepth} levels${where}`,
		at ?? {}
	);
}

/** Block tags that take an end tag (`set` only in its block form, without `=`). */
const BLOCK_TAGS = new Set(['if', 'for', 'macro', 'call', 'filter', 'set']);

/**
 * Index of the first token at which brackets and block tags are open more than `max` deep, or -1.
 * Checked before parsing because the parser recurses once per level (parentheses leave no trace in
 * the AST, so the AST depth check alone does not see them).
 */
function tooDeepAt(tokens: Token[], max: number): number {
	let depth = 0;
	let statement = -1;
	for (let i = 0; i < tokens.length; i++) {
		const t = tokens[i];
		switch (t.type) {
			case 'OpenParen':
			case 'OpenSquareBracket':
			case 'OpenCurlyBracket':
				depth++;
				break;
			case 'CloseParen':
			case 'CloseSquareBracket':
			case 'CloseCurlyBracket':
				depth--;
				break;
			case 'OpenStatement':
				statement = i;
				break;
			case 'Identifier':
				if (statement === i - 1) {
					if (t.value.startsWith('end')) depth--;
					else if (BLOCK_TAGS.has(t.value) && (t.value !== 'set' || isBlockSet(tokens, i))) depth++;
				}
				break;
		}
		if (depth > max) return i;
	}
	return -1;
}

function isBlockSet(tokens: Token[], at: number): boolean {
	for (let i = at + 1; i < tokens.length && tokens[i].type !== 'CloseStatement'; i++)
		if (tokens[i].type === 'Equals') return false;
	return true;
}

/** Whether any path from the root down the AST is longer than `max` nodes (walked without recursion). */
function astDeeperThan(program: Program, max: number): boolean {
	const stack: [Node, number][] = [[program as unknown as Node, 1]];
	while (stack.length > 0) {
		const [node, depth] = stack.pop()!;
		if (depth > max) return true;
		for (const child of children(node)) stack.push([child, depth + 1]);
	}
	return false;
}

function isStackOverflow(e: unknown): boolean {
	return e instanceof RangeError && /call stack/i.test(e.message);
}

function describeToken(token: Token | undefined): string {
	if (!token) return 'end of template';
	switch (token.type) {
		case 'Text':
			return `text ${JSON.stringify(token.value.slice(0, 20))}`;
		case 'StringLiteral':
			return `string ${JSON.stringify(token.value.slice(0, 20))}`;
		default:
			return `"${token.value}"`;
	}
}

function lowerFirst(s: string): string {
	return s.charAt(0).toLowerCase() + s.slice(1);
}

/**
 * Tokenizes `source` and parses it; syntax errors carry the line and column in the original source.
 * A template nested deeper than `maxDepth` (brackets and blocks before parsing, any chain of
 * expressions after) fails with `template_limit`, like one nested too deep while rendering.
 */
function parseSyntax(source: string, options: ParseOptions): { program: Program } {
	const max = options.maxTemplateChars ?? DEFAULT_LIMITS.maxTemplateChars;
	if (source.length > max)
		throw limitError(`template is ${source.length} characters long (limit ${max})`);
	const maxDepth = Math.min(options.maxDepth ?? DEFAULT_LIMITS.maxDepth, MAX_NESTING_DEPTH);
	const lenient = !options.trimBlocks && !options.lstripBlocks;
	const fast = lenient ? source : preprocess(source, options).text;
	let program: Program | undefined;
	try {
		const tokens = tokenize(fast, {});
		if (tooDeepAt(tokens, maxDepth) < 0) program = parse(tokens);
	} catch (e) {
		// Parse again below, slowly, to find where the error is (or how deep it went).
		if (isStackOverflow(e)) throw tooDeep(maxDepth);
	}
	if (program) {
		if (astDeeperThan(program, maxDepth)) throw tooDeep(maxDepth);
		return { program };
	}
	const pre = preprocess(source, options);
	const fail = (offset: number, message: string, cause: unknown): never => {
		const { line, column } = lineColumn(source, pre.origin[Math.min(offset, pre.text.length)]);
		throw new TemplateError('template_syntax', `line ${line}, column ${column}: ${message}`, {
			line,
			column,
			cause
		});
	};
	let tokens: Token[];
	try {
		tokens = tokenize(pre.text, {});
	} catch (e) {
		if (isStackOverflow(e)) throw tooDeep(maxDepth);
		const message = e instanceof Error ? e.message : String(e);
		const offset = locateLexerError(pre.text, message, (t) => tokenize(t, {}));
		return fail(offset, lowerFirst(message), e);
	}
	const offsets = tokenOffsets(pre.text, tokens);
	const deep = tooDeepAt(tokens, maxDepth);
	if (deep >= 0) throw tooDeep(maxDepth, lineColumn(source, pre.origin[offsets[deep]]));
	let last = -1;
	const watched = new Proxy(tokens, {
		get(target, prop, receiver) {
			if (typeof prop === 'string' && /^\d+$/.test(prop)) last = Number(prop);
			return Reflect.get(target, prop, receiver);
		}
	});
	try {
		parse(watched);
		return fail(pre.text.length, 'the template could not be parsed', undefined);
	} catch (e) {
		if (isStackOverflow(e)) throw tooDeep(maxDepth);
		const raw = e instanceof Error ? e.message : String(e);
		const atEnd = last >= tokens.length || e instanceof TypeError;
		const index = atEnd ? tokens.length : Math.max(0, last);
		const offset = atEnd ? pre.text.length : (offsets[index] ?? pre.text.length);
		let message = atEnd
			? 'unexpected end of template (is a block or expression left open?)'
			: `unexpected ${describeToken(tokens[index])} (${raw})`;
		if (/Unknown statement type: include/.test(raw))
			message = `{% include %} is not supported: write {{ include("name", label="production") }}`;
		return fail(offset, message, e);
	}
}

/**
 * Parses and validates a template. Throws a {@link TemplateError} with code `template_syntax`
 * (with line and column, also for a bad `include()` or `fewshot()` call) or `template_limit`
 * (too long, or nested deeper than `maxDepth`).
 */
export function parseTemplate(source: string, options: ParseOptions = {}): ParsedTemplate {
	const byText = cacheFor(options);
	const cached = byText.get(source);
	if (cached) {
		byText.delete(source);
		byText.set(source, cached);
		return cached;
	}
	const { program } = parseSyntax(source, options);
	const locate = (name: string) => {
		const pre = preprocess(source, options);
		const tokens = tokenize(pre.text, {});
		const offsets = tokenOffsets(pre.text, tokens);
		const i = tokens.findIndex(
			(t) => (t.type === 'Identifier' || t.type === 'StringLiteral') && t.value === name
		);
		return i < 0 ? {} : lineColumn(source, pre.origin[offsets[i]]);
	};
	const { includes, fewShotNames } = validateProgram(program, locate);
	const parsed = Object.freeze({ program, includes, fewShotNames });
	byText.set(source, parsed);
	if (byText.size > CACHE_SIZE) byText.delete(byText.keys().next().value!);
	return parsed;
}
