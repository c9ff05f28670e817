import fc from 'fast-check';
import { applyPatch, createPatch } from 'diff';
import { describe, expect, it } from 'vitest';
import { mutate, prose } from './fixtures';
import { applyDiff, diffLines, diffWords, newText, oldText, sideBySideLines } from './text-diff';

const linesArb = fc
	.array(fc.oneof(fc.constantFrom('a', 'b', 'c', 'd', ''), fc.string({ maxLength: 6 })), {
		maxLength: 12
	})
	.map((ls) => ls.join('\n'));

describe('diffLines', () => {
	it('marks changed lines as delete then insert', () => {
		expect(diffLines('a\nb\nc\n', 'a\nB\nc\n')).toEqual([
			{ op: 'equal', text: 'a\n' },
			{ op: 'delete', text: 'b\n' },
			{ op: 'insert', text: 'B\n' },
			{ op: 'equal', text: 'c\n' }
		]);
	});

	it('returns no parts for two empty texts and one equal part for equal texts', () => {
		expect(diffLines('', '')).toEqual([]);
		expect(diffLines('x\n', 'x\n')).toEqual([{ op: 'equal', text: 'x\n' }]);
	});

	it('applying a line diff to a reproduces b (property)', () => {
		fc.assert(
			fc.property(linesArb, linesArb, (a, b) => {
				const parts = diffLines(a, b);
				expect(applyDiff(a, parts)).toBe(b);
				expect(oldText(parts)).toBe(a);
				expect(newText(parts)).toBe(b);
			})
		);
	});

	it('round-trips through a unified patch from the diff package (property)', () => {
		fc.assert(
			fc.property(linesArb, linesArb, (a, b) => {
				expect(applyPatch(a, createPatch('prompt', a, b))).toBe(b);
			})
		);
	});

	it('refuses to apply a diff to a different text', () => {
		const parts = diffLines('a\nb\n', 'a\nc\n');
		expect(() => applyDiff('x\nb\n', parts)).toThrow(/does not apply/);
	});
});

describe('diffWords', () => {
	it('shows the changed words only', () => {
		expect(diffWords('Be brief and polite.', 'Be concise and polite.')).toEqual([
			{ op: 'equal', text: 'Be ' },
			{ op: 'delete', text: 'brief' },
			{ op: 'insert', text: 'concise' },
			{ op: 'equal', text: ' and polite.' }
		]);
	});

	it('reproduces both texts on long prompts with scattered changes', () => {
		const a = prose(5000, 7);
		const b = mutate(a, 0.05, 8);
		const parts = diffWords(a, b);
		expect(oldText(parts)).toBe(a);
		expect(newText(parts)).toBe(b);
		const changed = parts.filter((p) => p.op !== 'equal').reduce((n, p) => n + p.text.length, 0);
		expect(changed).toBeLessThan(a.length / 3);
	});

	it('reproduces both texts (property)', () => {
		fc.assert(
			fc.property(linesArb, linesArb, (a, b) => {
				const parts = diffWords(a, b);
				expect(oldText(parts)).toBe(a);
				expect(newText(parts)).toBe(b);
			})
		);
	});
});

describe('sideBySideLines', () => {
	it('pairs a replaced line and numbers both sides', () => {
		const rows = sideBySideLines(diffLines('a\nb\nc\n', 'a\nB\nx\nc\n'));
		expect(rows).toEqual([
			{ kind: 'equal', left: { line: 1, text: 'a' }, right: { line: 1, text: 'a' } },
			{ kind: 'change', left: { line: 2, text: 'b' }, right: { line: 2, text: 'B' } },
			{ kind: 'insert', left: undefined, right: { line: 3, text: 'x' } },
			{ kind: 'equal', left: { line: 3, text: 'c' }, right: { line: 4, text: 'c' } }
		]);
	});
});
