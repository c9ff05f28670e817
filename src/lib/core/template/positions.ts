/** @module Source positions for @huggingface/jinja tokens, which carry none: whitespace options and token offsets. */
import type { tokenize } from '@huggingface/jinja';
import type { TemplateSyntaxOptions } from './types';

export type Token = ReturnType<typeof tokenize>[number];

export interface Preprocessed {
	/** The source after `lstrip_blocks`/`trim_blocks`. */
	text: string;
	/** `origin[i]` is the index in the original source of `text[i]` (`origin[text.length]` is its end). */
	origin: number[];
}

/**
 * Applies Jinja2's `lstrip_blocks` (strip spaces and tabs before a block tag at the start of a line)
 * and `trim_blocks` (drop the first newline after a block tag) like the library's own preprocessor,
 * but keeps a map back to the original positions so errors can name the user's line and column.
 */
export function preprocess(source: string, options: TemplateSyntaxOptions): Preprocessed {
	const drop = new Uint8Array(source.length);
	if (options.lstripBlocks) {
		for (const m of source.matchAll(/^[ \t]*(?=\{[#%-])/gm)) {
			for (let i = m.index; i < m.index + m[0].length; i++) drop[i] = 1;
		}
	}
	if (options.trimBlocks) {
		for (const m of source.matchAll(/[#%-]\}\n/g)) drop[m.index + 2] = 1;
	}
	let text = '';
	const origin: number[] = [];
	let runStart = 0;
	for (let i = 0; i <= source.length; i++) {
		if (i === source.length || drop[i]) {
			text += source.slice(runStart, i);
			for (let j = runStart; j < i; j++) origin.push(j);
			runStart = i + 1;
		}
	}
	origin.push(source.length);
	return { text, origin };
}

function skipSpace(text: string, at: number): number {
	while (at < text.length && /\s/.test(text[at])) at++;
	return at;
}

/** Length of the raw quoted string literal starting at `at` (quote to matching quote). */
function rawStringLength(text: string, at: number): number {
	const quote = text[at];
	let i = at + 1;
	while (i < text.length && text[i] !== quote) i += text[i] === '\\' ? 2 : 1;
	return i + 1 - at;
}

/**
 * The start offset in `text` of every token the library produced from it. Tokens appear in source
 * order, so each is found by scanning forward from the end of the previous one.
 */
export function tokenOffsets(text: string, tokens: Token[]): number[] {
	const out: number[] = [];
	let cursor = 0;
	for (const token of tokens) {
		let at: number;
		let length: number;
		switch (token.type) {
			case 'Text':
				at = text.indexOf(token.value, cursor);
				if (at < 0) at = cursor;
				length = token.value.length;
				break;
			case 'Comment': {
				at = text.indexOf('{#', cursor);
				if (at < 0) at = cursor;
				const end = text.indexOf('#}', at + 2);
				length = (end < 0 ? text.length : end + 2) - at;
				break;
			}
			case 'StringLiteral':
				at = skipSpace(text, cursor);
				length = rawStringLength(text, at);
				break;
			default:
				at = skipSpace(text, cursor);
				length = token.value.length;
				if (
					text[at] === '-' &&
					(token.type === 'CloseStatement' || token.type === 'CloseExpression')
				)
					length += 1;
				else if (
					(token.type === 'OpenStatement' || token.type === 'OpenExpression') &&
					text[at + 2] === '-'
				)
					length += 1;
		}
		out.push(at);
		cursor = at + length;
	}
	return out;
}

/** 1-based line and column of an offset in `source`. */
export function lineColumn(source: string, offset: number): { line: number; column: number } {
	const before = source.slice(0, Math.max(0, Math.min(offset, source.length)));
	const lines = before.split('\n');
	return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/**
 * Where the lexer failed: the shortest prefix of `text` that fails with the same message ends just
 * after the offending character (the lexer reads left to right).
 */
export function locateLexerError(text: string, message: string, lex: (s: string) => void): number {
	const failsSame = (n: number) => {
		try {
			lex(text.slice(0, n));
			return false;
		} catch (e) {
			return e instanceof Error && e.message === message;
		}
	};
	let lo = 1;
	let hi = text.length;
	if (!failsSame(hi)) return text.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (failsSame(mid)) hi = mid;
		else lo = mid + 1;
	}
	return Math.max(0, lo - 1);
}
