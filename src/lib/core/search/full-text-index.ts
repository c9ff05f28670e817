/** @module Incremental full-text search over the library (MiniSearch) with filters and highlights. */
import MiniSearch, { type SearchResult } from 'minisearch';
import { promptText, type Folder, type Prompt } from '../model/prompt';

export interface SearchFilters {
	/** Matches prompts in this folder or any folder below it. */
	folderId?: string | null;
	projectId?: string;
	tag?: string;
	model?: string;
	author?: string;
}

export interface HighlightSegment {
	text: string;
	match: boolean;
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
}

interface IndexedDoc {
	id: string;
	name: string;
	description: string;
	tags: string;
	content: string;
}

interface FilterFacts {
	folderId: string | null;
	projectId: string | null;
	tags: string[];
	model: string;
	author: string;
	name: string;
	content: string;
	updatedAt: number;
}

const SNIPPET_RADIUS = 60;

/**
 * Splits on ASCII punctuation and whitespace (so `summarize-email_v2` gives its words). A plain
 * character class is several times faster than Unicode property classes on large libraries.
 */
const SEPARATORS = /[^A-Za-z0-9\u00C0-\u1FFF\u2C00-\uD7FF\uF900-\uFFEF]+/;
function tokenize(text: string): string[] {
	return text.split(SEPARATORS).filter(Boolean);
}

export class FullTextIndex {
	#mini = FullTextIndex.#create();
	#facts = new Map<string, FilterFacts>();
	#folderParent = new Map<string, string | null>();

	static #create() {
		return new MiniSearch<IndexedDoc>({
			fields: ['name', 'description', 'tags', 'content'],
			tokenize,
			searchOptions: {
				boost: { name: 4, tags: 2, description: 1.5 },
				// As-you-type: only the last word is a prefix, and only once it has 3 letters.
				prefix: (term, i, terms) => i === terms.length - 1 && term.length >= 3,
				combineWith: 'AND'
			}
		});
	}

	get size(): number {
		return this.#facts.size;
	}

	/** Replaces the whole index (start-up or after an import). */
	rebuild(prompts: Prompt[], folders: Folder[]): void {
		this.#generation++;
		this.#pendingCount = 0;
		this.#mini = FullTextIndex.#create();
		this.#facts.clear();
		this.setFolders(folders);
		const docs: IndexedDoc[] = [];
		for (const p of prompts) {
			if (p.deletedAt !== null) continue;
			docs.push(this.#doc(p));
			this.#facts.set(p.id, this.#factsOf(p));
		}
		this.#mini.addAll(docs);
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
		this.#mini = FullTextIndex.#create();
		this.#facts.clear();
		this.setFolders(folders);
		const live = prompts.filter((p) => p.deletedAt === null);
		for (const p of live) this.#facts.set(p.id, this.#factsOf(p));
		this.#pendingCount = live.length;
		for (let i = 0; i < live.length; i += chunk) {
			await new Promise((resolve) => setTimeout(resolve, 0));
			// A newer rebuild or an edit-driven upsert supersedes this one.
			if (generation !== this.#generation) return;
			for (const p of live.slice(i, i + chunk)) {
				if (this.#facts.has(p.id) && !this.#mini.has(p.id)) this.#mini.add(this.#doc(p));
			}
			this.#pendingCount = Math.max(0, live.length - i - chunk);
		}
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
		this.remove(p.id);
		if (p.deletedAt !== null) return;
		this.#mini.add(this.#doc(p));
		this.#facts.set(p.id, this.#factsOf(p));
	}

	remove(id: string): void {
		if (this.#mini.has(id)) this.#mini.discard(id);
		this.#facts.delete(id);
	}

	/** Ids of every indexed prompt passing `filters` (no ranking, no snippets: cheap). */
	idsPassing(filters: SearchFilters): Set<string> {
		const ids = new Set<string>();
		for (const [id, f] of this.#facts) if (this.#passes(f, filters)) ids.add(id);
		return ids;
	}

	/**
	 * Prompts matching `query` and `filters`, best first. An empty query lists every prompt
	 * that passes the filters, most recently updated first.
	 */
	search(query: string, filters: SearchFilters = {}, limit = 50): SearchHit[] {
		const q = query.trim();
		if (!q) {
			return [...this.#facts.entries()]
				.filter(([, f]) => this.#passes(f, filters))
				.sort((a, b) => b[1].updatedAt - a[1].updatedAt)
				.slice(0, limit)
				.map(([id, f]) => ({
					id,
					name: f.name,
					score: 0,
					fields: [],
					nameSegments: [{ text: f.name, match: false }],
					snippet: [{ text: f.content.slice(0, SNIPPET_RADIUS * 2), match: false }]
				}));
		}
		const filtered = Object.values(filters).some((v) => v !== undefined && v !== null);
		// Without filters every indexed document passes: skip the per-result callback.
		const filter = filtered
			? (r: SearchResult) => {
					const f = this.#facts.get(r.id as string);
					return !!f && this.#passes(f, filters);
				}
			: undefined;
		let results = this.#mini.search(q, { filter });
		// Typo tolerance only when the exact/prefix search finds nothing: fuzzy matching is costly.
		if (!results.length)
			results = this.#mini.search(q, { filter, fuzzy: (t) => (t.length > 3 ? 0.2 : false) });
		return results.slice(0, limit).map((r) => this.#hit(r));
	}

	#hit(r: SearchResult): SearchHit {
		const f = this.#facts.get(r.id as string)!;
		const fields = [...new Set(Object.values(r.match).flat())];
		return {
			id: r.id as string,
			name: f.name,
			score: r.score,
			fields,
			nameSegments: highlight(f.name, r.terms),
			snippet: snippet(f.content, r.terms)
		};
	}

	#passes(f: FilterFacts, filters: SearchFilters): boolean {
		if (filters.tag && !f.tags.includes(filters.tag)) return false;
		if (filters.model && f.model !== filters.model) return false;
		if (filters.author && f.author !== filters.author) return false;
		if (filters.projectId && f.projectId !== filters.projectId) return false;
		if (filters.folderId !== undefined && filters.folderId !== null) {
			let cur = f.folderId;
			const seen = new Set<string>();
			while (cur && cur !== filters.folderId && !seen.has(cur)) {
				seen.add(cur);
				cur = this.#folderParent.get(cur) ?? null;
			}
			if (cur !== filters.folderId) return false;
		}
		return true;
	}

	#doc(p: Prompt): IndexedDoc {
		return {
			id: p.id,
			name: p.name,
			description: p.description,
			tags: p.tags.join(' '),
			content: promptText(p)
		};
	}

	#factsOf(p: Prompt): FilterFacts {
		return {
			folderId: p.folderId,
			projectId: p.projectId,
			tags: p.tags,
			model: p.modelConfig.model,
			author: p.author,
			name: p.name,
			content: promptText(p),
			updatedAt: p.updatedAt
		};
	}
}

function matchRegex(terms: string[]): RegExp | null {
	const words = terms.filter(Boolean).map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
	if (!words.length) return null;
	return new RegExp(`(${words.sort((a, b) => b.length - a.length).join('|')})`, 'giu');
}

/** Splits `text` into segments, marking every occurrence of the matched terms. */
export function highlight(text: string, terms: string[]): HighlightSegment[] {
	const re = matchRegex(terms);
	if (!re) return [{ text, match: false }];
	const out: HighlightSegment[] = [];
	let last = 0;
	for (const m of text.matchAll(re)) {
		const start = m.index ?? 0;
		if (start > last) out.push({ text: text.slice(last, start), match: false });
		out.push({ text: m[0], match: true });
		last = start + m[0].length;
	}
	if (last < text.length) out.push({ text: text.slice(last), match: false });
	return out;
}

/** A window of `text` around the first matched term, highlighted. */
export function snippet(text: string, terms: string[]): HighlightSegment[] {
	const re = matchRegex(terms);
	const first = re ? text.search(re) : -1;
	const start = Math.max(0, first < 0 ? 0 : first - SNIPPET_RADIUS);
	const end = Math.min(text.length, (first < 0 ? 0 : first) + SNIPPET_RADIUS * 2);
	const body = text.slice(start, end).replace(/\s+/g, ' ');
	const segments = highlight(body, terms);
	if (start > 0) segments.unshift({ text: '…', match: false });
	if (end < text.length) segments.push({ text: '…', match: false });
	return segments;
}
