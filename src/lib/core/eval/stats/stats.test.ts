import { describe, expect, it } from 'vitest';
import { bootstrapMeanDifferenceCi } from './bootstrap';
import { quantile } from './descriptive';
import { cohensDz } from './effect-size';
import { holmAdjust } from './holm';
import { discordantPairs, mcnemarTest } from './mcnemar';
import { pairedTTest } from './paired-t';
import { pairedSampleSize, pairedTTestPower } from './power';
import { mulberry32 } from '../../util/prng';
import { rankWithTies, wilcoxonSignedRank } from './wilcoxon';

// R's `sleep` data set: extra sleep for the same 10 patients under two drugs.
const sleep1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const sleep2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
// wilcox.test help page (Hollander & Wolfe 1973, p. 29): depression scores at first and second visit.
const visit1 = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
const visit2 = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];

describe('paired t-test', () => {
	it('matches R t.test(extra ~ group, data = sleep, paired = TRUE)', () => {
		const r = pairedTTest(sleep1, sleep2);
		expect(r.t).toBeCloseTo(-4.0621, 4);
		expect(r.df).toBe(9);
		expect(r.p).toBeCloseTo(0.002833, 6);
		expect(r.meanDifference).toBeCloseTo(-1.58, 10);
		expect(r.ci[0]).toBeCloseTo(-2.4598858, 6);
		expect(r.ci[1]).toBeCloseTo(-0.7001142, 6);
	});

	it('handles zero variance without dividing by zero', () => {
		expect(pairedTTest([1, 1, 1], [1, 1, 1]).p).toBe(1);
		expect(pairedTTest([1, 1, 1], [0, 0, 0]).p).toBe(0);
	});
});

describe('Wilcoxon signed-rank', () => {
	it('is exact without ties: R gives V = 40, p = 0.03906 (two-sided)', () => {
		const r = wilcoxonSignedRank(visit1, visit2);
		expect(r).toMatchObject({ v: 40, n: 9, method: 'exact' });
		expect(r.p).toBeCloseTo(0.0390625, 7);
	});

	it('matches R with exact = FALSE: p = 0.04401 (continuity corrected)', () => {
		expect(wilcoxonSignedRank(visit1, visit2, { exact: false }).p).toBeCloseTo(0.04401, 5);
	});

	it('drops zeros and corrects for ties like R on the sleep data: V = 0, p = 0.009091', () => {
		const r = wilcoxonSignedRank(sleep1, sleep2);
		expect(r).toMatchObject({ v: 0, n: 9, method: 'normal' });
		expect(r.p).toBeCloseTo(0.009091, 6);
	});

	it('averages tied ranks', () => {
		expect(rankWithTies([10, 20, 20, 30])).toEqual({ ranks: [1, 2.5, 2.5, 4], tieSizes: [2] });
	});

	it('returns p = 1 when every difference is zero', () => {
		expect(wilcoxonSignedRank([1, 2], [1, 2]).p).toBe(1);
	});
});

describe('McNemar', () => {
	// Agresti, Categorical Data Analysis (2002) §10.1: presidential approval, b = 150, c = 86.
	it('matches the chi-square statistic of the approval-ratings example', () => {
		const uncorrected = mcnemarTest(150, 86, { correct: false });
		expect(uncorrected.chiSquare).toBeCloseTo(17.36, 2);
		expect(uncorrected.p).toBeCloseTo(3.1e-5, 6);
		const corrected = mcnemarTest(150, 86);
		expect(corrected.chiSquare).toBeCloseTo(16.818, 3);
		expect(corrected.p).toBeCloseTo(4.115e-5, 7);
	});

	it('is exact binomial for few discordant pairs: b = 2, c = 8 gives p = 2·56/1024', () => {
		const r = mcnemarTest(2, 8);
		expect(r.method).toBe('exact');
		expect(r.p).toBeCloseTo(0.109375, 10);
		expect(mcnemarTest(0, 0).p).toBe(1);
		expect(mcnemarTest(5, 5).p).toBe(1);
	});

	it('counts discordant pairs', () => {
		expect(discordantPairs([true, true, false, false], [true, false, true, true])).toEqual({
			b: 1,
			c: 2
		});
	});
});

describe('effect size and power', () => {
	it("computes Cohen's d_z on the sleep data", () => {
		expect(cohensDz(sleep1, sleep2)).toBeCloseTo(-1.2846, 4);
	});

	it('matches pwr.t.test(type = "paired", power = 0.8): n = 33.37 for d = 0.5, 198.15 for d = 0.2, 14.30 for d = 0.8', () => {
		expect(pairedSampleSize(0.5)).toBe(34);
		expect(pairedSampleSize(0.2)).toBe(199);
		expect(pairedSampleSize(0.8)).toBe(15);
		expect(pairedTTestPower(33, 0.5)).toBeLessThan(0.8);
		expect(pairedSampleSize(-0.5)).toBe(34);
		expect(pairedSampleSize(0)).toBeNull();
	});
});

describe('bootstrap CI', () => {
	it('is deterministic for a seed and brackets the mean difference', () => {
		const a = bootstrapMeanDifferenceCi(sleep1, sleep2, { seed: 7 });
		const b = bootstrapMeanDifferenceCi(sleep1, sleep2, { seed: 7 });
		expect(a).toEqual(b);
		expect(a.ci[0]).toBeLessThan(-1.58);
		expect(a.ci[1]).toBeGreaterThan(-1.58);
		// Close to the t interval [-2.46, -0.70] for this sample (percentile intervals are narrower).
		expect(a.ci[0]).toBeGreaterThan(-2.6);
		expect(a.ci[1]).toBeLessThan(-0.6);
		expect(bootstrapMeanDifferenceCi(sleep1, sleep2, { seed: 8 }).ci).not.toEqual(a.ci);
	});

	it('uses a reproducible uniform generator', () => {
		const r = mulberry32(1);
		const xs = Array.from({ length: 10_000 }, r);
		expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
		expect(Math.max(...xs)).toBeLessThan(1);
		expect(quantile(xs, 0.5)).toBeCloseTo(0.5, 1);
		expect(mulberry32(1)()).toBe(xs[0]);
	});
});

describe('Holm–Bonferroni', () => {
	it('matches R p.adjust(c(0.01, 0.02, 0.03, 0.04, 0.05), "holm")', () => {
		const adj = holmAdjust([0.01, 0.02, 0.03, 0.04, 0.05]);
		[0.05, 0.08, 0.09, 0.09, 0.09].forEach((v, i) => expect(adj[i]).toBeCloseTo(v, 12));
		const unordered = holmAdjust([0.04, 0.01, 0.5]);
		[0.08, 0.03, 0.5].forEach((v, i) => expect(unordered[i]).toBeCloseTo(v, 12));
	});
});
