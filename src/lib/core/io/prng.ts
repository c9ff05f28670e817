/** @module A small seeded pseudo-random generator (sfc32) for reproducible sample data. */

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

/** Hashes a seed (number or string) into four 32-bit words (cyrb128). */
function seedWords(seed: number | string): [number, number, number, number] {
	const text = String(seed);
	let h1 = 1779033703,
		h2 = 3144134277,
		h3 = 1013904242,
		h4 = 2773480762;
	for (let i = 0; i < text.length; i++) {
		const k = text.charCodeAt(i);
		h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
		h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
		h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
		h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
	}
	h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
	h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
	h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
	h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
	return [(h1 ^ h2 ^ h3 ^ h4) >>> 0, (h2 ^ h1) >>> 0, (h3 ^ h1) >>> 0, (h4 ^ h1) >>> 0];
}

/** A deterministic generator: the same seed always yields the same sequence. */
export function createRng(seed: number | string): Rng {
	let [a, b, c, d] = seedWords(seed);
	const next = (): number => {
		a >>>= 0;
		b >>>= 0;
		c >>>= 0;
		d >>>= 0;
		let t = (a + b) | 0;
		a = b ^ (b >>> 9);
		b = (c + (c << 3)) | 0;
		c = (c << 21) | (c >>> 11);
		d = (d + 1) | 0;
		t = (t + d) | 0;
		c = (c + t) | 0;
		return (t >>> 0) / 4294967296;
	};
	for (let i = 0; i < 15; i++) next();
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
