/** @module Hybrid search: reciprocal rank fusion of full-text and semantic rankings. */
import type { FullTextIndex, SearchFilters } from './full-text-index';

/** The usual RRF constant: damps the weight of the very first ranks. */
export const RRF_K = 60;

export interface FusedHit {
	id: string;
	/** Σ 1 / (RRF_K + rank) over the rankings that contain the id. */
	score: number;
	/** 1-based rank in each input ranking, when present there. */
	ranks: (number | null)[];
}

/**
 * Fuses rankings (each a list of ids, best first) by reciprocal rank fusion: an id ranked high in
 * either list, or fairly high in both, comes first. Ties keep the order of first appearance.
 */
export function reciprocalRankFusion(rankings: string[][], k = RRF_K): FusedHit[] {
	const fused = new Map<string, FusedHit>();
	rankings.forEach((ranking, list) => {
		ranking.forEach((id, i) => {
			let hit = fused.get(id);
			if (!hit) {
				hit = { id, score: 0, ranks: rankings.map(() => null) };
				fused.set(id, hit);
			}
			if (hit.ranks[list] !== null) return; // a repeated id counts once per list
			hit.ranks[list] = i + 1;
			hit.score += 1 / (k + i + 1);
		});
	});
	return [...fused.values()].sort((a, b) => b.score - a.score);
}

function hasFilters(filters: SearchFilters): boolean {
	return Object.values(filters).some((v) => v !== undefined && v !== null && v !== '');
}

/**
 * The ids passing `filters` under exactly the full-text index's rules (folder subtree, tag,
 * model, author, project), or null when there are no filters (everything passes).
 */
export function allowedIds(fullText: FullTextIndex, filters: SearchFilters): Set<string> | null {
	if (!hasFilters(filters)) return null;
	return fullText.idsPassing(filters);
}
