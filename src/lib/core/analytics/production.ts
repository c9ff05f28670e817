/**
 * @module Production use of prompt versions as the relay reports it: per-version aggregates of
 * the observations applications send (`POST /v1/observations`), kept by the relay in the
 * workspace index document's `observations` map (only the relay writes it), and drift detection
 * over their series of consecutive batches (latency and user feedback).
 */
import type * as Y from 'yjs';
import { OBSERVATIONS_MAP } from '../collab/doc-schema';
import { detectDrift, type DriftDirection } from './drift';

/** The index document's map of production aggregates: `<promptId>\0<versionId>` → {@link ProductionStats}. */
export { OBSERVATIONS_MAP };
/** Observations per point of a version's series. */
export const OBSERVATION_BATCH = 25;
/** Points of the series kept per version (the most recent). */
export const OBSERVATION_SERIES_LENGTH = 60;

/** One batch of consecutive observations of a version. */
export interface ProductionPoint {
	count: number;
	latencyMean: number | null;
	scoreMean: number | null;
}

export interface ProductionStats {
	promptId: string;
	prompt: string;
	versionId: string;
	count: number;
	failures: number;
	latencyMean: number | null;
	latencyP50: number | null;
	costTotal: number;
	tokensIn: number;
	tokensOut: number;
	scoreMean: number | null;
	scoreCount: number;
	firstAt: number;
	lastAt: number;
	series: ProductionPoint[];
}

export interface ProductionDrift {
	metric: 'latency' | 'feedback';
	direction: DriftDirection;
	baseline: number;
	shifted: number;
	/** Index in the series (batches of {@link OBSERVATION_BATCH}) where the shift started. */
	startBatch: number;
}

export interface ProductionVersion extends ProductionStats {
	drift: ProductionDrift[];
}

export const observationKey = (promptId: string, versionId: string) =>
	`${promptId}\u0000${versionId}`;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function parseStats(value: unknown): ProductionStats | null {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
	const v = value as Record<string, unknown>;
	const promptId = str(v.promptId);
	const versionId = str(v.versionId);
	const count = num(v.count);
	if (!promptId || !versionId || count === null) return null;
	const series = Array.isArray(v.series)
		? v.series.flatMap((p: unknown) => {
				const o = (p ?? {}) as Record<string, unknown>;
				const n = num(o.count);
				return n === null
					? []
					: [{ count: n, latencyMean: num(o.latencyMean), scoreMean: num(o.scoreMean) }];
			})
		: [];
	return {
		promptId,
		prompt: str(v.prompt) ?? promptId,
		versionId,
		count,
		failures: num(v.failures) ?? 0,
		latencyMean: num(v.latencyMean),
		latencyP50: num(v.latencyP50),
		costTotal: num(v.costTotal) ?? 0,
		tokensIn: num(v.tokensIn) ?? 0,
		tokensOut: num(v.tokensOut) ?? 0,
		scoreMean: num(v.scoreMean),
		scoreCount: num(v.scoreCount) ?? 0,
		firstAt: num(v.firstAt) ?? 0,
		lastAt: num(v.lastAt) ?? 0,
		series
	};
}

/** Shifts in a version's latency or feedback over its batches (full batches only). */
export function productionDrift(stats: ProductionStats): ProductionDrift[] {
	const full = stats.series.filter((p) => p.count >= OBSERVATION_BATCH);
	const out: ProductionDrift[] = [];
	const check = (metric: ProductionDrift['metric'], values: number[], minSigma: number) => {
		if (values.length < 4) return;
		for (const a of detectDrift(values, { warmup: Math.min(8, values.length - 2), minSigma }))
			out.push({
				metric,
				direction: a.direction,
				baseline: a.baseline,
				shifted: a.shifted,
				startBatch: a.startIndex
			});
	};
	const latencies = full.map((p) => p.latencyMean).filter((x) => x !== null);
	// Noise floor: 5% of the typical latency (at least 1 ms), so jitter alone never alarms.
	const typical = latencies.length ? latencies.reduce((a, b) => a + b, 0) / latencies.length : 0;
	if (latencies.length === full.length) check('latency', latencies, Math.max(1, typical * 0.05));
	const scores = full.map((p) => p.scoreMean).filter((x) => x !== null);
	if (scores.length === full.length) check('feedback', scores, 0.02);
	return out;
}

/** Every version's production figures in the workspace, with drift, most used first. */
export function readProduction(doc: Y.Doc): ProductionVersion[] {
	const out: ProductionVersion[] = [];
	doc.getMap(OBSERVATIONS_MAP).forEach((value) => {
		const stats = parseStats(value);
		if (stats) out.push({ ...stats, drift: productionDrift(stats) });
	});
	return out.sort((a, b) => b.count - a.count || a.prompt.localeCompare(b.prompt));
}
