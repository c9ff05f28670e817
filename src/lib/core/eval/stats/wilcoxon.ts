/** @module Wilcoxon signed-rank test (as R's `wilcox.test(x, y, paired = TRUE)`). */
import { pairedDifferences } from './descriptive';
import { normalCdf } from './dist';

export interface WilcoxonTest {
	/** Pairs left after dropping zero differences. */
	n: number;
	/** Sum of the ranks of positive differences (R's V). */
	v: number;
	/** Two-sided p-value. */
	p: number;
	method: 'exact' | 'normal';
	z?: number;
}

/** Differences are rounded to 12 significant digits first, so 1.1−0.2 and 1.2−0.3 tie as intended. */
function roundDiff(d: number): number {
	return Number(d.toPrecision(12));
}

/** Average ranks (1-based) with ties sharing their mean rank. */
export function rankWithTies(values: readonly number[]): { ranks: number[]; tieSizes: number[] } {
	const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
	const ranks = new Array<number>(values.length);
	const tieSizes: number[] = [];
	for (let i = 0; i < order.length;) {
		let j = i;
		while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
		const avg = (i + j + 2) / 2;
		for (let k = i; k <= j; k++) ranks[order[k][1]] = avg;
		if (j > i) tieSizes.push(j - i + 1);
		i = j + 1;
	}
	return { ranks, tieSizes };
}

/** Number of subsets of {1..n} per rank sum: the exact null distribution of V (counts). */
function signedRankCounts(n: number): number[] {
	const max = (n * (n + 1)) / 2;
	const counts = new Array<number>(max + 1).fill(0);
	counts[0] = 1;
	for (let k = 1; k <= n; k++) {
		for (let s = max; s >= k; s--) counts[s] += counts[s - k];
	}
	return counts;
}

/**
 * Two-sided test of the median of x − y against 0. Zero differences are dropped. Exact when
 * n < 50 with no ties (R's rule); otherwise the normal approximation with tie and continuity
 * correction.
 */
export function wilcoxonSignedRank(
	x: readonly number[],
	y: readonly number[],
	options: { exact?: boolean } = {}
): WilcoxonTest {
	const d = pairedDifferences(x, y)
		.map(roundDiff)
		.filter((v) => v !== 0);
	const n = d.length;
	if (n === 0) return { n, v: 0, p: 1, method: 'exact' };
	const { ranks, tieSizes } = rankWithTies(d.map(Math.abs));
	const v = d.reduce((s, di, i) => s + (di > 0 ? ranks[i] : 0), 0);
	const exact = options.exact ?? (n < 50 && tieSizes.length === 0);
	if (exact && tieSizes.length === 0) {
		const counts = signedRankCounts(n);
		const total = 2 ** n;
		const cdf = (k: number) =>
			counts.slice(0, Math.floor(k) + 1).reduce((s, c) => s + c, 0) / total;
		const p = v > (n * (n + 1)) / 4 ? 1 - cdf(v - 1) : cdf(v);
		return { n, v, p: Math.min(1, 2 * p), method: 'exact' };
	}
	const centred = v - (n * (n + 1)) / 4;
	const sigma = Math.sqrt(
		(n * (n + 1) * (2 * n + 1)) / 24 - tieSizes.reduce((s, t) => s + t ** 3 - t, 0) / 48
	);
	if (sigma === 0) return { n, v, p: 1, method: 'normal', z: 0 };
	const z = (centred - Math.sign(centred) * 0.5) / sigma;
	const p = Math.min(1, 2 * Math.min(normalCdf(z), 1 - normalCdf(z)));
	return { n, v, p, method: 'normal', z };
}
