/** @module A/B comparison of paired variants with a plain-language verdict, and Holm correction for several. */
import { bootstrapMeanDifferenceCi } from './bootstrap';
import { mean } from './descriptive';
import { cohensDz } from './effect-size';
import { holmAdjust } from './holm';
import { discordantPairs, mcnemarTest, type McNemarTest } from './mcnemar';
import { pairedTTest, type PairedTTest } from './paired-t';
import { pairedSampleSize } from './power';
import { wilcoxonSignedRank, type WilcoxonTest } from './wilcoxon';

/** One variant's scores on the shared rows (same order for every variant). */
export interface VariantSample {
	name: string;
	/** Per-row scores in 0..1. */
	scores: number[];
	/** Per-row pass/fail; enables McNemar. */
	passes?: boolean[];
}

export interface CompareOptions {
	alpha?: number;
	/** Test whose p-value decides the verdict (default `t`). */
	primary?: 't' | 'wilcoxon';
	power?: number;
	bootstrapResamples?: number;
	seed?: number;
}

export interface Comparison {
	a: string;
	b: string;
	n: number;
	meanA: number;
	meanB: number;
	/** mean(B) − mean(A). */
	difference: number;
	/** Bootstrap CI of the difference. */
	ci: [number, number];
	tTest: PairedTTest | null;
	wilcoxon: WilcoxonTest | null;
	mcnemar: McNemarTest | null;
	passRateA: number | null;
	passRateB: number | null;
	/** Cohen's d_z of B − A. */
	effectSize: number;
	/** p-value of the primary test (Holm-adjusted when part of a multiple comparison). */
	p: number;
	pUnadjusted: number;
	adjusted: boolean;
	/** Pairs needed for the target power at the observed effect; null if unreachable. */
	requiredN: number | null;
	better: 'A' | 'B' | null;
	verdict: string;
}

export function formatP(p: number): string {
	if (p < 0.001) return 'p<0.001';
	return `p=${p < 0.01 ? p.toFixed(3) : p.toFixed(p < 0.1 ? 3 : 2)}`;
}

const signed = (x: number) => `${x > 0 ? '+' : x < 0 ? '-' : '±'}${Math.abs(x).toFixed(2)}`;
const fixed = (x: number) => (Math.abs(x) < 0.005 ? '0.00' : x.toFixed(2));

function verdictOf(
	c: Omit<Comparison, 'verdict' | 'better'>,
	alpha: number,
	power: number
): { better: 'A' | 'B' | null; verdict: string } {
	const interval = `${signed(c.difference)} [${fixed(c.ci[0])}, ${fixed(c.ci[1])}]`;
	const adj = c.adjusted ? ' (Holm-adjusted)' : '';
	if (c.n < 2)
		return {
			better: null,
			verdict: `not enough paired rows to compare ${c.a} and ${c.b} (${c.n}; need at least 2)`
		};
	if (c.effectSize === 0 && c.difference === 0 && c.ci[0] === 0 && c.ci[1] === 0) {
		return {
			better: null,
			verdict: `no difference: ${c.a} and ${c.b} score the same on all ${c.n} rows`
		};
	}
	if (c.p < alpha) {
		const better = c.difference > 0 ? 'B' : 'A';
		const name = better === 'B' ? c.b : c.a;
		return { better, verdict: `${name} is better, ${formatP(c.p)}${adj}, ${interval}` };
	}
	const pct = Math.round(power * 100);
	const more =
		c.requiredN === null
			? `the observed effect is too small to reach ${pct}% power with a practical number of rows`
			: c.requiredN > c.n
				? `~${c.requiredN - c.n} more rows needed for ${pct}% power`
				: `already ${c.n} rows, enough for ${pct}% power at this effect`;
	return {
		better: null,
		verdict: `no detectable difference (${formatP(c.p)}${adj}, ${interval}); ${more}`
	};
}

function compareRaw(
	a: VariantSample,
	b: VariantSample,
	o: CompareOptions
): Omit<Comparison, 'verdict' | 'better'> {
	if (a.scores.length !== b.scores.length) {
		throw new RangeError(
			`variants ${a.name} and ${b.name} are not paired (${a.scores.length} vs ${b.scores.length} rows)`
		);
	}
	const alpha = o.alpha ?? 0.05;
	const n = a.scores.length;
	const meanA = mean(a.scores);
	const meanB = mean(b.scores);
	const tTest = n >= 2 ? pairedTTest(b.scores, a.scores, alpha) : null;
	const wilcoxon = n >= 1 ? wilcoxonSignedRank(b.scores, a.scores) : null;
	const paired = a.passes && b.passes && a.passes.length === n && b.passes.length === n;
	const disc = paired ? discordantPairs(b.passes as boolean[], a.passes as boolean[]) : null;
	const mcnemar = disc ? mcnemarTest(disc.b, disc.c) : null;
	const boot =
		n >= 1
			? bootstrapMeanDifferenceCi(b.scores, a.scores, {
					alpha,
					resamples: o.bootstrapResamples,
					seed: o.seed
				})
			: null;
	const effectSize = n >= 2 ? cohensDz(b.scores, a.scores) : 0;
	const rate = (xs?: boolean[]) => (xs && xs.length ? xs.filter(Boolean).length / xs.length : null);
	const pPrimary = (o.primary === 'wilcoxon' ? wilcoxon?.p : tTest?.p) ?? 1;
	return {
		a: a.name,
		b: b.name,
		n,
		meanA,
		meanB,
		difference: n ? meanB - meanA : 0,
		ci: boot ? boot.ci : [0, 0],
		tTest,
		wilcoxon,
		mcnemar,
		passRateA: rate(a.passes),
		passRateB: rate(b.passes),
		effectSize,
		p: Number.isNaN(pPrimary) ? 1 : pPrimary,
		pUnadjusted: Number.isNaN(pPrimary) ? 1 : pPrimary,
		adjusted: false,
		requiredN: n >= 2 ? pairedSampleSize(effectSize, { power: o.power ?? 0.8, alpha }) : null
	};
}

/** Compares B against A on paired rows; the verdict names the better variant only when p < alpha. */
export function compareVariants(
	a: VariantSample,
	b: VariantSample,
	options: CompareOptions = {}
): Comparison {
	const raw = compareRaw(a, b, options);
	return { ...raw, ...verdictOf(raw, options.alpha ?? 0.05, options.power ?? 0.8) };
}

/**
 * Compares every pair of variants (or each against `baseline`); with more than two variants the
 * primary p-values are Holm–Bonferroni adjusted and the verdicts use the adjusted values.
 */
export function compareMany(
	variants: VariantSample[],
	options: CompareOptions & { baseline?: string } = {}
): Comparison[] {
	const pairs: [VariantSample, VariantSample][] = [];
	if (options.baseline !== undefined) {
		const base = variants.find((v) => v.name === options.baseline);
		if (!base) throw new RangeError(`no variant named ${options.baseline}`);
		for (const v of variants) if (v !== base) pairs.push([base, v]);
	} else {
		for (let i = 0; i < variants.length; i++)
			for (let j = i + 1; j < variants.length; j++) pairs.push([variants[i], variants[j]]);
	}
	const raws = pairs.map(([a, b]) => compareRaw(a, b, options));
	const adjust = variants.length > 2;
	const adjusted = adjust ? holmAdjust(raws.map((r) => r.pUnadjusted)) : raws.map((r) => r.p);
	return raws.map((r, i) => {
		const withP = { ...r, p: adjusted[i], adjusted: adjust };
		return { ...withP, ...verdictOf(withP, options.alpha ?? 0.05, options.power ?? 0.8) };
	});
}
