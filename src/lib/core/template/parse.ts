/** @module Parses a template with @huggingface/jinja into a validated AST, with line/column syntax errors. */
import { parse, tokenize } from '@huggingface/jinja';
import type { Program } from './ast';
import { TemplateError, limitError } from './errors';
import { lineColumn, locateLexerError, preprocess, tokenOffsets, type Token } from './positions';
import { DEFAULT_LIMITS, type IncludeRef, type TemplateSyntaxOptions } from './types';
import { validateProgram } from './validate';

/** Recently parsed templates (programs are never mutated after parsing, so they can be shared). */
const cache = new Map<string, ParsedTemplate>();
const CACHE_SIZE = 256;

export interface ParsedTemplate {
	program: Program;
	/** Every `include()` the template makes (not recursive). */
	includes: IncludeRef[];
	/** Every `fewshot()` set name the template uses. */
	fewShotNames: string[];
}

export interface ParseOptions extends TemplateSyntaxOptions {
	maxTemplateChars?: number;
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

/** Tokenizes `source` and parses it; syntax errors carry the line and column in the original source. */
function parseSyntax(source: string, options: ParseOptions): { program: Program } {
	const max = options.maxTemplateChars ?? DEFAULT_LIMITS.maxTemplateChars;
	if (source.length > max)
		throw limitError(`template is ${source.length} characters long (limit ${max})`);
	const lenient = !options.trimBlocks && !options.lstripBlocks;
	const fast = lenient ? source : preprocess(source, options).text;
	try {
		return { program: parse(tokenize(fast, {})) };
	} catch {
		// Parse again below, slowly, to find where the error is.
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
		if (isStackOverflow(e)) throw limitError('template is nested too deeply');
		const message = e instanceof Error ? e.message : String(e);
		const offset = locateLexerError(pre.text, message, (t) => tokenize(t, {}));
		return fail(offset, lowerFirst(message), e);
	}
	const offsets = tokenOffsets(pre.text, tokens);
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
		if (isStackOverflow(e)) throw limitError('template is nested too deeply');
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
 * (with line and column), `template_unsafe` (access to names such as `constructor`) or
 * `template_limit` (too long or too deeply nested).
 */
export function parseTemplate(source: string, options: ParseOptions = {}): ParsedTemplate {
	const key = `${options.trimBlocks ? 1 : 0}${options.lstripBlocks ? 1 : 0}${options.maxTemplateChars ?? ''}\u0000${source}`;
	const cached = cache.get(key);
	if (cached) {
		cache.delete(key);
		cache.set(key, cached);
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
	cache.set(key, parsed);
	if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
	return parsed;
}
