import { describe, expect, it } from 'vitest';
import { compareMany, compareVariants, formatP } from './compare';
import { mulberry32 } from '../../util/prng';

function noisy(n: number, base: number, seed: number): number[] {
	const r = mulberry32(seed);
	return Array.from({ length: n }, () => Math.min(1, Math.max(0, base + (r() - 0.5) * 0.4)));
}

describe('compareVariants', () => {
	it('names the better variant with p, difference and CI', () => {
		const a = noisy(60, 0.5, 1);
		const b = a.map((x, i) => Math.min(1, x + 0.12 + ((i % 5) - 2) * 0.02));
		const c = compareVariants({ name: 'A', scores: a }, { name: 'B', scores: b });
		expect(c.better).toBe('B');
		expect(c.difference).toBeGreaterThan(0.08);
		expect(c.verdict).toMatch(/^B is better, p(<0\.001|=0\.\d+), \+0\.\d\d \[0\.\d\d, 0\.\d\d\]$/);
		const reversed = compareVariants({ name: 'v2', scores: b }, { name: 'v1', scores: a });
		expect(reversed.better).toBe('A');
		expect(reversed.verdict).toMatch(/^v2 is better, .*, -0\.\d\d \[-0\.\d\d, -0\.\d\d\]$/);
	});

	it('reports no detectable difference with the rows needed for 80% power', () => {
		const a = noisy(20, 0.5, 2);
		const b = a.map((x, i) => x + (i % 2 === 0 ? 0.06 : -0.04));
		const c = compareVariants({ name: 'A', scores: a }, { name: 'B', scores: b });
		expect(c.better).toBeNull();
		expect(c.requiredN).not.toBeNull();
		expect(c.requiredN as number).toBeGreaterThan(20);
		expect(c.verdict).toMatch(
			new RegExp(
				`^no detectable difference \\(p=0\\.\\d+, \\+0\\.01 \\[-?0\\.\\d\\d, 0\\.\\d\\d\\]\\); ~${(c.requiredN as number) - 20} more rows needed for 80% power$`
			)
		);
	});

	it('says so when both variants score the same everywhere', () => {
		const c = compareVariants({ name: 'A', scores: [1, 0, 1] }, { name: 'B', scores: [1, 0, 1] });
		expect(c.verdict).toBe('no difference: A and B score the same on all 3 rows');
	});

	it('runs McNemar on pass/fail and refuses unpaired samples', () => {
		const passesA = Array.from({ length: 30 }, (_, i) => i < 10);
		const passesB = Array.from({ length: 30 }, (_, i) => i < 25);
		const c = compareVariants(
			{ name: 'A', scores: passesA.map(Number), passes: passesA },
			{ name: 'B', scores: passesB.map(Number), passes: passesB }
		);
		expect(c.mcnemar).toMatchObject({ b: 15, c: 0, method: 'exact' });
		expect(c.mcnemar?.p).toBeCloseTo(2 * 0.5 ** 15, 12);
		expect(c.passRateB).toBeCloseTo(25 / 30, 12);
		expect(() =>
			compareVariants({ name: 'A', scores: [1] }, { name: 'B', scores: [1, 2] })
		).toThrow(/not paired/);
	});

	it('formats p-values', () => {
		expect(formatP(0.0004)).toBe('p<0.001');
		expect(formatP(0.003)).toBe('p=0.003');
		expect(formatP(0.41)).toBe('p=0.41');
	});
});

describe('compareMany', () => {
	it('Holm-adjusts p-values when more than two variants are compared', () => {
		const a = noisy(40, 0.5, 3);
		const variants = [
			{ name: 'A', scores: a },
			{ name: 'B', scores: a.map((x, i) => x + 0.03 + ((i % 3) - 1) * 0.05) },
			{ name: 'C', scores: a.map((x, i) => x + 0.1 + ((i % 3) - 1) * 0.05) }
		];
		const all = compareMany(variants);
		expect(all).toHaveLength(3);
		for (const c of all) {
			expect(c.adjusted).toBe(true);
			expect(c.p).toBeGreaterThanOrEqual(c.pUnadjusted);
		}
		const vsBase = compareMany(variants, { baseline: 'A' });
		expect(vsBase.map((c) => `${c.a}-${c.b}`)).toEqual(['A-B', 'A-C']);
		expect(vsBase[1].verdict).toMatch(/^C is better, p.* \(Holm-adjusted\)/);
		const two = compareMany(variants.slice(0, 2));
		expect(two[0].adjusted).toBe(false);
	});
});
