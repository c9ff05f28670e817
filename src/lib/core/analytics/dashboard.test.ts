import { describe, expect, it } from 'vitest';
import { buildDashboard } from './dashboard';
import { result, run } from './fixtures.testing';
import { MemoryAnalyticsSource } from './source';

/** Two runs of prompt p1 (versions v1, v2) and one run of prompt p2 (version w1). */
function fixture() {
	const runs = [
		run('run-a', 1000),
		run('run-b', 2000),
		run('run-c', 3000, { promptIds: ['p2'], datasetId: 'd2' })
	];
	const results = [
		result({
			runId: 'run-a',
			versionId: 'v1',
			score: 1,
			latencyMs: 100,
			costUsd: 0.01,
			tokensIn: 100,
			tokensOut: 10
		}),
		result({
			runId: 'run-a',
			versionId: 'v1',
			rowId: 'r2',
			score: 0,
			latencyMs: 300,
			costUsd: 0.01,
			tokensIn: 100,
			tokensOut: 10
		}),
		result({
			runId: 'run-b',
			versionId: 'v1',
			score: 1,
			latencyMs: 200,
			costUsd: 0.02,
			judgeCostUsd: 0.005
		}),
		result({
			runId: 'run-b',
			versionId: 'v2',
			model: 'claude',
			provider: 'anthropic',
			modelLabel: 'anthropic:claude',
			error: 'HTTP 500',
			score: 0,
			costUsd: 0
		}),
		result({ runId: 'run-c', versionId: 'w1', score: 0.5, latencyMs: 1000, costUsd: null })
	];
	return new MemoryAnalyticsSource(runs, results, { v1: 'p1', v2: 'p1', w1: 'p2' });
}

describe('buildDashboard', () => {
	it('computes workspace totals, latency percentiles and cost with judge and unpriced calls', async () => {
		const d = await buildDashboard(fixture());
		expect(d.totals).toMatchObject({
			runs: 3,
			n: 5,
			errors: 1,
			unpriced: 1,
			tokensIn: 230,
			tokensOut: 35
		});
		expect(d.totals.costUsd).toBeCloseTo(0.045, 10);
		expect(d.totals.meanScore).toBeCloseTo(2.5 / 4, 10);
		expect(d.totals.passRate).toBeCloseTo(3 / 4, 10);
		// Latencies of error-free results: 100, 300, 200, 1000 → p50 250, p95 895 (type 7).
		expect(d.latency.p50LatencyMs).toBeCloseTo(250, 10);
		expect(d.latency.p95LatencyMs).toBeCloseTo(895, 10);
		expect(d.latency.histogram.reduce((s, b) => s + b.count, 0)).toBe(4);
	});

	it('gives each version its score per run, oldest first', async () => {
		const d = await buildDashboard(fixture());
		const v1 = d.scoreByVersion.find((s) => s.versionId === 'v1');
		expect(v1?.points.map((p) => [p.runId, p.meanScore])).toEqual([
			['run-a', 0.5],
			['run-b', 1]
		]);
		expect(d.runs.map((r) => r.runId)).toEqual(['run-a', 'run-b', 'run-c']);
		expect(d.runs[1]).toMatchObject({
			versionIds: ['v1', 'v2'],
			models: ['openai:gpt-4o-mini', 'anthropic:claude']
		});
	});

	it('counts runs per model and pass rate per scorer over error-free results', async () => {
		const d = await buildDashboard(fixture());
		expect(d.runsPerModel.map((m) => [m.model, m.runs, m.results])).toEqual([
			['openai:gpt-4o-mini', 3, 4],
			['anthropic:claude', 1, 1]
		]);
		expect(d.passRateByScorer).toEqual([{ scorer: 'contains', passRate: 0.75, n: 4 }]);
	});

	it('keeps only one prompt’s versions on its dashboard', async () => {
		const d = await buildDashboard(fixture(), { promptId: 'p2' });
		expect(d.runs.map((r) => r.runId)).toEqual(['run-c']);
		expect(d.totals.n).toBe(1);
		const p1 = await buildDashboard(fixture(), { promptId: 'p1' });
		expect(p1.scoreByVersion.map((s) => s.versionId).sort()).toEqual(['v1', 'v2']);
	});

	it('flags drift on repeated runs of one version and dataset, naming the run where it began', async () => {
		const runs = Array.from({ length: 16 }, (_, i) =>
			run(`r${i}`, i * 1000, { name: `nightly ${i}` })
		);
		const scores = [
			0.9, 0.92, 0.88, 0.91, 0.9, 0.89, 0.91, 0.9, 0.9, 0.91, 0.6, 0.62, 0.58, 0.61, 0.6, 0.59
		];
		const results = scores.map((score, i) => result({ runId: `r${i}`, score }));
		const d = await buildDashboard(new MemoryAnalyticsSource(runs, results, { v1: 'p1' }));
		expect(d.drift).toHaveLength(1);
		expect(d.drift[0]).toMatchObject({
			versionId: 'v1',
			datasetKey: 'd1',
			direction: 'down',
			startRunId: 'r10',
			startRunName: 'nightly 10'
		});
		expect(d.drift[0].series).toHaveLength(16);
		// The same scores spread over two datasets are two short series: no flag.
		const split = runs.map((r, i) => ({ ...r, datasetId: i % 2 ? 'd1' : 'd2' }));
		const none = await buildDashboard(new MemoryAnalyticsSource(split, results, { v1: 'p1' }));
		expect(none.drift).toEqual([]);
	});
});
