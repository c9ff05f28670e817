/**
 * @module Seeded pseudo-random numbers (mulberry32): reproducible resampling, layouts, sample data
 * and randomized tests. The same seed always yields the same sequence.
 */

/** Returns a generator of uniform numbers in [0, 1) fully determined by the 32-bit `seed`. */
export function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export interface Rng {
	/** A float in [0, 1). */
	next(): number;
	/** An integer in [min, max], both inclusive. */
	int(min: number, max: number): number;
	/** True with probability `p`. */
	chance(p: number): boolean;
	pick<T>(items: readonly T[]): T;
	/** `count` distinct items in random order (all of them when count ≥ length). */
	sample<T>(items: readonly T[], count: number): T[];
	/** A UUID-shaped (version 4 layout) id drawn from the generator. */
	uuid(): string;
}

/** A 32-bit seed from a number or a string (FNV-1a over the seed's text). */
function seed32(seed: number | string): number {
	let h = 2166136261;
	for (const ch of String(seed)) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
	return h >>> 0;
}

/** A deterministic generator with helpers for sample data and randomized tests. */
export function createRng(seed: number | string): Rng {
	const next = mulberry32(seed32(seed));
	const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
	const hex = (n: number) => {
		let s = '';
		for (let i = 0; i < n; i++) s += int(0, 15).toString(16);
		return s;
	};
	return {
		next,
		int,
		chance: (p) => next() < p,
		pick: (items) => items[int(0, items.length - 1)],
		sample: (items, count) => {
			const copy = [...items];
			for (let i = copy.length - 1; i > 0; i--) {
				const j = int(0, i);
				[copy[i], copy[j]] = [copy[j], copy[i]];
			}
			return copy.slice(0, Math.max(0, count));
		},
		uuid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[int(0, 3)]}${hex(3)}-${hex(12)}`
	};
}
