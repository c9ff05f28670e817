/** @module McNemar's test for paired pass/fail outcomes. */
import { chiSquareCdf } from './dist';

export interface McNemarTest {
	/** Pairs where A passed and B failed. */
	b: number;
	/** Pairs where A failed and B passed. */
	c: number;
	p: number;
	method: 'exact' | 'chi-square';
	chiSquare?: number;
}

/** Counts discordant pairs of two paired pass/fail vectors. */
export function discordantPairs(
	a: readonly boolean[],
	b: readonly boolean[]
): { b: number; c: number } {
	if (a.length !== b.length)
		throw new RangeError(`paired samples differ in length (${a.length} vs ${b.length})`);
	let onlyA = 0;
	let onlyB = 0;
	a.forEach((pa, i) => {
		if (pa && !b[i]) onlyA++;
		else if (!pa && b[i]) onlyB++;
	});
	return { b: onlyA, c: onlyB };
}

/** P(X ≤ k) for X ~ Bin(n, ½), summed exactly (every term is an integer over 2^n for n < 1000). */
function halfBinomialCdf(k: number, n: number): number {
	let coef = 1;
	let sum = 1;
	for (let i = 1; i <= k; i++) {
		coef = (coef * (n - i + 1)) / i;
		sum += coef;
	}
	return sum / 2 ** n;
}

/**
 * Two-sided McNemar test from the discordant counts: exact binomial (p = 2·P(X ≤ min(b, c)),
 * X ~ Bin(b + c, ½)) when b + c < `exactBelow` (default 25), otherwise chi-square with 1 df and,
 * unless `correct: false`, Edwards' continuity correction (as R's `mcnemar.test`).
 */
export function mcnemarTest(
	b: number,
	c: number,
	options: { exactBelow?: number; correct?: boolean } = {}
): McNemarTest {
	const n = b + c;
	if (n === 0) return { b, c, p: 1, method: 'exact' };
	if (n < (options.exactBelow ?? 25)) {
		return { b, c, p: Math.min(1, 2 * halfBinomialCdf(Math.min(b, c), n)), method: 'exact' };
	}
	const diff = Math.abs(b - c) - (options.correct === false ? 0 : 1);
	const chiSquare = Math.max(0, diff) ** 2 / n;
	return { b, c, p: 1 - chiSquareCdf(chiSquare, 1), method: 'chi-square', chiSquare };
}
