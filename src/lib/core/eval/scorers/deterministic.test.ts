import { describe, expect, it } from 'vitest';
import { aggregateScores, runAssertion } from './assert';
import type { Assertion, ScorerContext } from './types';

const ctx = (output: string, extra: Partial<ScorerContext> = {}): ScorerContext => ({
	output,
	vars: {},
	...extra
});

async function check(a: Assertion, output: string, extra?: Partial<ScorerContext>) {
	return runAssertion(a, ctx(output, extra));
}

/** [assertion, passing output, failing output] for every deterministic scorer. */
const CASES: [Assertion, string, string][] = [
	[{ type: 'equals', value: 'Paris' }, 'Paris', 'paris'],
	[{ type: 'equals', value: { a: 1, b: [1, 2] } }, '{"b":[1,2],"a":1}', '{"a":1}'],
	[{ type: 'contains', value: 'cat' }, 'a cat sat', 'a dog sat'],
	[{ type: 'icontains', value: 'CAT' }, 'a Cat sat', 'a dog sat'],
	[{ type: 'contains-any', value: ['cat', 'dog'] }, 'hot dog', 'a bird'],
	[{ type: 'contains-any', value: 'cat, dog' }, 'cat', 'bird'],
	[{ type: 'contains-all', value: ['cat', 'dog'] }, 'cat and dog', 'cat only'],
	[{ type: 'icontains-all', value: ['CAT', 'dog'] }, 'Cat and DOG', 'cat only'],
	[{ type: 'icontains-any', value: ['CAT'] }, 'cat', 'dog'],
	[{ type: 'starts-with', value: 'Yes' }, 'Yes, indeed', 'No. Yes'],
	[{ type: 'regex', value: '^\\d{3}-\\d{4}$' }, '555-1234', '5551234'],
	[{ type: 'regex', value: '/^hello/i' }, 'HELLO there', 'oh hello'],
	[{ type: 'is-json' }, '{"a": 1}', '{a: 1}'],
	[{ type: 'is-json', value: { type: 'object', required: ['a'] } }, '{"a": 1}', '{"b": 1}'],
	[{ type: 'contains-json' }, 'Here: {"a": [1, "}"]} done', 'no json {here'],
	[
		{ type: 'contains-json', value: { type: 'object', required: ['ok'] } },
		'x {"no":1} y {"ok":true}',
		'x {"no":1}'
	],
	[
		{ type: 'json-schema', value: { type: 'array', items: { type: 'number' } } },
		'[1,2,3]',
		'[1,"2"]'
	],
	[{ type: 'levenshtein', value: 'kitten', threshold: 3 }, 'sitting', 'sitting down'],
	[{ type: 'string-similarity', value: 'hello world', threshold: 0.8 }, 'hello world!', 'goodbye'],
	[{ type: 'numeric', value: 3.14, threshold: 0.01 }, 'pi is about 3.141', 'pi is 3.2'],
	[{ type: 'numeric', value: 1200 }, 'It costs 1,200 dollars', 'It costs 12 dollars']
];

describe('deterministic scorers', () => {
	it.each(CASES)('%o passes, fails and negates', async (assertion, good, bad) => {
		const ok = await check(assertion, good);
		expect(ok.pass, ok.reason).toBe(true);
		if (assertion.type.includes('similarity') || assertion.type === 'levenshtein')
			expect(ok.score).toBeGreaterThan(0.5);
		else expect(ok.score).toBe(1);
		const ko = await check(assertion, bad);
		expect(ko.pass, ko.reason).toBe(false);
		const negated = await check({ ...assertion, type: `not-${assertion.type}` }, good);
		expect(negated.pass).toBe(false);
		expect(negated.score).toBeCloseTo(1 - ok.score, 10);
		expect((await check({ ...assertion, type: `not-${assertion.type}` }, bad)).pass).toBe(true);
	});

	it('uses the row expected value when the assertion has none', async () => {
		expect((await check({ type: 'equals' }, 'B', { expected: 'B' })).pass).toBe(true);
		expect((await check({ type: 'contains' }, 'xBx', { expected: 'C' })).pass).toBe(false);
	});

	it('scores contains-all partially by the share of values found', async () => {
		const r = await check({ type: 'contains-all', value: ['a', 'b', 'c', 'd'] }, 'a b');
		expect(r.score).toBe(0.5);
		expect(r.reason).toContain('"c"');
	});

	it('computes the textbook Levenshtein distance', async () => {
		const r = await check({ type: 'levenshtein', value: 'kitten', threshold: 2 }, 'sitting');
		expect(r.pass).toBe(false);
		expect(r.reason).toBe('edit distance 3 (max 2)');
		expect(r.score).toBeCloseTo(1 - 3 / 7, 10);
	});

	it('checks latency and cost thresholds', async () => {
		expect((await check({ type: 'latency', threshold: 500 }, '', { latencyMs: 499 })).pass).toBe(
			true
		);
		expect((await check({ type: 'latency', threshold: 500 }, '', { latencyMs: 501 })).pass).toBe(
			false
		);
		expect(
			(await check({ type: 'not-latency', threshold: 500 }, '', { latencyMs: 501 })).pass
		).toBe(true);
		expect((await check({ type: 'cost', threshold: 0.01 }, '', { costUsd: 0.002 })).pass).toBe(
			true
		);
		expect((await check({ type: 'cost', threshold: 0.001 }, '', { costUsd: 0.002 })).pass).toBe(
			false
		);
		const unknown = await check({ type: 'cost', threshold: 0.01 }, '', { costUsd: null });
		expect(unknown.skipped).toBe(true);
		expect(unknown.reason).toMatch(/no price/);
	});

	it('turns a bad regex at scoring time into a failed result with the reason', async () => {
		const r = await check({ type: 'regex', value: '(' }, 'x');
		expect(r.pass).toBe(false);
		expect(r.reason).toMatch(/^scorer error: invalid regex "\("/);
	});

	it('applies the weight and keeps the metric name', async () => {
		const r = await check({ type: 'contains', value: 'a', weight: 3, metric: 'has-a' }, 'a');
		expect(r).toMatchObject({ weight: 3, metric: 'has-a', pass: true });
	});
});

describe('embedding similarity (similar)', () => {
	const embed = async (texts: string[]) =>
		texts.map((t) => (t.startsWith('cat') ? [1, 0] : t.startsWith('kitten') ? [0.9, 0.1] : [0, 1]));

	it('passes above the cosine threshold and fails below it', async () => {
		expect(
			(await check({ type: 'similar', value: 'kitten', threshold: 0.9 }, 'cat', { embed })).pass
		).toBe(true);
		expect(
			(await check({ type: 'similar', value: 'dog', threshold: 0.5 }, 'cat', { embed })).pass
		).toBe(false);
		expect(
			(await check({ type: 'not-similar', value: 'dog', threshold: 0.5 }, 'cat', { embed })).pass
		).toBe(true);
	});

	it('is skipped with a clear message when no embedder is loaded', async () => {
		const r = await check({ type: 'similar', value: 'x' }, 'y');
		expect(r.skipped).toBe(true);
		expect(r.reason).toMatch(/no embedding model/);
	});
});

describe('aggregateScores / assert-set', () => {
	it('computes the weighted mean and passes only when all pass', () => {
		const agg = aggregateScores([
			{ type: 'a', pass: true, score: 1, reason: '', weight: 3 },
			{ type: 'b', pass: false, score: 0, reason: 'nope', weight: 1 }
		]);
		expect(agg.score).toBe(0.75);
		expect(agg.pass).toBe(false);
		expect(agg.reason).toBe('b: nope');
		expect(
			aggregateScores([{ type: 'b', pass: false, score: 0.75, reason: '', weight: 1 }], 0.7).pass
		).toBe(true);
	});

	it('leaves skipped results out of the score and the verdict', () => {
		const agg = aggregateScores([
			{ type: 'a', pass: true, score: 1, reason: '', weight: 1 },
			{ type: 'human', pass: false, score: 0, reason: 'awaiting', weight: 1, skipped: true }
		]);
		expect(agg).toMatchObject({ pass: true, score: 1 });
	});

	it('groups children in an assert-set with its own threshold', async () => {
		const set: Assertion = {
			type: 'assert-set',
			threshold: 0.5,
			assert: [
				{ type: 'contains', value: 'a' },
				{ type: 'contains', value: 'z' }
			]
		};
		const r = await check(set, 'abc');
		expect(r.pass).toBe(true);
		expect(r.score).toBe(0.5);
		expect(r.children).toHaveLength(2);
	});
});
