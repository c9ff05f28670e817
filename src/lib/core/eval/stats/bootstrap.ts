/** @module Percentile bootstrap confidence interval of a paired mean difference (seeded, deterministic). */
import { mean, pairedDifferences, quantile } from './descriptive';
import { mulberry32 } from '../../util/prng';

export interface BootstrapCi {
	meanDifference: number;
	ci: [number, number];
	resamples: number;
	seed: number;
}

/** Resamples the pairs (x − y) with replacement; the CI is the alpha/2 and 1 − alpha/2 percentiles. */
export function bootstrapMeanDifferenceCi(
	x: readonly number[],
	y: readonly number[],
	options: { resamples?: number; alpha?: number; seed?: number } = {}
): BootstrapCi {
	const d = pairedDifferences(x, y);
	if (d.length === 0) throw new RangeError('bootstrap needs at least one pair');
	const resamples = options.resamples ?? 5000;
	const alpha = options.alpha ?? 0.05;
	const seed = options.seed ?? 42;
	const random = mulberry32(seed);
	const means = new Float64Array(resamples);
	const n = d.length;
	for (let r = 0; r < resamples; r++) {
		let sum = 0;
		for (let i = 0; i < n; i++) sum += d[Math.floor(random() * n)];
		means[r] = sum / n;
	}
	const sorted = Array.from(means);
	return {
		meanDifference: mean(d),
		ci: [quantile(sorted, alpha / 2), quantile(sorted, 1 - alpha / 2)],
		resamples,
		seed
	};
}
