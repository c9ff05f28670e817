import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PromptContent } from '../model/prompt';
import { chatSnapshot, textSnapshot } from './fixtures';
import {
	hasConflicts,
	listContentConflicts,
	mergeContent,
	mergeText,
	resolveContent,
	resolveText
} from './merge';

const base = 'You are a support bot.\nBe polite.\nAnswer in English.\nSign as Ana.\n';

describe('mergeText', () => {
	it('merges edits to different lines cleanly', () => {
		const ours = base.replace('Be polite.', 'Be very polite.');
		const theirs = base.replace('Sign as Ana.', 'Sign as Bob.');
		const chunks = mergeText(base, ours, theirs);
		expect(hasConflicts(chunks)).toBe(false);
		expect(resolveText(chunks)).toBe(
			'You are a support bot.\nBe very polite.\nAnswer in English.\nSign as Bob.\n'
		);
	});

	it('reports a conflicting hunk with base, ours and theirs, in order', () => {
		const ours = base.replace('Answer in English.', 'Answer in French.');
		const theirs = base.replace('Answer in English.', 'Answer in German.');
		const chunks = mergeText(base, ours, theirs);
		expect(chunks).toEqual([
			{ kind: 'ok', text: 'You are a support bot.\nBe polite.\n' },
			{
				kind: 'conflict',
				id: 'text:0',
				base: 'Answer in English.\n',
				ours: 'Answer in French.\n',
				theirs: 'Answer in German.\n'
			},
			{ kind: 'ok', text: 'Sign as Ana.\n' }
		]);
		const head = 'You are a support bot.\nBe polite.\n';
		expect(resolveText(chunks, { 'text:0': 'ours' })).toBe(ours);
		expect(resolveText(chunks, { 'text:0': 'theirs' })).toBe(theirs);
		expect(resolveText(chunks, { 'text:0': 'both' })).toBe(
			`${head}Answer in French.\nAnswer in German.\nSign as Ana.\n`
		);
		expect(resolveText(chunks, { 'text:0': { custom: 'Answer in any language.\n' } })).toBe(
			`${head}Answer in any language.\nSign as Ana.\n`
		);
		expect(() => resolveText(chunks, {})).toThrow(/text:0 is not resolved/);
	});

	it('does not conflict when both sides made the same change', () => {
		const same = base.replace('Be polite.', 'Be kind.');
		expect(mergeText(base, same, same)).toEqual([{ kind: 'ok', text: same }]);
		const oursMore = same + 'Extra line.\n';
		expect(hasConflicts(mergeText(base, same, oursMore))).toBe(false);
	});

	it('conflicts when one side deletes a line the other edits', () => {
		const ours = base.replace('Be polite.\n', '');
		const theirs = base.replace('Be polite.', 'Be polite and warm.');
		const conflict = mergeText(base, ours, theirs).find((c) => c.kind === 'conflict');
		expect(conflict).toMatchObject({
			ours: '',
			theirs: 'Be polite and warm.\n',
			base: 'Be polite.\n'
		});
	});

	it('keeps a deletion on one side when the other did not touch that line', () => {
		const ours = base.replace('Be polite.\n', '');
		const theirs = base.replace('Sign as Ana.', 'Sign as Bob.');
		expect(resolveText(mergeText(base, ours, theirs))).toBe(
			'You are a support bot.\nAnswer in English.\nSign as Bob.\n'
		);
	});

	const text = fc
		.array(fc.constantFrom('alpha', 'beta', 'gamma', 'delta', '', 'x y'), { maxLength: 10 })
		.map((ls) => ls.join('\n'));

	it('merge(base, a, a) == a (property)', () => {
		fc.assert(
			fc.property(text, text, (b, a) => {
				expect(resolveText(mergeText(b, a, a))).toBe(a);
			})
		);
	});

	it('merge(base, base, b) == b and merge(base, a, base) == a (property)', () => {
		fc.assert(
			fc.property(text, text, (b, x) => {
				expect(resolveText(mergeText(b, b, x))).toBe(x);
				expect(resolveText(mergeText(b, x, b))).toBe(x);
			})
		);
	});

	it('edits separated by an untouched line merge cleanly and keep both (property)', () => {
		const edits = fc.array(fc.boolean(), { minLength: 1, maxLength: 8 });
		fc.assert(
			fc.property(edits, edits, (oursEdits, theirsEdits) => {
				const n = oursEdits.length;
				const lines = Array.from({ length: n + 1 + theirsEdits.length }, (_, i) => `line ${i}\n`);
				const ours = lines.map((l, i) => (i < n && oursEdits[i] ? `ours ${i}\n` : l));
				const theirs = lines.map((l, i) => (i > n && theirsEdits[i - n - 1] ? `theirs ${i}\n` : l));
				const expected = lines.map((_, i) => (i < n ? ours[i] : theirs[i]));
				const chunks = mergeText(lines.join(''), ours.join(''), theirs.join(''));
				expect(hasConflicts(chunks)).toBe(false);
				expect(resolveText(chunks)).toBe(expected.join(''));
			})
		);
	});
});

describe('mergeContent', () => {
	const chat = (...contents: string[]): PromptContent =>
		chatSnapshot(contents.map((content, i) => ({ role: i === 0 ? 'system' : 'user', content })))
			.content;

	it('merges chat prompts per message', () => {
		const b = chat('You help.', 'Question: {{ q }}');
		const o = chat('You help kindly.', 'Question: {{ q }}');
		const t = chat('You help.', 'Question: {{ q }}\nAnswer briefly.');
		const m = mergeContent(b, o, t);
		expect(listContentConflicts(m)).toEqual([]);
		expect(resolveContent(m)).toEqual(
			chat('You help kindly.', 'Question: {{ q }}\nAnswer briefly.')
		);
	});

	it('reports per-hunk conflicts inside a message edited on both sides', () => {
		const b = chat('System.', 'line1\nline2\nline3\n');
		const o = chat('System.', 'line1\nOURS\nline3\n');
		const t = chat('System.', 'line1\nTHEIRS\nline3\n');
		const m = mergeContent(b, o, t);
		const conflicts = listContentConflicts(m);
		expect(conflicts).toEqual([
			{
				id: 'messages[1]:0',
				location: 'message 2 (user)',
				base: 'line2\n',
				ours: 'OURS\n',
				theirs: 'THEIRS\n'
			}
		]);
		expect(resolveContent(m, { 'messages[1]:0': 'theirs' })).toEqual(t);
	});

	it('adds messages appended on one side', () => {
		const b = chat('S', 'U');
		const o = chat('S2', 'U');
		const t: PromptContent = {
			...b,
			messages: [...b.messages, { role: 'assistant', content: 'A' }]
		};
		const m = mergeContent(b, o, t);
		expect(resolveContent(m).messages).toEqual([
			...o.messages,
			{ role: 'assistant', content: 'A' }
		]);
	});

	it('reports a message deleted on one side and edited on the other as a whole conflict', () => {
		const b = chat('S', 'U1', 'U2');
		const o = chat('S', 'U2');
		const t = chat('S', 'U1 edited', 'U2');
		const m = mergeContent(b, o, t);
		const [c] = listContentConflicts(m);
		expect(c.id).toBe('messages:0');
		expect(resolveContent(m, { 'messages:0': 'ours' })).toEqual(o);
		expect(resolveContent(m, { 'messages:0': 'theirs' })).toEqual(t);
		expect(resolveContent(m, { 'messages:0': { custom: 'U1 final' } })).toEqual(
			chat('S', 'U1 final', 'U2')
		);
	});

	it('refuses to merge a prompt turned into different types on each side', () => {
		const b = textSnapshot('a').content;
		const o = textSnapshot('b').content;
		const t = chat('c');
		expect(() => mergeContent(b, o, t)).toThrow(/text prompt and the other a chat prompt/);
	});
});
