import { describe, expect, it } from 'vitest';
import { aggregateResults, applyHumanScore, pairedSamples, sideBySide } from './aggregates';
import type { EvalResult } from './run/types';
import { compareVariants } from './stats/compare';

function result(over: Partial<EvalResult> & Pick<EvalResult, 'versionId' | 'rowId'>): EvalResult {
	return {
		id: `${over.versionId}/${over.rowId}/${over.modelLabel ?? 'openai:m'}`,
		runId: 'run',
		caseId: 'c',
		provider: 'openai',
		model: 'm',
		modelLabel: 'openai:m',
		params: {},
		vars: { q: over.rowId },
		messages: [],
		output: 'x',
		scores: [
			{ type: 'contains', pass: over.pass ?? true, score: over.score ?? 1, reason: '', weight: 1 }
		],
		pass: true,
		score: 1,
		tokensIn: 10,
		tokensOut: 5,
		latencyMs: 100,
		costUsd: 0.01,
		judgeCostUsd: 0,
		cached: false,
		error: null,
		createdAt: 0,
		...over
	};
}

const results: EvalResult[] = [
	result({ versionId: 'v1', rowId: 'a', score: 1, pass: true, latencyMs: 100 }),
	result({ versionId: 'v1', rowId: 'b', score: 0, pass: false, latencyMs: 200 }),
	result({ versionId: 'v1', rowId: 'c', score: 0.5, pass: false, latencyMs: 300 }),
	result({
		versionId: 'v1',
		rowId: 'd',
		error: 'HTTP 500',
		output: null,
		costUsd: 0,
		latencyMs: 0
	}),
	result({ versionId: 'v2', rowId: 'a', score: 1, pass: true, latencyMs: 50, costUsd: null }),
	result({ versionId: 'v2', rowId: 'b', score: 1, pass: true, latencyMs: 60 }),
	result({ versionId: 'v2', rowId: 'c', score: 1, pass: true, latencyMs: 70 }),
	result({ versionId: 'v2', rowId: 'd', score: 1, pass: true, latencyMs: 80 })
];

describe('aggregateResults', () => {
	it('computes mean score, pass rate, cost and latency percentiles per version, leaving errors out', () => {
		const [v1, v2] = aggregateResults(results, 'version');
		expect(v1).toMatchObject({
			key: 'v1',
			n: 4,
			errors: 1,
			meanScore: 0.5,
			passRate: 1 / 3,
			p50LatencyMs: 200
		});
		expect(v1.p95LatencyMs).toBeCloseTo(290, 10);
		expect(v1.totalCostUsd).toBeCloseTo(0.03, 12);
		expect(v1.passRateByScorer).toEqual({ contains: 1 / 3 });
		expect(v2).toMatchObject({ meanScore: 1, passRate: 1, p50LatencyMs: 65 });
		expect(v2.totalCostUsd).toBeCloseTo(0.03, 12);
	});

	it('groups by model and by version + model', () => {
		expect(aggregateResults(results, 'model')).toEqual([
			expect.objectContaining({ key: 'openai:m', n: 8 })
		]);
		expect(aggregateResults(results, 'version+model').map((a) => [a.versionId, a.model])).toEqual([
			['v1', 'openai:m'],
			['v2', 'openai:m']
		]);
	});
});

describe('side by side and pairing', () => {
	it('puts versions next to each other on the same rows', () => {
		const rows = sideBySide(results, ['v1', 'v2']);
		expect(rows).toHaveLength(4);
		expect(rows[0].cells.v1?.score).toBe(1);
		expect(rows[1].cells.v2?.score).toBe(1);
	});

	it('pairs only rows where every version has an error-free result, then compares them', () => {
		const [a, b] = pairedSamples(results, ['v1', 'v2'], { names: { v1: 'A', v2: 'B' } });
		expect(a).toEqual({ name: 'A', scores: [1, 0, 0.5], passes: [true, false, false] });
		expect(b.scores).toEqual([1, 1, 1]);
		expect(compareVariants(a, b).n).toBe(3);
	});
});

describe('applyHumanScore', () => {
	it('replaces the pending human score and recomputes the result', () => {
		const pending = result({
			versionId: 'v1',
			rowId: 'a',
			scores: [
				{ type: 'contains', pass: true, score: 1, reason: '', weight: 1 },
				{
					type: 'human',
					pass: false,
					score: 0,
					reason: 'awaiting human review',
					weight: 1,
					skipped: true
				}
			]
		});
		const reviewed = applyHumanScore(pending, {
			rating: { kind: 'stars', value: 2 },
			comment: 'too long'
		});
		expect(reviewed.scores[1]).toMatchObject({
			type: 'human',
			score: 0.25,
			pass: false,
			reason: '2/5: too long'
		});
		expect(reviewed.pass).toBe(false);
		expect(reviewed.score).toBeCloseTo(0.625, 12);
		expect(pending.scores[1].skipped).toBe(true);
	});
});
