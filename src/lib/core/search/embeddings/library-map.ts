/** @module The library map: 2-D positions, clusters and cluster labels from prompt vectors. */
import { clusterLabels } from './cluster-labels';
import { clusterVectors } from './clustering';
import { findNearDuplicates, type DuplicatePair } from './duplicates';
import { project2d, type ProjectionMethod } from './projection';

export interface MapRequest {
	ids: string[];
	vectors: Float32Array[];
	/** The embedded text of each prompt, for cluster labels. */
	texts: string[];
	/** Fixed number of clusters; chosen by silhouette when absent. */
	k?: number;
	method?: ProjectionMethod | 'auto';
}

export interface MapResult {
	ids: string[];
	method: ProjectionMethod;
	points: [number, number][];
	assignments: number[];
	k: number;
	/** Top terms of each cluster. */
	labels: string[][];
	silhouette: number;
}

/** Projects and clusters in one go (heavy: run it in the embeddings worker). */
export function buildLibraryMap(req: MapRequest): MapResult {
	const { method, points } = project2d(req.vectors, { method: req.method });
	const c = clusterVectors(req.vectors, { k: req.k });
	return {
		ids: req.ids,
		method,
		points,
		assignments: c.assignments,
		k: c.k,
		labels: clusterLabels(req.texts, c.assignments, c.k),
		silhouette: c.silhouette
	};
}

export interface DuplicatesRequest {
	ids: string[];
	vectors: Float32Array[];
	threshold: number;
}

export function buildDuplicates(req: DuplicatesRequest): DuplicatePair[] {
	return findNearDuplicates(
		req.ids.map((id, i) => ({ id, vector: req.vectors[i] })),
		req.threshold
	);
}

/** Heavy analyses, run in place (Node) or in the embeddings worker (browser). */
export interface Analyzer {
	map(req: MapRequest): Promise<MapResult>;
	duplicates(req: DuplicatesRequest): Promise<DuplicatePair[]>;
}

export const localAnalyzer: Analyzer = {
	map: async (req) => buildLibraryMap(req),
	duplicates: async (req) => buildDuplicates(req)
};
