/** @module Effect size for paired samples: Cohen's d_z = mean(x − y) / sd(x − y). */
import { mean, pairedDifferences, sd } from './descriptive';

/** Cohen's d_z; ±∞ when every difference is the same non-zero value, 0 when all are zero. */
export function cohensDz(x: readonly number[], y: readonly number[]): number {
	const d = pairedDifferences(x, y);
	const m = mean(d);
	const s = sd(d);
	if (!(s > 0)) return m === 0 || Number.isNaN(m) ? 0 : Math.sign(m) * Infinity;
	return m / s;
}
