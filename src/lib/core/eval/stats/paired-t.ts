/** @module Paired t-test (as R's `t.test(x, y, paired = TRUE)`). */
import { mean, pairedDifferences, sd } from './descriptive';
import { studentTCdf, studentTInv } from './dist';

export interface PairedTTest {
	n: number;
	/** Mean of x − y. */
	meanDifference: number;
	t: number;
	df: number;
	/** Two-sided p-value. */
	p: number;
	/** Confidence interval of the mean difference at `1 − alpha`. */
	ci: [number, number];
}

/** Two-sided paired t-test of x − y against 0. With zero variance, t is ±∞ (p = 0) or NaN (p = 1). */
export function pairedTTest(x: readonly number[], y: readonly number[], alpha = 0.05): PairedTTest {
	const d = pairedDifferences(x, y);
	const n = d.length;
	if (n < 2) throw new RangeError('a paired t-test needs at least 2 pairs');
	const m = mean(d);
	const se = sd(d) / Math.sqrt(n);
	const df = n - 1;
	if (se === 0) {
		return {
			n,
			meanDifference: m,
			t: m === 0 ? NaN : Math.sign(m) * Infinity,
			df,
			p: m === 0 ? 1 : 0,
			ci: [m, m]
		};
	}
	const t = m / se;
	const p = Math.min(1, 2 * studentTCdf(-Math.abs(t), df));
	const q = studentTInv(1 - alpha / 2, df);
	return { n, meanDifference: m, t, df, p, ci: [m - q * se, m + q * se] };
}
