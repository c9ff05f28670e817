/** @module Per-run and per-group figures over evaluation results: score, pass rate, cost, tokens, latency. */
import { quantile } from '../eval/stats/descriptive';
import type { EvalResult } from '../eval/run/types';

/** Figures of a set of results (one run, one version in a run, one model...). */
export interface ResultFigures {
	/** Results, errors included. */
	n: number;
	errors: number;
	/** Mean score over results without error (NaN when there are none). */
	meanScore: number;
	passRate: number;
	/** Model cost plus judge cost, in USD (unpriced calls count as 0). */
	costUsd: number;
	/** Results whose model call had no known price. */
	unpriced: number;
	tokensIn: number;
	tokensOut: number;
	p50LatencyMs: number;
	p95LatencyMs: number;
}

/** Computes {@link ResultFigures}; cached answers count their original cost and latency. */
export function figuresOf(results: readonly EvalResult[]): ResultFigures {
	const ok = results.filter((r) => r.error === null);
	const latencies = ok.map((r) => r.latencyMs);
	let judgeTokensIn = 0;
	let judgeTokensOut = 0;
	for (const r of results)
		for (const s of r.scores) {
			judgeTokensIn += s.tokensIn ?? 0;
			judgeTokensOut += s.tokensOut ?? 0;
		}
	return {
		n: results.length,
		errors: results.length - ok.length,
		meanScore: ok.length ? ok.reduce((s, r) => s + r.score, 0) / ok.length : NaN,
		passRate: ok.length ? ok.filter((r) => r.pass).length / ok.length : NaN,
		costUsd: results.reduce((s, r) => s + (r.costUsd ?? 0) + r.judgeCostUsd, 0),
		unpriced: results.filter((r) => r.costUsd === null).length,
		tokensIn: results.reduce((s, r) => s + r.tokensIn, 0) + judgeTokensIn,
		tokensOut: results.reduce((s, r) => s + r.tokensOut, 0) + judgeTokensOut,
		p50LatencyMs: quantile(latencies, 0.5),
		p95LatencyMs: quantile(latencies, 0.95)
	};
}

/** Pass rate of each scorer type over error-free results (skipped scores left out). */
export function passRateByScorer(
	results: readonly EvalResult[]
): { scorer: string; passRate: number; n: number }[] {
	const by = new Map<string, { pass: number; n: number }>();
	for (const r of results) {
		if (r.error !== null) continue;
		for (const s of r.scores) {
			if (s.skipped) continue;
			const key = s.metric ? `${s.type} (${s.metric})` : s.type;
			const e = by.get(key) ?? { pass: 0, n: 0 };
			e.n++;
			if (s.pass) e.pass++;
			by.set(key, e);
		}
	}
	return [...by]
		.map(([scorer, e]) => ({ scorer, passRate: e.pass / e.n, n: e.n }))
		.sort((a, b) => a.scorer.localeCompare(b.scorer));
}

/** Groups items by a key, keeping first-seen order. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
	const out = new Map<string, T[]>();
	for (const item of items) {
		const k = key(item);
		const list = out.get(k);
		if (list) list.push(item);
		else out.set(k, [item]);
	}
	return out;
}

/** A histogram of latencies with `bins` equal-width bins from the minimum to the maximum. */
export function latencyHistogram(
	latencies: readonly number[],
	bins = 10
): { from: number; to: number; count: number }[] {
	if (latencies.length === 0) return [];
	const lo = Math.min(...latencies);
	const hi = Math.max(...latencies);
	const width = hi > lo ? (hi - lo) / bins : 1;
	const n = hi > lo ? bins : 1;
	const out = Array.from({ length: n }, (_, i) => ({
		from: lo + i * width,
		to: lo + (i + 1) * width,
		count: 0
	}));
	for (const x of latencies) out[Math.min(n - 1, Math.floor((x - lo) / width))].count++;
	return out;
}
