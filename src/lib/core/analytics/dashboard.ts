/** @module Builds the dashboard data of a workspace or one prompt from evaluation history. */
import type { EvalResult } from '../eval/run/types';
import { driftFlags, type DriftFlag } from './drift-series';
import type { DriftOptions } from './drift';
import {
	figuresOf,
	groupBy,
	latencyHistogram,
	passRateByScorer,
	type ResultFigures
} from './run-summary';
import type { AnalyticsRun, AnalyticsSource } from './source';

/** One run with its figures (over the results in scope). */
export interface RunPoint extends ResultFigures {
	runId: string;
	name: string;
	at: number;
	datasetId: string | null;
	versionIds: string[];
	models: string[];
}

/** A version's mean score in each run that evaluated it. */
export interface VersionSeries {
	versionId: string;
	points: { runId: string; at: number; meanScore: number; passRate: number; n: number }[];
}

export interface ModelUsage {
	model: string;
	runs: number;
	results: number;
	p50LatencyMs: number;
	p95LatencyMs: number;
	costUsd: number;
}

export interface Dashboard {
	promptId: string | null;
	/** Runs with at least one result in scope, oldest first. */
	runs: RunPoint[];
	totals: ResultFigures & { runs: number };
	scoreByVersion: VersionSeries[];
	passRateByScorer: { scorer: string; passRate: number; n: number }[];
	latency: {
		p50LatencyMs: number;
		p95LatencyMs: number;
		histogram: { from: number; to: number; count: number }[];
	};
	runsPerModel: ModelUsage[];
	drift: DriftFlag[];
}

export interface DashboardOptions {
	/** Only this prompt's versions (per-prompt dashboard); the whole workspace when absent. */
	promptId?: string;
	since?: number;
	drift?: DriftOptions;
}

/** The results of a run that belong to the scope (all of them for the workspace). */
async function resultsInScope(
	source: AnalyticsSource,
	run: AnalyticsRun,
	promptId: string | undefined
): Promise<EvalResult[]> {
	const results = await source.listResults(run.id);
	if (promptId === undefined) return results;
	const only = run.promptIds.length === 1 && run.promptIds[0] === promptId;
	const owners = new Map<string, string | null>();
	for (const v of new Set(results.map((r) => r.versionId)))
		owners.set(v, (await source.promptOfVersion?.(v)) ?? null);
	return results.filter((r) => {
		const owner = owners.get(r.versionId);
		return owner === promptId || (owner === null && only);
	});
}

/** Reads runs and results from `source` and computes every chart's data. */
export async function buildDashboard(
	source: AnalyticsSource,
	options: DashboardOptions = {}
): Promise<Dashboard> {
	const runs = await source.listRuns({ promptId: options.promptId, since: options.since });
	const scoped: { run: AnalyticsRun; results: EvalResult[] }[] = [];
	for (const run of runs) {
		const results = await resultsInScope(source, run, options.promptId);
		if (results.length > 0) scoped.push({ run, results });
	}
	return dashboardOf(scoped, options);
}

/** The dashboard of runs whose results are already loaded (oldest run first). */
export function dashboardOf(
	scoped: readonly { run: AnalyticsRun; results: readonly EvalResult[] }[],
	options: DashboardOptions = {}
): Dashboard {
	const all = scoped.flatMap((s) => s.results);
	const runPoints: RunPoint[] = scoped.map(({ run, results }) => ({
		runId: run.id,
		name: run.name,
		at: run.createdAt,
		datasetId: run.datasetId,
		versionIds: [...new Set(results.map((r) => r.versionId))],
		models: [...new Set(results.map((r) => r.modelLabel))],
		...figuresOf(results)
	}));

	const versionSeries = new Map<string, VersionSeries>();
	for (const { run, results } of scoped) {
		for (const [versionId, rs] of groupBy(results, (r) => r.versionId)) {
			const f = figuresOf(rs);
			let series = versionSeries.get(versionId);
			if (!series) versionSeries.set(versionId, (series = { versionId, points: [] }));
			series.points.push({
				runId: run.id,
				at: run.createdAt,
				meanScore: f.meanScore,
				passRate: f.passRate,
				n: f.n
			});
		}
	}

	const runsPerModel: ModelUsage[] = [...groupBy(all, (r) => r.modelLabel)].map(([model, rs]) => {
		const f = figuresOf(rs);
		return {
			model,
			runs: new Set(rs.map((r) => r.runId)).size,
			results: rs.length,
			p50LatencyMs: f.p50LatencyMs,
			p95LatencyMs: f.p95LatencyMs,
			costUsd: f.costUsd
		};
	});
	runsPerModel.sort((a, b) => b.runs - a.runs || a.model.localeCompare(b.model));

	const totals = figuresOf(all);
	return {
		promptId: options.promptId ?? null,
		runs: runPoints,
		totals: { ...totals, runs: runPoints.length },
		scoreByVersion: [...versionSeries.values()],
		passRateByScorer: passRateByScorer(all),
		latency: {
			p50LatencyMs: totals.p50LatencyMs,
			p95LatencyMs: totals.p95LatencyMs,
			histogram: latencyHistogram(
				all.filter((r) => r.error === null).map((r) => r.latencyMs),
				10
			)
		},
		runsPerModel,
		drift: driftFlags(scoped, options.drift)
	};
}
