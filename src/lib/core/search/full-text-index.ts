/**
 * @module Incremental full-text search over the library with filters and highlights: a compact
 * inverted index (`text/inverted-index`) ranked like MiniSearch's BM25+, top-k selected, and only
 * the returned hits highlighted.
 */
import { promptText, type Folder, type Prompt } from '../model/prompt';
import { InvertedIndex, type QueryTerm } from './text/inverted-index';
import { queryTerms } from './text/tokens';
import {
	highlight,
	highlightWith,
	matchPattern,
	plainSnippet,
	snippet,
	snippetWith,
	type HighlightSegment
} from './text/highlight';

export { highlight, snippet, type HighlightSegment };

export interface SearchFilters {
	/** Matches prompts in this folder or any folder below it. */
	folderId?: string | null;
	projectId?: string;
	tag?: string;
	model?: string;
	author?: string;
}

export interface SearchHit {
	id: string;
	name: string;
	score: number;
	/** Fields in which query terms matched. */
	fields: string[];
	nameSegments: HighlightSegment[];
	/** A short excerpt of the content around the first match. */
	snippet: HighlightSegment[];
	/** The description with the query's words marked (when the description matched). */
	descriptionSegments?: HighlightSegment[];
	/** Tags that matched the query, with the matched words marked. */
	tagSegments?: { tag: string; segments: HighlightSegment[] }[];
}

interface FilterFacts {
	folderId: string | null;
	projectId: string | null;
	tags: string[];
	model: string;
	author: string;
	name: string;
	description: string;
	content: string;
	updatedAt: number;
}

const FIELDS = ['name', 'description', 'tags', 'content'] as const;
const BOOSTS = [4, 1.5, 2, 1];

/** Filter values as facet keys: kind, a NUL, the value (no value contains a NUL). */
const facet = (kind: string, value: string) => `${kind}\u0000${value}`;

function createIndex() {
	return new InvertedIndex<FilterFacts>(
		(f) => [f.name, f.description, f.tags.join(' '), f.content],
		BOOSTS,
		(f) => [
			...f.tags.map((t) => facet('tag', t)),
			facet('model', f.model),
			facet('author', f.author),
			...(f.projectId === null ? [] : [facet('project', f.projectId)]),
			...(f.folderId === null ? [] : [facet('folder', f.folderId)])
		]
	);
}

export class FullTextIndex {
	#index = createIndex();
	#folderParent = new Map<string, string | null>();

	get size(): number {
		return this.#index.size;
	}

	/** Replaces the whole index (start-up or after an import). */
	rebuild(prompts: Prompt[], folders: Folder[]): void {
		this.#generation++;
		this.#pendingCount = 0;
		this.#index = createIndex();
		this.setFolders(folders);
		for (const p of prompts) if (p.deletedAt === null) this.#index.add(p.id, factsOf(p));
		this.#index.settle();
	}

	/** Documents still waiting to be indexed by `rebuildInBackground` (0 when search is complete). */
	get pending(): number {
		return this.#pendingCount;
	}
	#pendingCount = 0;
	#generation = 0;

	/**
	 * Like `rebuild`, but indexes in chunks, yielding between them so a large library opens at
	 * once: listing and filters work immediately, text matches fill in as indexing proceeds.
	 */
	async rebuildInBackground(prompts: Prompt[], folders: Folder[], chunk = 500): Promise<void> {
		const generation = ++this.#generation;
		const index = (this.#index = createIndex());
		this.setFolders(folders);
		const live = prompts.filter((p) => p.deletedAt === null);
		for (const p of live) index.add(p.id, factsOf(p), false);
		this.#pendingCount = live.length;
		for (let i = 0; i < live.length; i += chunk) {
			await new Promise((resolve) => setTimeout(resolve, 0));
			// A newer rebuild supersedes this one.
			if (generation !== this.#generation) return;
			for (const p of live.slice(i, i + chunk)) index.indexText(p.id);
			this.#pendingCount = Math.max(0, live.length - i - chunk);
		}
		index.settle();
	}

	setFolders(folders: Folder[]): void {
		this.#folderParent = new Map(folders.map((f) => [f.id, f.parentId]));
	}

	updateFolders(upserted: Folder[], removed: string[]): void {
		for (const f of upserted) this.#folderParent.set(f.id, f.parentId);
		for (const id of removed) this.#folderParent.delete(id);
	}

	/** Adds, updates or removes (when trashed) one prompt. */
	upsert(p: Prompt): void {
		if (p.deletedAt !== null) this.#index.remove(p.id);
		else this.#index.add(p.id, factsOf(p));
	}

	remove(id: string): void {
		this.#index.remove(id);
	}

	/** Ids of every indexed prompt passing `filters` (no ranking, no snippets: cheap). */
	idsPassing(filters: SearchFilters): Set<string> {
		const passes = this.#filter(filters);
		const ids = new Set<string>();
		this.#index.forEach((id, f) => {
			if (!passes || passes(f)) ids.add(id);
		});
		return ids;
	}

	/**
	 * Prompts matching `query` and `filters`, best first. An empty query lists every prompt
	 * that passes the filters, most recently updated first.
	 *
	 * A prompt matches when each query word is one of its words (any field, case-insensitive);
	 * the last word, from 3 letters on, may also start one (as you type). When nothing matches,
	 * words longer than 3 letters may also be a few edits away (a typo). Ranking is BM25+ with
	 * the name weighted 4, tags 2, description 1.5, content 1.
	 */
	search(query: string, filters: SearchFilters = {}, limit = 50): SearchHit[] {
		const terms = queryTerms(query);
		if (!terms.length) return this.#recent(this.#filter(filters), limit);
		const index = this.#index;
		const groups = this.#facetGroups(filters);
		const accept = groups.length ? index.select(groups) : null;
		const spec = (fuzzy: boolean) =>
			terms.map((term, i): QueryTerm => ({
				term,
				prefix: i === terms.length - 1 && term.length >= 3,
				fuzzy: fuzzy && term.length > 3 ? 0.2 : 0
			}));
		let found = index.search(spec(false), accept, limit);
		// Typo tolerance only when the exact/prefix search finds nothing: fuzzy matching is costly.
		if (!found.hits.length) found = index.search(spec(true), accept, limit);
		// Highlights mark the hit's own matched words; hits matching the same words share a pattern.
		const patterns = new Map<string, RegExp | null>();
		return found.hits.map(({ slot, score, fields }) => {
			const f = index.payloadAt(slot);
			const words = found.wordsOf(slot);
			const key = words.join(' ');
			let pattern = patterns.get(key);
			if (pattern === undefined) patterns.set(key, (pattern = matchPattern(words)));
			return {
				id: index.idAt(slot),
				name: f.name,
				score,
				fields: FIELDS.filter((_, i) => fields & (1 << i)),
				nameSegments: highlightWith(f.name, pattern),
				snippet: snippetWith(f.content, pattern),
				...(fields & (1 << 1)
					? { descriptionSegments: highlightWith(f.description, pattern) }
					: {}),
				...(fields & (1 << 2)
					? {
							tagSegments: f.tags
								.map((tag) => ({ tag, segments: highlightWith(tag, pattern) }))
								.filter((t) => t.segments.some((s) => s.match))
						}
					: {})
			};
		});
	}

	/** Every prompt passing the filters, most recently updated first (equal times: oldest entry). */
	#recent(passes: ((f: FilterFacts) => boolean) | null, limit: number): SearchHit[] {
		const kept: { id: string; f: FilterFacts; order: number }[] = [];
		let order = 0;
		let floor = -Infinity;
		this.#index.forEach((id, f) => {
			order++;
			if (kept.length >= limit && f.updatedAt <= floor) return;
			if (passes && !passes(f)) return;
			kept.push({ id, f, order });
			if (kept.length >= limit * 2) {
				kept.sort(byRecency);
				kept.length = limit;
				floor = kept[limit - 1].f.updatedAt;
			}
		});
		return kept
			.sort(byRecency)
			.slice(0, limit)
			.map(({ id, f }) => ({
				id,
				name: f.name,
				score: 0,
				fields: [],
				nameSegments: [{ text: f.name, match: false }],
				snippet: plainSnippet(f.content)
			}));
	}

	/** The filters as facet groups (each group: any of its keys; all groups must hold). */
	#facetGroups(filters: SearchFilters): string[][] {
		const { tag, model, author, projectId, folderId } = filters;
		const groups: string[][] = [];
		if (tag) groups.push([facet('tag', tag)]);
		if (model) groups.push([facet('model', model)]);
		if (author) groups.push([facet('author', author)]);
		if (projectId) groups.push([facet('project', projectId)]);
		if (folderId !== undefined && folderId !== null) {
			const below = this.#underFolder(folderId);
			const folders = [folderId];
			for (const id of this.#folderParent.keys())
				if (id !== folderId && below(id)) folders.push(id);
			groups.push(folders.map((id) => facet('folder', id)));
		}
		return groups;
	}

	/** Whether a folder is `folderId` or below it (memoized for the life of the test). */
	#underFolder(folderId: string): (start: string | null) => boolean {
		const below = new Map<string | null, boolean>();
		return (start) => {
			const known = below.get(start);
			if (known !== undefined) return known;
			let cur = start;
			const seen = new Set<string>();
			while (cur && cur !== folderId && !seen.has(cur)) {
				seen.add(cur);
				cur = this.#folderParent.get(cur) ?? null;
			}
			const result = cur === folderId;
			below.set(start, result);
			return result;
		};
	}

	/** A test for the filters, or null when there are none. */
	#filter(filters: SearchFilters): ((f: FilterFacts) => boolean) | null {
		const { tag, model, author, projectId, folderId } = filters;
		if (!tag && !model && !author && !projectId && (folderId === undefined || folderId === null))
			return null;
		const inFolder =
			folderId === undefined || folderId === null ? null : this.#underFolder(folderId);
		return (f) =>
			!(tag && !f.tags.includes(tag)) &&
			!(model && f.model !== model) &&
			!(author && f.author !== author) &&
			!(projectId && f.projectId !== projectId) &&
			(!inFolder || inFolder(f.folderId));
	}
}

function byRecency(
	a: { f: FilterFacts; order: number },
	b: { f: FilterFacts; order: number }
): number {
	return b.f.updatedAt - a.f.updatedAt || a.order - b.order;
}

function factsOf(p: Prompt): FilterFacts {
	return {
		folderId: p.folderId,
		projectId: p.projectId,
		tags: p.tags,
		model: p.modelConfig.model,
		author: p.author,
		name: p.name,
		description: p.description,
		content: promptText(p),
		updatedAt: p.updatedAt
	};
}
