/**
 * @module Model-token diff (o200k_base, the GPT-4o/GPT-5 tokenizer) with visible token boundaries.
 * The functions are sync: call them only after `await loadTokenizer()` (re-exported here).
 */
import { loadedTokenizer } from '../providers/tokenizer';
import { diffStringArrays, type DiffOp } from './text-diff';

export { loadTokenizer, isTokenizerLoaded } from '../providers/tokenizer';

/** A run of tokens; `tokens` are their decoded strings, so a view can draw each boundary. */
export interface TokenDiffPart {
	op: DiffOp;
	tokens: string[];
}

export interface TokenDiff {
	parts: TokenDiffPart[];
	/** Token counts of each side and `tokensB - tokensA`. */
	tokensA: number;
	tokensB: number;
	delta: number;
	encoding: 'o200k_base';
}

/** A character is at most 4 UTF-8 bytes, so never more than 4 tokens; 8 leaves a margin. */
const MAX_TOKENS_PER_CHAR = 8;

/**
 * Splits text into the strings of its o200k_base tokens. A token that is only part of a character
 * (multi-byte UTF-8 split across tokens) is joined with its neighbours until the piece decodes to
 * a real slice of the text, so the pieces always concatenate back to the input.
 * Throws if the tokenizer is not loaded yet.
 */
export function tokenPieces(text: string): { pieces: string[]; count: number } {
	const { decode, encode } = loadedTokenizer();
	const ids = encode(text, { disallowedSpecial: new Set() });
	const pieces: string[] = [];
	let pos = 0;
	let start = 0;
	for (let i = 0; i < ids.length; i++) {
		const piece = decode(ids.slice(start, i + 1));
		if (text.startsWith(piece, pos)) {
			pieces.push(piece);
			pos += piece.length;
			start = i + 1;
		} else if (i - start >= MAX_TOKENS_PER_CHAR) {
			break; // cannot realign (text holds U+FFFD itself); the rest becomes one piece
		}
	}
	if (pos < text.length) pieces.push(text.slice(pos));
	return { pieces, count: ids.length };
}

/** Groups pieces into lines: a line ends after a piece containing `\n`. */
function groupLines(pieces: string[]): string[][] {
	const lines: string[][] = [];
	let cur: string[] = [];
	for (const p of pieces) {
		cur.push(p);
		if (p.includes('\n')) {
			lines.push(cur);
			cur = [];
		}
	}
	if (cur.length) lines.push(cur);
	return lines;
}

function push(out: TokenDiffPart[], op: DiffOp, tokens: string[]): void {
	if (tokens.length === 0) return;
	const last = out[out.length - 1];
	if (last && last.op === op) last.tokens.push(...tokens);
	else out.push({ op, tokens: [...tokens] });
}

/**
 * Token-level diff of two texts. Lines (of tokens) are matched first and tokens are compared only
 * inside changed lines, which keeps long prompts fast. Throws if the tokenizer is not loaded yet.
 */
export function diffTokens(a: string, b: string): TokenDiff {
	const ta = tokenPieces(a);
	const tb = tokenPieces(b);
	const linesA = groupLines(ta.pieces);
	const linesB = groupLines(tb.pieces);
	const keyA = linesA.map((l) => l.join(''));
	const keyB = linesB.map((l) => l.join(''));
	const parts: TokenDiffPart[] = [];
	let ia = 0;
	let ib = 0;
	let del: string[] = [];
	let ins: string[] = [];
	const flush = () => {
		if (del.length && ins.length) {
			for (const c of diffStringArrays(del, ins)) push(parts, c.op, c.items);
		} else {
			push(parts, 'delete', del);
			push(parts, 'insert', ins);
		}
		del = [];
		ins = [];
	};
	for (const c of diffStringArrays(keyA, keyB)) {
		const n = c.items.length;
		if (c.op === 'delete') {
			for (let k = 0; k < n; k++) del.push(...linesA[ia++]);
		} else if (c.op === 'insert') {
			for (let k = 0; k < n; k++) ins.push(...linesB[ib++]);
		} else {
			flush();
			for (let k = 0; k < n; k++) push(parts, 'equal', linesA[ia++]);
			ib += n;
		}
	}
	flush();
	return {
		parts,
		tokensA: ta.count,
		tokensB: tb.count,
		delta: tb.count - ta.count,
		encoding: 'o200k_base'
	};
}
