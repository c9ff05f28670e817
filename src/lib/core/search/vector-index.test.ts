import { describe, expect, it } from 'vitest';
import { normalize } from './embeddings/embedder';
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
