/** @module Aggregates of run results: per version / model, side-by-side rows, paired samples, human scores. */
import { aggregateScores } from './scorers/assert';
import { humanScore, type HumanScoreInput } from './scorers/human';
import type { ScoreResult } from './scorers/types';
import type { EvalResult } from './run/types';
import { quantile } from './stats/descriptive';
import type { VariantSample } from './stats/compare';

export interface ResultAggregate {
	/** The group key: a version id, a model label, or `versionId␟modelLabel`. */
	key: string;
	versionId?: string;
	model?: string;
	n: number;
	errors: number;
	/** Over results without error. */
	meanScore: number;
	passRate: number;
	totalCostUsd: number;
	judgeCostUsd: number;
	p50LatencyMs: number;
	p95LatencyMs: number;
	tokensIn: number;
	tokensOut: number;
	/** Pass rate per scorer type over results without error. */
	passRateByScorer: Record<string, number>;
}

export type AggregateBy = 'version' | 'model' | 'version+model';

/** Groups results and computes mean score, pass rate, cost and latency percentiles per group. */
export function aggregateResults(
	results: readonly EvalResult[],
	by: AggregateBy
): ResultAggregate[] {
	const groups = new Map<string, EvalResult[]>();
	for (const r of results) {
		const key =
			by === 'version'
				? r.versionId
				: by === 'model'
					? r.modelLabel
					: `${r.versionId}\u241f${r.modelLabel}`;
		const list = groups.get(key);
		if (list) list.push(r);
		else groups.set(key, [r]);
	}
	return [...groups].map(([key, rs]) => {
		const ok = rs.filter((r) => r.error === null);
		const latencies = ok.map((r) => r.latencyMs);
		const byScorer = new Map<string, { pass: number; n: number }>();
		for (const r of ok) {
			for (const s of r.scores) {
				if (s.skipped) continue;
				const e = byScorer.get(s.type) ?? { pass: 0, n: 0 };
				e.n++;
				if (s.pass) e.pass++;
				byScorer.set(s.type, e);
			}
		}
		return {
			key,
			...(by !== 'model' ? { versionId: rs[0].versionId } : {}),
			...(by !== 'version' ? { model: rs[0].modelLabel } : {}),
			n: rs.length,
			errors: rs.length - ok.length,
			meanScore: ok.length ? ok.reduce((s, r) => s + r.score, 0) / ok.length : NaN,
			passRate: ok.length ? ok.filter((r) => r.pass).length / ok.length : NaN,
			totalCostUsd: rs.reduce((s, r) => s + (r.costUsd ?? 0), 0),
			judgeCostUsd: rs.reduce((s, r) => s + r.judgeCostUsd, 0),
			p50LatencyMs: quantile(latencies, 0.5),
			p95LatencyMs: quantile(latencies, 0.95),
			tokensIn: rs.reduce((s, r) => s + r.tokensIn, 0),
			tokensOut: rs.reduce((s, r) => s + r.tokensOut, 0),
			passRateByScorer: Object.fromEntries([...byScorer].map(([t, e]) => [t, e.pass / e.n]))
		};
	});
}

export interface SideBySideRow {
	rowId: string;
	model: string;
	vars: Record<string, unknown>;
	expected?: unknown;
	/** One cell per requested version id (null when that version has no result on the row). */
	cells: Record<string, EvalResult | null>;
}

/** One row per (dataset row, model) with each version's result next to the others. */
export function sideBySide(
	results: readonly EvalResult[],
	versionIds: readonly string[]
): SideBySideRow[] {
	const rows = new Map<string, SideBySideRow>();
	for (const r of results) {
		if (!versionIds.includes(r.versionId)) continue;
		const key = `${r.rowId}\u241f${r.modelLabel}`;
		let row = rows.get(key);
		if (!row) {
			row = {
				rowId: r.rowId,
				model: r.modelLabel,
				vars: r.vars,
				...(r.expected !== undefined ? { expected: r.expected } : {}),
				cells: Object.fromEntries(versionIds.map((v) => [v, null]))
			};
			rows.set(key, row);
		}
		row.cells[r.versionId] = r;
	}
	return [...rows.values()];
}

/**
 * Paired samples of versions for {@link compareVariants}/`compareMany`: only (row, model) pairs where
 * every version has an error-free result are kept, in the same order for each version.
 */
export function pairedSamples(
	results: readonly EvalResult[],
	versionIds: readonly string[],
	options: { model?: string; names?: Record<string, string> } = {}
): VariantSample[] {
	const filtered = options.model ? results.filter((r) => r.modelLabel === options.model) : results;
	const complete = sideBySide(filtered, versionIds).filter((row) =>
		versionIds.every((v) => row.cells[v] !== null && row.cells[v]?.error === null)
	);
	return versionIds.map((v) => ({
		name: options.names?.[v] ?? v,
		scores: complete.map((row) => (row.cells[v] as EvalResult).score),
		passes: complete.map((row) => (row.cells[v] as EvalResult).pass)
	}));
}

/**
 * Stores a manual review on a result: replaces its `human` score (or adds one) and recomputes the
 * result's pass and score. Save the returned result with `RunStore.saveResult`.
 */
export function applyHumanScore(
	result: EvalResult,
	input: HumanScoreInput,
	options: { weight?: number; threshold?: number } = {}
): EvalResult {
	const existing = result.scores.find((s) => s.type === 'human');
	const scored: ScoreResult = humanScore(input, {
		weight: options.weight ?? existing?.weight,
		threshold: options.threshold
	});
	const scores = existing
		? result.scores.map((s) => (s === existing ? scored : s))
		: [...result.scores, scored];
	const agg = aggregateScores(scores, result.threshold);
	return {
		...result,
		scores,
		pass: result.error === null && agg.pass,
		score: result.error === null ? agg.score : 0
	};
}
