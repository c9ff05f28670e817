/** @module Change detection on a series of run scores: two-sided CUSUM and Page-Hinkley tests. */
import { mean } from '../eval/stats/descriptive';

export type DriftMethod = 'cusum' | 'page-hinkley';
export type DriftDirection = 'up' | 'down';

/** One detected shift in a series. Indices refer to the input series. */
export interface DriftAlarm {
	method: DriftMethod;
	direction: DriftDirection;
	/** First point of the new level (the run where the shift started). */
	startIndex: number;
	/** Point at which the test crossed its threshold. */
	alarmIndex: number;
	/** Mean of the reference window the shift is measured against. */
	baseline: number;
	/** Mean of the points from `startIndex` to `alarmIndex`. */
	shifted: number;
}

export interface DriftOptions {
	method?: DriftMethod;
	/** Points that set the reference level and noise (default 8). */
	warmup?: number;
	/**
	 * Smallest noise level assumed, in score units (default 0.02), so a perfectly stable series
	 * does not alarm on a tiny wobble.
	 */
	minSigma?: number;
	/** Allowed slack per point, in standard deviations (CUSUM `k`, Page-Hinkley `δ`; default 0.5). */
	slack?: number;
	/** Alarm threshold in standard deviations (CUSUM `h`, Page-Hinkley `λ`; default 5). */
	threshold?: number;
}

interface Resolved {
	method: DriftMethod;
	warmup: number;
	minSigma: number;
	slack: number;
	threshold: number;
}

function resolve(o: DriftOptions): Resolved {
	const r = {
		method: o.method ?? 'cusum',
		warmup: o.warmup ?? 8,
		minSigma: o.minSigma ?? 0.02,
		slack: o.slack ?? 0.5,
		threshold: o.threshold ?? 5
	};
	if (!Number.isInteger(r.warmup) || r.warmup < 2) throw new RangeError('warmup must be ≥ 2');
	if (!(r.minSigma > 0) || !(r.threshold > 0) || !(r.slack >= 0))
		throw new RangeError('minSigma and threshold must be > 0, slack ≥ 0');
	return r;
}

/** A single-direction detector fed standardized points; returns the start offset on alarm. */
type Detector = (z: number, i: number) => number | null;

/** CUSUM: S = max(0, S + z − k); the shift starts after the last time S was 0. */
function cusumDetector(k: number, h: number): Detector {
	let s = 0;
	let lastZero = -1;
	return (z, i) => {
		s = Math.max(0, s + z - k);
		if (s === 0) lastZero = i;
		return s > h ? lastZero + 1 : null;
	};
}

/**
 * Page-Hinkley for an increase: m = Σ (z − z̄ − δ) with z̄ the running mean; alarm when m rises
 * more than λ above its running minimum; the shift starts just after that minimum.
 */
function pageHinkleyDetector(delta: number, lambda: number, warmup: number): Detector {
	let m = 0;
	let min = 0;
	let argMin = -1;
	// The warmup points (standardized mean 0) seed the running mean so early noise weighs less.
	let sum = 0;
	let n = warmup;
	return (z, i) => {
		n++;
		sum += z;
		m += z - sum / n - delta;
		if (m < min) {
			min = m;
			argMin = i;
		}
		return m - min > lambda ? argMin + 1 : null;
	};
}

/** Sum of squared deviations from the mean of `xs[a..b)`, from prefix sums. */
function sse(p1: number[], p2: number[], a: number, b: number): number {
	const n = b - a;
	if (n <= 0) return 0;
	const s = p1[b] - p1[a];
	return p2[b] - p2[a] - (s * s) / n;
}

/**
 * The detectors' change point is biased early when noise had already pushed the statistic up;
 * the best two-level split of the window up to the alarm (least squares), searched between the
 * detector's estimate and the alarm, dates it better.
 */
function refineStart(
	values: readonly number[],
	from: number,
	estimate: number,
	alarm: number
): number {
	const p1 = [0];
	const p2 = [0];
	for (let i = from; i <= alarm; i++) {
		p1.push(p1[p1.length - 1] + values[i]);
		p2.push(p2[p2.length - 1] + values[i] * values[i]);
	}
	const end = alarm - from + 1;
	let best = estimate;
	let bestCost = Infinity;
	for (let t = Math.max(from + 2, Math.min(estimate, alarm)); t <= alarm; t++) {
		const k = t - from;
		const cost = sse(p1, p2, 0, k) + sse(p1, p2, k, end);
		if (cost < bestCost - 1e-12) {
			bestCost = cost;
			best = t;
		}
	}
	return best;
}

/**
 * Noise level from successive differences (median absolute difference / (0.6745·√2)): a level
 * shift changes only one difference, so it barely moves this estimate, unlike the sample sd.
 */
export function diffSigma(values: readonly number[]): number {
	if (values.length < 3) return 0;
	const diffs = values
		.slice(1)
		.map((v, i) => Math.abs(v - values[i]))
		.sort((a, b) => a - b);
	const mid = diffs.length >> 1;
	const median = diffs.length % 2 ? diffs[mid] : (diffs[mid - 1] + diffs[mid]) / 2;
	return median / (0.6745 * Math.SQRT2);
}

/**
 * Finds level shifts in `values` (e.g. mean scores of repeated runs of one version on one
 * dataset, oldest first). Each point after the first `warmup` is standardized against the points
 * before it (self-starting), with the noise floored by a successive-difference estimate; after an
 * alarm the test restarts with the new level as reference, so later shifts are found too.
 */
export function detectDrift(values: readonly number[], options: DriftOptions = {}): DriftAlarm[] {
	const o = resolve(options);
	const alarms: DriftAlarm[] = [];
	let from = 0;
	while (values.length - from > o.warmup) {
		const noise = Math.max(diffSigma(values.slice(from)), o.minSigma);
		const make = () =>
			o.method === 'cusum'
				? cusumDetector(o.slack, o.threshold)
				: pageHinkleyDetector(o.slack, o.threshold, o.warmup);
		const up = make();
		const down = make();
		let found: DriftAlarm | null = null;
		// Self-starting: each point is compared with the mean and sd of every point before it since
		// `from`, so a reference level guessed from a few warmup points cannot cause false alarms.
		let sum = 0;
		let sumSq = 0;
		for (let i = from; i < from + o.warmup; i++) {
			sum += values[i];
			sumSq += values[i] * values[i];
		}
		for (let i = from + o.warmup; i < values.length && !found; i++) {
			const n = i - from;
			const mu = sum / n;
			const sdPrev = Math.sqrt(Math.max(0, (sumSq - (sum * sum) / n) / (n - 1)));
			const sigma = Math.max(sdPrev, noise) * Math.sqrt((n + 1) / n);
			const z = (values[i] - mu) / sigma;
			sum += values[i];
			sumSq += values[i] * values[i];
			// Detectors count offsets from the first point after the warmup.
			const j = i - from - o.warmup;
			const upStart = up(z, j);
			const downStart = down(-z, j);
			const start = upStart ?? downStart;
			if (start !== null) {
				const startIndex = refineStart(values, from, from + o.warmup + start, i);
				found = {
					method: o.method,
					direction: upStart !== null ? 'up' : 'down',
					startIndex,
					alarmIndex: i,
					baseline: mean(values.slice(from, startIndex)),
					shifted: mean(values.slice(startIndex, i + 1))
				};
			}
		}
		if (!found) break;
		alarms.push(found);
		from = found.startIndex;
	}
	return alarms;
}
