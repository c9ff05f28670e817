import { describe, expect, it } from 'vitest';
import { normalize } from './embeddings/embedder';
import { gaussian, seededRandom } from './embeddings/random';
import { VectorIndex } from './vector-index';

const v = (...xs: number[]) => normalize(Float32Array.from(xs));

function sample() {
	const index = new VectorIndex('m', 3);
	index.set('x', 'h1', v(1, 0, 0));
	index.set('xy', 'h2', v(1, 1, 0));
	index.set('y', 'h3', v(0, 1, 0));
	index.set('z', 'h4', v(0, 0, 1));
	index.set('-x', 'h5', v(-1, 0, 0));
	return index;
}

describe('VectorIndex', () => {
	it('returns the k most similar ids by cosine, best first', () => {
		const hits = sample().search(v(1, 0.2, 0), { k: 3 });
		expect(hits.map((h) => h.id)).toEqual(['x', 'xy', 'y']);
		expect(hits[0].score).toBeGreaterThan(hits[1].score);
	});

	it('applies allow, exclude and minScore', () => {
		const index = sample();
		const q = v(1, 0.2, 0);
		expect(index.search(q, { allow: (id) => id.includes('y') }).map((h) => h.id)).toEqual([
			'xy',
			'y'
		]);
		expect(index.search(q, { k: 2, exclude: new Set(['x']) }).map((h) => h.id)).toEqual([
			'xy',
			'y'
		]);
		expect(index.search(q, { minScore: 0.5 }).map((h) => h.id)).toEqual(['x', 'xy']);
	});

	it('keys entries by content hash and refuses vectors of another size', () => {
		const index = sample();
		expect(index.has('x', 'h1')).toBe(true);
		expect(index.has('x', 'changed')).toBe(false);
		expect(() => index.set('w', 'h', new Float32Array(4))).toThrow(/3-dim/);
		index.delete('x');
		expect(index.size).toBe(4);
	});

	it('finds prompts like a given one, never itself', () => {
		const hits = sample().similarTo('xy', { k: 2 });
		expect(hits.map((h) => h.id).sort()).toEqual(['x', 'y']);
		expect(sample().similarTo('missing')).toEqual([]);
	});

	it('matches a brute-force ranking on random data', () => {
		const index = new VectorIndex('m', 8);
		let seed = 3;
		const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
		const all: [string, Float32Array][] = [];
		for (let i = 0; i < 300; i++) {
			const vec = normalize(Float32Array.from({ length: 8 }, rnd));
			index.set(`p${i}`, 'h', vec);
			all.push([`p${i}`, vec]);
		}
		const q = normalize(Float32Array.from({ length: 8 }, rnd));
		const dot = (a: Float32Array) => a.reduce((s, x, i) => s + x * q[i], 0);
		const expected = all
			.map(([id, vec]) => ({ id, s: dot(vec) }))
			.sort((a, b) => b.s - a.s)
			.slice(0, 10)
			.map((x) => x.id);
		expect(index.search(q, { k: 10 }).map((h) => h.id)).toEqual(expected);
	});
});

describe('VectorIndex storage', () => {
	it('keeps rows packed through growth, replacement and deletion', () => {
		const index = new VectorIndex('m', 2);
		for (let i = 0; i < 200; i++) index.set(`p${i}`, `h${i}`, v(Math.cos(i), Math.sin(i)));
		index.set('p5', 'new', v(0.3, -0.9));
		for (let i = 100; i < 200; i++) index.delete(`p${i}`);
		expect(index.size).toBe(100);
		expect(index.get('p5')).toMatchObject({ contentHash: 'new' });
		expect([...index.get('p5')!.vector]).toEqual([...v(0.3, -0.9)]);
		expect([...index.get('p7')!.vector]).toEqual([...v(Math.cos(7), Math.sin(7))]);
		expect(index.search(v(0.3, -0.9), { k: 1 })[0].id).toBe('p5');
		expect(index.has('p150')).toBe(false);
	});
});

/** Every row scored in float64, best first, equal scores in row order: what search must equal. */
function naiveTop(
	index: VectorIndex,
	vectors: Map<string, Float32Array>,
	q: Float32Array,
	opts: { k: number; keep?: (id: string) => boolean; min?: number }
) {
	return index
		.ids()
		.map((id, row) => {
			const vec = vectors.get(id)!;
			let score = 0;
			for (let i = 0; i < vec.length; i++) score += vec[i] * q[i];
			return { id, row, score };
		})
		.filter((h) => (opts.keep?.(h.id) ?? true) && h.score >= (opts.min ?? -Infinity))
		.sort((a, b) => b.score - a.score || a.row - b.row)
		.slice(0, opts.k);
}

function expectSameRanking(
	hits: { id: string; score: number }[],
	expected: { id: string; score: number }[]
) {
	expect(hits.map((h) => h.id)).toEqual(expected.map((h) => h.id));
	hits.forEach((h, i) => expect(h.score).toBeCloseTo(expected[i].score, 9));
}

describe('VectorIndex search against a full float scan', () => {
	const random = seededRandom(11);
	/** Unit vectors around a few centres, so many scores sit close together near the cut. */
	function clustered(n: number, dims: number, spread: number) {
		const centres = Array.from({ length: 5 }, () =>
			normalize(Float32Array.from({ length: dims }, () => gaussian(random)))
		);
		return Array.from({ length: n }, (_, i) =>
			normalize(centres[i % 5].map((c) => c + spread * gaussian(random)))
		);
	}

	for (const [dims, n, spread] of [
		[512, 2001, 0.05],
		[384, 1500, 0.01],
		[7, 333, 0.3]
	] as const) {
		it(`returns exactly the brute-force top k (${dims} dims, ${n} rows, odd counts)`, () => {
			const index = new VectorIndex('m', dims);
			const vectors = new Map<string, Float32Array>();
			clustered(n, dims, spread).forEach((v, i) => {
				index.set(`p${i}`, 'h', v);
				vectors.set(`p${i}`, v);
			});
			for (let t = 0; t < 8; t++) {
				const q = clustered(1, dims, spread * 2)[0];
				for (const k of [1, 10, 37]) {
					expectSameRanking(index.search(q, { k }), naiveTop(index, vectors, q, { k }));
				}
			}
		});
	}

	it('applies filters given as a set (narrow or wide), a function, exclude and minScore', () => {
		const dims = 64;
		const index = new VectorIndex('m', dims);
		const vectors = new Map<string, Float32Array>();
		clustered(900, dims, 0.2).forEach((v, i) => {
			index.set(`p${i}`, 'h', v);
			vectors.set(`p${i}`, v);
		});
		const narrow = new Set([...vectors.keys()].filter((_, i) => i % 10 === 3));
		const wide = new Set([...vectors.keys()].filter((_, i) => i % 3 !== 0));
		const exclude = new Set(['p1', 'p2', 'p4', 'p5', 'p7']);
		for (let t = 0; t < 10; t++) {
			const q = clustered(1, dims, 0.3)[0];
			for (const allowed of [narrow, wide]) {
				expectSameRanking(
					index.search(q, { k: 15, allow: allowed, exclude }),
					naiveTop(index, vectors, q, { k: 15, keep: (id) => allowed.has(id) && !exclude.has(id) })
				);
				expectSameRanking(
					index.search(q, { k: 15, allow: (id) => allowed.has(id), minScore: 0.6 }),
					naiveTop(index, vectors, q, { k: 15, keep: (id) => allowed.has(id), min: 0.6 })
				);
			}
		}
		expect(index.search(clustered(1, dims, 0.3)[0], { allow: new Set() })).toEqual([]);
		expect(index.search(clustered(1, dims, 0.3)[0], { allow: () => false })).toEqual([]);
	});

	it('returns every row when k exceeds the size, and nothing for k = 0', () => {
		const index = new VectorIndex('m', 16);
		const vectors = new Map<string, Float32Array>();
		clustered(40, 16, 0.5).forEach((v, i) => {
			index.set(`p${i}`, 'h', v);
			vectors.set(`p${i}`, v);
		});
		const q = clustered(1, 16, 0.5)[0];
		expect(index.search(q, { k: 1000 })).toHaveLength(40);
		expectSameRanking(index.search(q, { k: 1000 }), naiveTop(index, vectors, q, { k: 1000 }));
		expect(index.search(q, { k: Number.MAX_SAFE_INTEGER })).toHaveLength(40);
		expect(index.search(q, { k: 0 })).toEqual([]);
		expect(new VectorIndex('m', 16).search(q)).toEqual([]);
	});

	it('orders equal scores by row, so duplicates come back in insertion order', () => {
		const index = new VectorIndex('m', 32);
		const [a, b] = clustered(2, 32, 1);
		for (let i = 0; i < 300; i++) index.set(`d${i}`, 'h', i % 2 ? b : a);
		const hits = index.search(a, { k: 150 });
		expect(hits.map((h) => h.id)).toEqual(Array.from({ length: 150 }, (_, i) => `d${2 * i}`));
		expect(new Set(hits.map((h) => h.score)).size).toBe(1);
	});

	it('stays exact after replacements and deletions move rows around', () => {
		const dims = 48;
		const index = new VectorIndex('m', dims);
		const vectors = new Map<string, Float32Array>();
		const fresh = clustered(700, dims, 0.15);
		fresh.slice(0, 500).forEach((v, i) => {
			index.set(`p${i}`, 'h', v);
			vectors.set(`p${i}`, v);
		});
		for (let i = 0; i < 500; i += 3) {
			index.delete(`p${i}`);
			vectors.delete(`p${i}`);
		}
		for (let i = 1; i < 500; i += 7) {
			index.set(`p${i}`, 'h2', fresh[500 + (i % 200)]);
			vectors.set(`p${i}`, fresh[500 + (i % 200)]);
		}
		index.delete('p499'); // the last row: its half of the packed pair is cleared
		vectors.delete('p499');
		for (let t = 0; t < 10; t++) {
			const q = clustered(1, dims, 0.2)[0];
			expectSameRanking(index.search(q, { k: 25 }), naiveTop(index, vectors, q, { k: 25 }));
		}
		index.clear();
		expect(index.search(fresh[0])).toEqual([]);
		index.set('again', 'h', fresh[0]);
		expect(index.search(fresh[0], { k: 3 }).map((h) => h.id)).toEqual(['again']);
	});

	it('refuses non-finite vectors and queries of the wrong size with a clear error', () => {
		const index = new VectorIndex('m', 3);
		expect(() => index.set('bad', 'h', Float32Array.from([0, NaN, 1]))).toThrow(
			/bad has a non-finite number at 1/
		);
		index.set('ok', 'h', v(1, 0, 0));
		expect(() => index.search(new Float32Array(4))).toThrow(/query of 4 numbers for a 3-dim/);
		expect(() => index.search(Float32Array.from([Infinity, 0, 0]))).toThrow(/non-finite/);
		expect(index.search(new Float32Array(3), { k: 1 })).toEqual([{ id: 'ok', score: 0 }]);
	});
});
