/** @module Power of the two-sided paired t-test (noncentral t) and the sample size for a target power. */
import { noncentralTCdf, studentTInv } from './dist';

/** Power of a two-sided paired t-test with `n` pairs at effect size d_z. */
export function pairedTTestPower(n: number, dz: number, alpha = 0.05): number {
	const df = n - 1;
	const crit = studentTInv(1 - alpha / 2, df);
	const ncp = Math.abs(dz) * Math.sqrt(n);
	return 1 - noncentralTCdf(crit, df, ncp) + noncentralTCdf(-crit, df, ncp);
}

/**
 * Smallest number of pairs reaching `power` (default 0.8) at effect size d_z, as `pwr.t.test(type =
 * "paired")` rounded up. Null when the effect is 0 or needs more than `maxN` pairs.
 */
export function pairedSampleSize(
	dz: number,
	options: { power?: number; alpha?: number; maxN?: number } = {}
): number | null {
	const target = options.power ?? 0.8;
	const alpha = options.alpha ?? 0.05;
	const maxN = options.maxN ?? 1_000_000;
	if (!Number.isFinite(dz)) return dz === 0 || Number.isNaN(dz) ? null : 2;
	if (dz === 0) return null;
	if (pairedTTestPower(maxN, dz, alpha) < target) return null;
	let lo = 2;
	let hi = maxN;
	if (pairedTTestPower(lo, dz, alpha) >= target) return lo;
	while (hi - lo > 1) {
		const mid = Math.floor((lo + hi) / 2);
		if (pairedTTestPower(mid, dz, alpha) >= target) hi = mid;
		else lo = mid;
	}
	return hi;
}
