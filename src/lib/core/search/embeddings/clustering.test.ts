import { describe, expect, it } from 'vitest';
import { clusterLabels } from './cluster-labels';
import { clusterVectors } from './clustering';
import { duplicateGroups, findNearDuplicates } from './duplicates';
import { normalize } from './embedder';
import { pca2d, project2d } from './projection';
import { gaussian, seededRandom } from './random';

/** `groups` tight blobs of unit vectors around random centres; returns vectors and true labels. */
function blobs(groups: number, perGroup: number, dims: number, spread = 0.15, seed = 1) {
	const random = seededRandom(seed);
	const centres = Array.from({ length: groups }, () =>
		normalize(Float32Array.from({ length: dims }, () => gaussian(random)))
	);
	const vectors: Float32Array[] = [];
	const truth: number[] = [];
	for (let g = 0; g < groups; g++)
		for (let i = 0; i < perGroup; i++) {
			vectors.push(
				normalize(centres[g].map((c) => c + (spread * gaussian(random)) / Math.sqrt(dims)))
			);
			truth.push(g);
		}
	return { vectors, truth };
}

/** True when the two labelings split the points the same way (up to renaming clusters). */
function samePartition(a: number[], b: number[]): boolean {
	const map = new Map<number, number>();
	const back = new Map<number, number>();
	return a.every((x, i) => {
		if ((map.has(x) && map.get(x) !== b[i]) || (back.has(b[i]) && back.get(b[i]) !== x))
			return false;
		map.set(x, b[i]);
		back.set(b[i], x);
		return true;
	});
}

describe('clusterVectors', () => {
	it('recovers known groups and chooses their number by silhouette', () => {
		const { vectors, truth } = blobs(4, 25, 64);
		const c = clusterVectors(vectors);
		expect(c.k).toBe(4);
		expect(samePartition(c.assignments, truth)).toBe(true);
		expect(c.silhouette).toBeGreaterThan(0.5);
	});

	it('honours a fixed k and is deterministic', () => {
		const { vectors } = blobs(3, 20, 32, 0.2, 5);
		const a = clusterVectors(vectors, { k: 5, seed: 9 });
		const b = clusterVectors(vectors, { k: 5, seed: 9 });
		expect(a.k).toBe(5);
		expect(a.assignments).toEqual(b.assignments);
	});

	it('recovers groups on the reduced path used for large libraries', () => {
		const { vectors, truth } = blobs(3, 400, 128, 0.2, 11);
		const c = clusterVectors(vectors, { kMax: 6 });
		expect(c.k).toBe(3);
		expect(samePartition(c.assignments, truth)).toBe(true);
	});

	it('handles tiny inputs', () => {
		expect(clusterVectors([])).toEqual({ k: 0, assignments: [], silhouette: 0 });
		expect(clusterVectors([new Float32Array([1, 0])]).assignments).toEqual([0]);
	});
});

describe('clusterLabels', () => {
	it('labels each cluster with the terms specific to it', () => {
		const labels = clusterLabels(
			[
				'Translate the email into French',
				'Translate this letter into French please',
				'Write SQL for the orders table',
				'SQL query over the orders table'
			],
			[0, 0, 1, 1],
			2,
			2
		);
		expect(labels[0]).toEqual(['french', 'translate']);
		expect(labels[1]).toEqual(['orders', 'sql']);
	});
});

describe('projections', () => {
	it('PCA keeps well-separated groups apart on the first axis', () => {
		const { vectors, truth } = blobs(2, 30, 32, 0.1, 3);
		const points = pca2d(vectors);
		const xs = (g: number) => points.filter((_, i) => truth[i] === g).map((p) => p[0]);
		const [a, b] = [xs(0), xs(1)];
		expect(Math.max(...a) < Math.min(...b) || Math.max(...b) < Math.min(...a)).toBe(true);
	});

	it('uses UMAP for small sets and PCA above the limit', () => {
		const { vectors } = blobs(3, 10, 16);
		const small = project2d(vectors);
		expect(small.method).toBe('umap');
		expect(small.points).toHaveLength(30);
		expect(small.points.every(([x, y]) => Number.isFinite(x) && Number.isFinite(y))).toBe(true);
		expect(project2d(vectors, { method: 'pca' }).method).toBe('pca');
		expect(project2d(vectors.slice(0, 3)).method).toBe('pca');
	});
});

describe('near-duplicates', () => {
	it('finds pairs above the threshold and groups them', () => {
		const items = [
			{ id: 'a', vector: normalize(Float32Array.from([1, 0, 0])) },
			{ id: 'a2', vector: normalize(Float32Array.from([1, 0.05, 0])) },
			{ id: 'a3', vector: normalize(Float32Array.from([1, 0.1, 0])) },
			{ id: 'b', vector: normalize(Float32Array.from([0, 1, 0])) }
		];
		const pairs = findNearDuplicates(items, 0.99);
		expect(pairs.map((p) => `${p.a}-${p.b}`).sort()).toEqual(['a-a2', 'a-a3', 'a2-a3']);
		expect(pairs.map((p) => p.similarity)).toEqual(
			pairs.map((p) => p.similarity).sort((x, y) => y - x)
		);
		expect(pairs.at(-1)).toMatchObject({ a: 'a', b: 'a3' });
		expect(findNearDuplicates(items, 0.9999)).toHaveLength(0);
		expect(duplicateGroups(pairs).map((g) => g.sort())).toEqual([['a', 'a2', 'a3']]);
	});
});
