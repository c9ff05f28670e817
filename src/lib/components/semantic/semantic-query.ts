/** @module Runs a semantic, hybrid or "more like this" query and shapes hits like full-text ones. */
import type { SearchFilters, SearchHit } from '$lib/core/search/full-text-index';
import type { Prompt } from '$lib/core/model/prompt';
import { promptText } from '$lib/core/model/prompt-text';
import type { SemanticService } from '$lib/core/search/embeddings/semantic-service';

export interface SemanticQuery {
	mode: 'semantic' | 'hybrid';
	query: string;
	filters: SearchFilters;
	/** When set, lists prompts like this one instead of matching `query`. */
	likeId?: string | null;
}

function toHit(id: string, score: number, prompts: Map<string, Prompt>): SearchHit | null {
	const p = prompts.get(id);
	if (!p) return null;
	const text = promptText(p).replace(/\s+/g, ' ');
	return {
		id,
		name: p.name,
		score,
		fields: [],
		nameSegments: [{ text: p.name, match: false }],
		snippet: [{ text: text.length > 120 ? text.slice(0, 120) + '…' : text, match: false }]
	};
}

export async function runSemanticQuery(
	service: SemanticService,
	q: SemanticQuery,
	prompts: Map<string, Prompt>
): Promise<SearchHit[]> {
	const raw = q.likeId
		? await service.similarTo(q.likeId, { filters: q.filters, k: 20 })
		: q.mode === 'hybrid'
			? await service.hybrid(q.query, { filters: q.filters, k: 50 })
			: await service.search(q.query, { filters: q.filters, k: 50 });
	return raw.map((h) => toHit(h.id, h.score, prompts)).filter((h): h is SearchHit => !!h);
}
