/** @module Drift flags: repeated runs of one version on one dataset and model, tested for shifts. */
import type { EvalResult } from '../eval/run/types';
import { detectDrift, type DriftAlarm, type DriftOptions } from './drift';
import { figuresOf, groupBy } from './run-summary';
import type { AnalyticsRun } from './source';

/** A shift found in the repeated runs of one version × dataset × model. */
export interface DriftFlag extends DriftAlarm {
	versionId: string;
	/** The run's dataset id, or `rows:<ids>` when the run did not record one. */
	datasetKey: string;
	model: string;
	/** The run where the shift started, and the run where it was detected. */
	startRunId: string;
	startRunName: string;
	startAt: number;
	alarmRunId: string;
	alarmAt: number;
	/** The series the test ran on (mean score per run, oldest first). */
	series: { runId: string; at: number; meanScore: number }[];
}

/** The dataset a run's results used: its recorded id, else the set of row ids it covered. */
function datasetKeyOf(run: AnalyticsRun, results: readonly EvalResult[]): string {
	if (run.datasetId) return run.datasetId;
	return `rows:${[...new Set(results.map((r) => r.rowId))].sort().join(',')}`;
}

/**
 * Builds one score series per version × dataset × model over the runs (oldest first) and runs
 * {@link detectDrift} on each; a run with only errors for a series is left out of it.
 */
export function driftFlags(
	scoped: readonly { run: AnalyticsRun; results: readonly EvalResult[] }[],
	options: DriftOptions = {}
): DriftFlag[] {
	const series = new Map<
		string,
		{ versionId: string; datasetKey: string; model: string; points: DriftFlag['series'] }
	>();
	const runs = new Map(scoped.map((s) => [s.run.id, s.run]));
	const ordered = [...scoped].sort(
		(a, b) => a.run.createdAt - b.run.createdAt || a.run.id.localeCompare(b.run.id)
	);
	for (const { run, results } of ordered) {
		const groups = groupBy(results, (r) => `${r.versionId}\u241f${r.modelLabel}`);
		for (const rs of groups.values()) {
			const f = figuresOf(rs);
			if (Number.isNaN(f.meanScore)) continue;
			const datasetKey = datasetKeyOf(run, rs);
			const key = `${rs[0].versionId}\u241f${datasetKey}\u241f${rs[0].modelLabel}`;
			let s = series.get(key);
			if (!s)
				series.set(
					key,
					(s = {
						versionId: rs[0].versionId,
						datasetKey,
						model: rs[0].modelLabel,
						points: []
					})
				);
			s.points.push({ runId: run.id, at: run.createdAt, meanScore: f.meanScore });
		}
	}
	const flags: DriftFlag[] = [];
	for (const s of series.values()) {
		for (const alarm of detectDrift(
			s.points.map((p) => p.meanScore),
			options
		)) {
			const start = s.points[alarm.startIndex];
			const at = s.points[alarm.alarmIndex];
			flags.push({
				...alarm,
				versionId: s.versionId,
				datasetKey: s.datasetKey,
				model: s.model,
				startRunId: start.runId,
				startRunName: runs.get(start.runId)?.name ?? start.runId,
				startAt: start.at,
				alarmRunId: at.runId,
				alarmAt: at.at,
				series: s.points
			});
		}
	}
	return flags.sort((a, b) => a.startAt - b.startAt);
}
