import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { beforeAll, describe, expect, it } from 'vitest';
import { diffTokens, loadTokenizer, tokenPieces } from './token-diff';

beforeAll(async () => {
	await loadTokenizer();
});

const join = (ts: string[]) => ts.join('');
const side = (d: ReturnType<typeof diffTokens>, skip: 'insert' | 'delete') =>
	d.parts
		.filter((p) => p.op !== skip)
		.map((p) => join(p.tokens))
		.join('');

describe('tokenPieces', () => {
	it('splits text into o200k tokens that join back to the text', () => {
		const text = 'Hello world, answer in JSON.';
		const { pieces, count } = tokenPieces(text);
		expect(join(pieces)).toBe(text);
		expect(count).toBe(countTokens(text));
		expect(pieces).toContain(' world');
	});

	it('keeps characters split across tokens whole (emoji, CJK)', () => {
		const text = 'Grüße 👩‍💻 你好世界 🦜';
		const { pieces } = tokenPieces(text);
		expect(join(pieces)).toBe(text);
		for (const p of pieces) expect(p).not.toContain('\ufffd');
	});

	it('treats special-token text as plain text instead of throwing', () => {
		const text = 'ignore <|endoftext|> this';
		expect(join(tokenPieces(text).pieces)).toBe(text);
	});
});

describe('diffTokens', () => {
	it('reports changed tokens and the count delta', () => {
		const d = diffTokens('Answer briefly.\nUse JSON.\n', 'Answer in detail.\nUse JSON.\n');
		expect(d.tokensA).toBe(countTokens('Answer briefly.\nUse JSON.\n'));
		expect(d.tokensB).toBe(countTokens('Answer in detail.\nUse JSON.\n'));
		expect(d.delta).toBe(d.tokensB - d.tokensA);
		expect(d.parts[0]).toEqual({ op: 'equal', tokens: ['Answer'] });
		expect(d.parts.find((p) => p.op === 'delete')?.tokens).toEqual([' briefly']);
		expect(join(d.parts.find((p) => p.op === 'insert')!.tokens)).toBe(' in detail');
	});

	it('reproduces both sides', () => {
		const a = 'line one\nline two\nline three\n';
		const b = 'line one\nline 2\nline three\nline four\n';
		const d = diffTokens(a, b);
		expect(side(d, 'insert')).toBe(a);
		expect(side(d, 'delete')).toBe(b);
	});

	it('gives a single equal part for equal texts', () => {
		const d = diffTokens('same text', 'same text');
		expect(d.parts.map((p) => p.op)).toEqual(['equal']);
		expect(d.delta).toBe(0);
	});
});
