/** @module Line and word diffs as plain parts a view can render inline or side by side. */
import { diffArrays, diffLines as jsDiffLines, diffWordsWithSpace } from 'diff';
import type { ChangeObject } from 'diff';
import { PromptloomError } from '../model/errors';

export type DiffOp = 'equal' | 'insert' | 'delete';

/** A run of text that is common to both sides, only in the new one, or only in the old one. */
export interface TextDiffPart {
	op: DiffOp;
	text: string;
}

function toParts(changes: ChangeObject<string>[]): TextDiffPart[] {
	const out: TextDiffPart[] = [];
	for (const c of changes) push(out, c.added ? 'insert' : c.removed ? 'delete' : 'equal', c.value);
	return out;
}

/** Appends a part, merging it into the previous one when both have the same op. */
function push(out: TextDiffPart[], op: DiffOp, text: string): void {
	if (text === '') return;
	const last = out[out.length - 1];
	if (last && last.op === op) last.text += text;
	else out.push({ op, text });
}

/** Line diff; each part holds whole lines including their `\n`. */
export function diffLines(a: string, b: string): TextDiffPart[] {
	if (a === b) return a === '' ? [] : [{ op: 'equal', text: a }];
	return toParts(jsDiffLines(a, b));
}

/**
 * Word diff (words, punctuation and whitespace runs are tokens; whitespace changes count).
 * Fast on long texts: lines are diffed first, then words only inside each changed block of lines,
 * so the cost follows the size of the changes rather than the size of the text.
 */
export function diffWords(a: string, b: string): TextDiffPart[] {
	if (a === b) return a === '' ? [] : [{ op: 'equal', text: a }];
	const lines = jsDiffLines(a, b);
	const out: TextDiffPart[] = [];
	let removed = '';
	let added = '';
	const flush = () => {
		if (removed && added) {
			for (const p of toParts(diffWordsWithSpace(removed, added))) push(out, p.op, p.text);
		} else {
			push(out, 'delete', removed);
			push(out, 'insert', added);
		}
		removed = '';
		added = '';
	};
	for (const c of lines) {
		if (c.removed) removed += c.value;
		else if (c.added) added += c.value;
		else {
			flush();
			push(out, 'equal', c.value);
		}
	}
	flush();
	return normalizeOrder(out);
}

/** Within each change run, put deletions before insertions so views render consistently. */
function normalizeOrder(parts: TextDiffPart[]): TextDiffPart[] {
	const out: TextDiffPart[] = [];
	let del = '';
	let ins = '';
	for (const p of parts) {
		if (p.op === 'delete') del += p.text;
		else if (p.op === 'insert') ins += p.text;
		else {
			push(out, 'delete', del);
			push(out, 'insert', ins);
			del = ins = '';
			push(out, 'equal', p.text);
		}
	}
	push(out, 'delete', del);
	push(out, 'insert', ins);
	return out;
}

/** The old text of a diff: equal and deleted parts. */
export function oldText(parts: readonly TextDiffPart[]): string {
	return parts
		.filter((p) => p.op !== 'insert')
		.map((p) => p.text)
		.join('');
}

/** The new text of a diff: equal and inserted parts. */
export function newText(parts: readonly TextDiffPart[]): string {
	return parts
		.filter((p) => p.op !== 'delete')
		.map((p) => p.text)
		.join('');
}

/**
 * Applies a diff computed against `a` to `a` and returns the new text. Throws a `validation` error
 * when `a` is not the text the diff was made from (a stale or foreign patch).
 */
export function applyDiff(a: string, parts: readonly TextDiffPart[]): string {
	let pos = 0;
	let out = '';
	for (const p of parts) {
		if (p.op === 'insert') {
			out += p.text;
			continue;
		}
		if (!a.startsWith(p.text, pos)) {
			throw new PromptloomError('validation', `diff does not apply: text differs at offset ${pos}`);
		}
		pos += p.text.length;
		if (p.op === 'equal') out += p.text;
	}
	if (pos !== a.length) {
		throw new PromptloomError(
			'validation',
			`diff does not apply: ${a.length - pos} characters left`
		);
	}
	return out;
}

/** One row of a side-by-side line view; a missing side is an empty cell. */
export interface SideBySideRow {
	kind: 'equal' | 'change' | 'delete' | 'insert';
	/** 1-based line number and text (without `\n`) on the old side. */
	left?: { line: number; text: string };
	right?: { line: number; text: string };
}

function splitLines(text: string): string[] {
	if (text === '') return [];
	const lines = text.split('\n');
	if (lines[lines.length - 1] === '') lines.pop();
	return lines;
}

/**
 * Aligns a line diff into side-by-side rows: equal lines face each other, a deleted block faces
 * the inserted block that replaced it (row kind `change`), and leftovers get an empty cell.
 */
export function sideBySideLines(parts: readonly TextDiffPart[]): SideBySideRow[] {
	const rows: SideBySideRow[] = [];
	let l = 1;
	let r = 1;
	for (let i = 0; i < parts.length; i++) {
		const p = parts[i];
		if (p.op === 'equal') {
			for (const text of splitLines(p.text)) {
				rows.push({ kind: 'equal', left: { line: l++, text }, right: { line: r++, text } });
			}
			continue;
		}
		const del = p.op === 'delete' ? splitLines(p.text) : [];
		let ins = p.op === 'insert' ? splitLines(p.text) : [];
		if (p.op === 'delete' && parts[i + 1]?.op === 'insert') ins = splitLines(parts[++i].text);
		const n = Math.max(del.length, ins.length);
		for (let k = 0; k < n; k++) {
			const left = k < del.length ? { line: l++, text: del[k] } : undefined;
			const right = k < ins.length ? { line: r++, text: ins[k] } : undefined;
			rows.push({ kind: left && right ? 'change' : left ? 'delete' : 'insert', left, right });
		}
	}
	return rows;
}

/** Diff of two arrays of strings (used for token sequences); equal strings are equal items. */
export function diffStringArrays(a: string[], b: string[]): { op: DiffOp; items: string[] }[] {
	return diffArrays(a, b).map((c) => ({
		op: c.added ? 'insert' : c.removed ? 'delete' : 'equal',
		items: c.value
	}));
}
