/** @module 2-D projection of prompt vectors for the library map: UMAP for small sets, PCA for large. */
import { UMAP } from 'umap-js';
import { seededRandom } from './random';

export type ProjectionMethod = 'umap' | 'pca';

/** UMAP (umap-js) up to this many points; above it PCA, which takes milliseconds, not minutes. */
export const UMAP_MAX_POINTS = 1500;

export interface Projection {
	method: ProjectionMethod;
	/** One [x, y] per input vector, in input order. */
	points: [number, number][];
}

/** Top-2 principal components by power iteration on the centred data (no covariance matrix). */
export function pca2d(vectors: Float32Array[], seed = 7): [number, number][] {
	const n = vectors.length;
	const d = vectors[0]?.length ?? 0;
	if (n === 0) return [];
	const mean = new Float64Array(d);
	for (const v of vectors) for (let j = 0; j < d; j++) mean[j] += v[j] / n;
	const random = seededRandom(seed);
	const components: Float64Array[] = [];
	for (let c = 0; c < 2; c++) {
		let w: Float64Array = Float64Array.from({ length: d }, () => random() - 0.5);
		for (let iter = 0; iter < 60; iter++) {
			const next = new Float64Array(d);
			for (const v of vectors) {
				let proj = 0;
				for (let j = 0; j < d; j++) proj += (v[j] - mean[j]) * w[j];
				for (let j = 0; j < d; j++) next[j] += proj * (v[j] - mean[j]);
			}
			for (const prev of components) {
				let p = 0;
				for (let j = 0; j < d; j++) p += next[j] * prev[j];
				for (let j = 0; j < d; j++) next[j] -= p * prev[j];
			}
			let norm = 0;
			for (let j = 0; j < d; j++) norm += next[j] * next[j];
			norm = Math.sqrt(norm);
			if (norm === 0) break;
			for (let j = 0; j < d; j++) next[j] /= norm;
			w = next;
		}
		components.push(w);
	}
	return vectors.map((v) => {
		const xy = components.map((w) => {
			let s = 0;
			for (let j = 0; j < d; j++) s += (v[j] - mean[j]) * w[j];
			return s;
		});
		return [xy[0] ?? 0, xy[1] ?? 0];
	});
}

/** Positions for the map; `method: 'auto'` picks UMAP up to UMAP_MAX_POINTS points, else PCA. */
export function project2d(
	vectors: Float32Array[],
	options: { method?: ProjectionMethod | 'auto'; seed?: number } = {}
): Projection {
	const n = vectors.length;
	const method =
		options.method && options.method !== 'auto'
			? options.method
			: n <= UMAP_MAX_POINTS
				? 'umap'
				: 'pca';
	// UMAP needs a handful of neighbours; tiny libraries go through PCA whatever was asked.
	if (method === 'pca' || n < 5) return { method: 'pca', points: pca2d(vectors, options.seed) };
	const umap = new UMAP({
		nComponents: 2,
		nNeighbors: Math.min(15, n - 1),
		minDist: 0.1,
		random: seededRandom(options.seed ?? 7)
	});
	const points = umap.fit(vectors.map((v) => Array.from(v))) as [number, number][];
	return { method: 'umap', points };
}
