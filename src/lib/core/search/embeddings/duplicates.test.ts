import { describe, expect, it } from 'vitest';
import { dot, normalize } from './embedder';
import { findNearDuplicates, signSketches, sketchCutoffs, type DuplicatePair } from './duplicates';
import { gaussian, seededRandom } from './random';

/** The thresholds the map page's slider offers (0.80…0.99), with the default. */
const UI_THRESHOLDS = [0.8, 0.83, 0.85, 0.88, 0.9, 0.92, 0.95, 0.97, 0.99];

function unit(dims: number, random: () => number) {
	return normalize(Float32Array.from({ length: dims }, () => gaussian(random)));
}

/** A unit vector at cosine `sim` from unit vector `a`. */
function partner(a: Float32Array, sim: number, random: () => number) {
	const u = unit(a.length, random);
	const along = dot(u, a);
	const orth = normalize(u.map((x, j) => x - along * a[j]));
	return normalize(a.map((x, j) => sim * x + Math.sqrt(1 - sim * sim) * orth[j]));
}

/**
 * Random prompts plus planted near-duplicates: for every UI threshold, pairs just above and just
 * below it, and a few clusters of three.
 */
function library(dims: number, background: number, seed: number) {
	const random = seededRandom(seed);
	const items = Array.from({ length: background }, (_, i) => ({
		id: `r${i}`,
		vector: unit(dims, random)
	}));
	for (const t of UI_THRESHOLDS)
		for (const delta of [-0.002, -0.0003, 0.0003, 0.002, 0.01]) {
			const sim = Math.min(0.9999, t + delta);
			const a = unit(dims, random);
			items.push(
				{ id: `a${t}${delta}`, vector: a },
				{ id: `b${t}${delta}`, vector: partner(a, sim, random) }
			);
		}
	for (let g = 0; g < 5; g++) {
		const centre = unit(dims, random);
		for (let m = 0; m < 3; m++)
			items.push({ id: `g${g}-${m}`, vector: partner(centre, 0.96 + 0.01 * m, random) });
	}
	// Shuffle so planted pairs are spread through the list.
	for (let i = items.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[items[i], items[j]] = [items[j], items[i]];
	}
	return items;
}

/** Every pair compared directly, most similar first (equal similarities in item order). */
function bruteForce(items: { id: string; vector: Float32Array }[], threshold: number) {
	const pairs: DuplicatePair[] = [];
	for (let i = 0; i < items.length; i++)
		for (let j = i + 1; j < items.length; j++) {
			const s = dot(items[i].vector, items[j].vector);
			if (s >= threshold) pairs.push({ a: items[i].id, b: items[j].id, similarity: s });
		}
	return pairs.sort((x, y) => y.similarity - x.similarity);
}

describe('findNearDuplicates on a large library', () => {
	for (const [dims, background, seed] of [
		[512, 500, 1],
		[384, 400, 2]
	] as const) {
		it(`finds exactly the brute-force pairs at every slider threshold (${dims} dims)`, () => {
			const items = library(dims, background, seed);
			expect(items.length).toBeGreaterThan(300); // large enough for the sketch path
			const candidates = bruteForce(items, Math.min(...UI_THRESHOLDS) - 0.01);
			for (const t of UI_THRESHOLDS) {
				expect(sketchCutoffs(t)).not.toBeNull();
				const expected = candidates.filter((p) => p.similarity >= t);
				// Planted pairs straddle the threshold, so the boundary is really exercised.
				expect(expected.some((p) => p.similarity < t + 0.001)).toBe(true);
				expect(findNearDuplicates(items, t)).toEqual(expected);
			}
		});
	}

	it('compares every pair when the threshold is too low for sketches to prune', () => {
		expect(sketchCutoffs(0.3)).toBeNull();
		const items = library(64, 320, 3);
		expect(findNearDuplicates(items, 0.3)).toEqual(bruteForce(items, 0.3));
	});

	it('gives sketches whose differing bits track the angle between vectors', () => {
		const random = seededRandom(9);
		const a = unit(512, random);
		const distance = (x: Float32Array, y: Float32Array) => {
			const [c0, c1] = [signSketches([x], 512), signSketches([y], 512)];
			const ones = (w: number) => [...(w >>> 0).toString(2)].filter((b) => b === '1').length;
			return c0.reduce((s, w, i) => s + ones(w ^ c1[i]), 0);
		};
		const same = distance(a, a);
		const close = distance(a, partner(a, 0.95, random));
		const orthogonal = distance(a, partner(a, 0, random));
		const opposite = distance(
			a,
			a.map((x) => -x)
		);
		expect(same).toBe(0);
		expect(close).toBeLessThan(50); // expected 256 · acos(0.95)/π ≈ 26
		expect(orthogonal).toBeGreaterThan(90); // expected 128
		expect(orthogonal).toBeLessThan(166);
		expect(opposite).toBe(256);
	});

	it('refuses a threshold that is not a number', () => {
		expect(() => findNearDuplicates([], Number.NaN)).toThrow(/threshold must be a number/);
	});
});
