/** @module Descriptive statistics: mean, sample standard deviation, quantiles (R type 7). */

export function mean(xs: readonly number[]): number {
	return xs.length === 0 ? NaN : xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** Sample standard deviation (n − 1 denominator). */
export function sd(xs: readonly number[]): number {
	if (xs.length < 2) return NaN;
	const m = mean(xs);
	return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

/** Quantile with linear interpolation between order statistics (R's default, type 7). */
export function quantile(xs: readonly number[], p: number): number {
	if (xs.length === 0) return NaN;
	const sorted = [...xs].sort((a, b) => a - b);
	const h = (sorted.length - 1) * p;
	const lo = Math.floor(h);
	const hi = Math.ceil(h);
	return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Element-wise x − y of two equally long paired samples. */
export function pairedDifferences(x: readonly number[], y: readonly number[]): number[] {
	if (x.length !== y.length)
		throw new RangeError(`paired samples differ in length (${x.length} vs ${y.length})`);
	return x.map((v, i) => v - y[i]);
}
