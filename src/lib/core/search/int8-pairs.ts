/**
 * @module Int8 rows packed two to a float64, so one multiply-add scores two rows at once.
 *
 * Each vector is scaled to integers in [-L, L] (L = 127 up to 2,080 dims). Rows 2p and 2p+1 share
 * one Float64Array row: `lo + hi · 2^26`. Multiplying by an integer query and summing gives
 * `dot(q, lo) + dot(q, hi) · 2^26`, exactly (every partial sum is an integer below 2^53), and the
 * two dot products separate again because |dot(q, lo)| < 2^25. That halves the arithmetic of a
 * scan and avoids float32→float64 conversions; no SIMD needed, so it runs wherever JS does.
 *
 * The integer scores are approximate; `errorBound` gives a certain bound on how far each one can
 * be from the exact cosine, so callers re-rank only the rows that could still make the cut.
 */

const SHIFT = 2 ** 26;
const LIMIT = 2 ** 25 - 1;

/** Largest integer level for `dims` (keeps |dot(q, row)| ≤ dims · L² below 2^25). */
export function int8Levels(dims: number): number {
	return Math.max(1, Math.min(127, Math.floor(Math.sqrt(LIMIT / Math.max(1, dims)))));
}

export interface QuantizedVector {
	/** Integer levels of each component (as doubles, ready to multiply). */
	codes: Float64Array;
	/** Real value of one level: v ≈ codes · scale. */
	scale: number;
	/** ‖v − codes · scale‖: how much quantization moved the vector. */
	errorNorm: number;
	/** ‖codes · scale‖. */
	norm: number;
}

/** Quantizes `v` to `levels` integer steps per sign, scaled by its largest component. */
export function quantize(
	v: ArrayLike<number>,
	levels: number,
	out: Float64Array = new Float64Array(v.length)
): QuantizedVector {
	let max = 0;
	for (let i = 0; i < v.length; i++) {
		const a = Math.abs(v[i]);
		if (a > max) max = a;
	}
	if (max === 0) {
		out.fill(0);
		return { codes: out, scale: 0, errorNorm: 0, norm: 0 };
	}
	const scale = max / levels;
	let err = 0;
	let norm = 0;
	for (let i = 0; i < v.length; i++) {
		const c = Math.max(-levels, Math.min(levels, Math.round(v[i] / scale)));
		out[i] = c;
		const r = c * scale;
		const e = v[i] - r;
		err += e * e;
		norm += r * r;
	}
	return { codes: out, scale, errorNorm: Math.sqrt(err), norm: Math.sqrt(norm) };
}

/** Reads the codes of one lane (0: even row, 1: odd row) of a packed pair row. */
export function readLane(
	packed: Float64Array,
	base: number,
	dims: number,
	lane: 0 | 1
): Float64Array {
	const out = new Float64Array(dims);
	for (let j = 0; j < dims; j++) {
		const t = packed[base + j];
		const hi = Math.round(t / SHIFT);
		out[j] = lane === 1 ? hi : t - hi * SHIFT;
	}
	return out;
}

/** Writes `codes` into one lane of a packed pair row, keeping the other lane. */
export function writeLane(
	packed: Float64Array,
	base: number,
	codes: ArrayLike<number>,
	lane: 0 | 1
): void {
	for (let j = 0; j < codes.length; j++) {
		const t = packed[base + j];
		const hi = Math.round(t / SHIFT);
		const lo = t - hi * SHIFT;
		packed[base + j] = lane === 1 ? lo + codes[j] * SHIFT : codes[j] + hi * SHIFT;
	}
}

/**
 * Integer dot products of the query codes with rows 0…rows−1 into `out[row]`. Four running sums
 * per pair let the engine overlap the multiply-adds.
 */
export function scanPairs(
	packed: Float64Array,
	query: Float64Array,
	rows: number,
	dims: number,
	out: Float64Array
): void {
	const d4 = dims - (dims % 4);
	const pairs = rows >> 1;
	let base = 0;
	for (let p = 0; p < pairs; p++, base += dims) {
		let s0 = 0;
		let s1 = 0;
		let s2 = 0;
		let s3 = 0;
		for (let j = 0; j < d4; j += 4) {
			s0 += query[j] * packed[base + j];
			s1 += query[j + 1] * packed[base + j + 1];
			s2 += query[j + 2] * packed[base + j + 2];
			s3 += query[j + 3] * packed[base + j + 3];
		}
		for (let j = d4; j < dims; j++) s0 += query[j] * packed[base + j];
		const t = s0 + s1 + s2 + s3;
		const hi = Math.round(t / SHIFT);
		out[2 * p] = t - hi * SHIFT;
		out[2 * p + 1] = hi;
	}
	if (rows & 1) {
		// The odd last row: its partner lane may hold a stale row, so separate the lanes anyway.
		let t = 0;
		for (let j = 0; j < dims; j++) t += query[j] * packed[base + j];
		out[rows - 1] = t - Math.round(t / SHIFT) * SHIFT;
	}
}

/**
 * A certain bound on |q·v − qScale·vScale·(qCodes·vCodes)| for real q, v: with q = q̂ + e_q and
 * v = v̂ + e_v, the difference is q·e_v + e_q·v̂, at most ‖q‖‖e_v‖ + ‖e_q‖‖v̂‖ (Cauchy–Schwarz),
 * plus a little room for float rounding.
 */
export function errorBound(
	queryNorm: number,
	queryError: number,
	rowError: number,
	rowNorm: number
): number {
	return queryNorm * rowError + queryError * rowNorm + 1e-9;
}
