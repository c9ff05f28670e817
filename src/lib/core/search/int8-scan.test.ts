import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Int8Rows, quantize, errorBound } from './int8-scan';

const plainDot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
	let s = 0;
	for (let j = 0; j < a.length; j++) s += a[j] * b[j];
	return s;
};

describe('Int8Rows', () => {
	it('runs on the WebAssembly SIMD kernel here', () => {
		expect(new Int8Rows(8).simd).toBe(true);
	});

	it('scores every row exactly as integer dot products, through growth and row copies', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 1, max: 70 }),
				fc.integer({ min: 0, max: 150 }),
				fc.integer({ min: 0, max: 2 ** 31 - 1 }),
				(dims, n, seed) => {
					let state = seed;
					const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) % 255) - 127;
					const rows = new Int8Rows(dims, 4);
					const data: number[][] = [];
					for (let r = 0; r < n; r++) {
						if (r >= rows.capacity) rows.reserve(rows.capacity * 2, r);
						data.push(Array.from({ length: dims }, next));
						rows.write(r, data[r]);
					}
					if (n > 2) {
						rows.copy(n - 1, 0);
						data[0] = data[n - 1];
					}
					const query = Int16Array.from({ length: dims }, next);
					const scores = rows.scan(query, n);
					for (let r = 0; r < n; r++) expect(scores[r]).toBe(plainDot(query, data[r]));
				}
			),
			{ numRuns: 60 }
		);
	});
});

describe('quantize and errorBound', () => {
	it('bound the gap between the int8 estimate and the exact dot product', () => {
		fc.assert(
			fc.property(
				fc.array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: 1, maxLength: 40 }),
				fc.array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: 40, maxLength: 40 }),
				(a, b40) => {
					const b = b40.slice(0, a.length);
					const qa = quantize(a);
					const qb = quantize(b);
					const estimate = plainDot(qa.codes, qb.codes) * qa.scale * qb.scale;
					const normA = Math.sqrt(plainDot(a, a));
					expect(Math.abs(plainDot(a, b) - estimate)).toBeLessThanOrEqual(
						errorBound(normA, qa.errorNorm, qb.errorNorm, qb.norm) + 1e-6
					);
				}
			)
		);
	});
});
