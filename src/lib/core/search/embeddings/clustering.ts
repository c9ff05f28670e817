/** @module k-means clustering of prompt vectors (ml-kmeans) with k chosen by silhouette. */
import { kmeans } from 'ml-kmeans';
import { gaussian, seededRandom } from './random';

export interface ClusterOptions {
	/** A fixed number of clusters (the user's setting); otherwise chosen by silhouette. */
	k?: number;
	/** Largest k tried when choosing (default 12, and never more than √n). */
	kMax?: number;
	seed?: number;
}

export interface Clustering {
	k: number;
	/** Cluster index of each input vector, in input order. */
	assignments: number[];
	/** Mean silhouette of the chosen clustering on a sample, in [-1, 1]. */
	silhouette: number;
}

/** Above this many points, k-means runs on a random projection to REDUCED_DIMS dimensions. */
export const REDUCE_ABOVE = 1000;
const REDUCED_DIMS = 48;
const SILHOUETTE_SAMPLE = 600;
/** Above this many points, k is chosen on a random sample of this size. */
const CHOOSE_SAMPLE = 2000;

/** Seeded Gaussian random projection (Johnson–Lindenstrauss): keeps distances approximately. */
function randomProjection(vectors: Float32Array[], dims: number, seed: number): number[][] {
	const d = vectors[0].length;
	const random = seededRandom(seed ^ 0x9e3779b9);
	const basis = Array.from({ length: dims }, () => {
		const row = new Float32Array(d);
		for (let j = 0; j < d; j++) row[j] = gaussian(random) / Math.sqrt(dims);
		return row;
	});
	return vectors.map((v) =>
		basis.map((row) => {
			let s = 0;
			for (let j = 0; j < d; j++) s += row[j] * v[j];
			return s;
		})
	);
}

function sqDist(a: number[], b: number[]): number {
	let s = 0;
	for (let i = 0; i < a.length; i++) {
		const x = a[i] - b[i];
		s += x * x;
	}
	return s;
}

/** Mean silhouette (Euclidean) over the points at `sample` indices, compared within the sample. */
export function silhouette(data: number[][], assignments: number[], sample: number[]): number {
	let total = 0;
	for (const i of sample) {
		const sums = new Map<number, { sum: number; n: number }>();
		for (const j of sample) {
			if (i === j) continue;
			const c = assignments[j];
			const e = sums.get(c) ?? { sum: 0, n: 0 };
			e.sum += Math.sqrt(sqDist(data[i], data[j]));
			e.n++;
			sums.set(c, e);
		}
		const own = sums.get(assignments[i]);
		if (!own || own.n === 0) continue; // a singleton's silhouette is 0
		const a = own.sum / own.n;
		let b = Infinity;
		for (const [c, e] of sums) if (c !== assignments[i]) b = Math.min(b, e.sum / e.n);
		if (b === Infinity) continue;
		total += (b - a) / Math.max(a, b);
	}
	return sample.length ? total / sample.length : 0;
}

function sampleIndices(n: number, size: number, random: () => number): number[] {
	const idx = Array.from({ length: n }, (_, i) => i);
	if (n <= size) return idx;
	for (let i = 0; i < size; i++) {
		const j = i + Math.floor(random() * (n - i));
		[idx[i], idx[j]] = [idx[j], idx[i]];
	}
	return idx.slice(0, size);
}

/**
 * Clusters unit vectors with k-means (k-means++ start, seeded). Without `options.k`, tries
 * k = 2…kMax and keeps the k with the best mean silhouette. Deterministic for a given seed.
 */
export function clusterVectors(vectors: Float32Array[], options: ClusterOptions = {}): Clustering {
	const n = vectors.length;
	const seed = options.seed ?? 42;
	if (n === 0) return { k: 0, assignments: [], silhouette: 0 };
	if (n < 3) return { k: 1, assignments: vectors.map(() => 0), silhouette: 0 };
	const data =
		n > REDUCE_ABOVE && vectors[0].length > REDUCED_DIMS
			? randomProjection(vectors, REDUCED_DIMS, seed)
			: vectors.map((v) => Array.from(v));
	const sample = sampleIndices(n, SILHOUETTE_SAMPLE, seededRandom(seed));
	const run = (k: number) =>
		kmeans(data, k, { seed, initialization: 'kmeans++', maxIterations: 100 }).clusters;
	if (options.k !== undefined) {
		const k = Math.max(1, Math.min(options.k, n));
		const assignments = run(k);
		return { k, assignments, silhouette: k > 1 ? silhouette(data, assignments, sample) : 0 };
	}
	const kMax = Math.min(options.kMax ?? 12, Math.floor(Math.sqrt(n)) + 1, n - 1);
	// k is chosen on a sample (every k-means run on all points would cost n·k per iteration);
	// the chosen k then runs once on every point.
	const chooseOn =
		n > CHOOSE_SAMPLE ? sampleIndices(n, CHOOSE_SAMPLE, seededRandom(seed + 1)) : null;
	const subset = chooseOn ? chooseOn.map((i) => data[i]) : data;
	const subSample = chooseOn
		? sampleIndices(subset.length, SILHOUETTE_SAMPLE, seededRandom(seed))
		: sample;
	let bestK = 1;
	let bestScore = 0;
	let bestAssignments: number[] | null = null;
	for (let k = 2; k <= kMax; k++) {
		const assignments = kmeans(subset, k, {
			seed,
			initialization: 'kmeans++',
			maxIterations: 100
		}).clusters;
		const s = silhouette(subset, assignments, subSample);
		if (s > bestScore) [bestK, bestScore, bestAssignments] = [k, s, assignments];
	}
	if (bestK === 1) return { k: 1, assignments: vectors.map(() => 0), silhouette: 0 };
	if (!chooseOn) return { k: bestK, assignments: bestAssignments!, silhouette: bestScore };
	const assignments = run(bestK);
	return { k: bestK, assignments, silhouette: silhouette(data, assignments, sample) };
}
