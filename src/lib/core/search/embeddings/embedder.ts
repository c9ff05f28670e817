/** @module The interface every text embedder implements, plus vector helpers. */

/** Turns texts into unit-length vectors of `dims` numbers; the same text always gives the same vector. */
export interface Embedder {
	/** Stable id stored with each vector, e.g. `use-lite@1`; vectors of different ids never mix. */
	readonly id: string;
	readonly dims: number;
	/** One L2-normalized vector per text, in order. Empty texts give a zero vector. */
	embed(texts: string[]): Promise<Float32Array[]>;
	/** Frees model memory; the embedder cannot be used afterwards. */
	dispose?(): void;
}

/** Scales `v` to unit length in place (a zero vector stays zero) and returns it. */
export function normalize(v: Float32Array): Float32Array {
	let sum = 0;
	for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
	if (sum === 0) return v;
	const inv = 1 / Math.sqrt(sum);
	for (let i = 0; i < v.length; i++) v[i] *= inv;
	return v;
}

/** Dot product; equals cosine similarity for unit vectors. */
export function dot(a: Float32Array, b: Float32Array): number {
	let s = 0;
	const n = Math.min(a.length, b.length);
	for (let i = 0; i < n; i++) s += a[i] * b[i];
	return s;
}

/** Cosine similarity of any two vectors (0 when either is zero). */
export function cosine(a: Float32Array, b: Float32Array): number {
	let ab = 0;
	let aa = 0;
	let bb = 0;
	for (let i = 0; i < a.length; i++) {
		ab += a[i] * b[i];
		aa += a[i] * a[i];
		bb += b[i] * b[i];
	}
	return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}
