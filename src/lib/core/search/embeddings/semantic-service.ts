/** @module Semantic search over the library: incremental embedding, cache, search, map, duplicates. */
import type { DomainEvents, EventBus } from '../../events';
import { EventBus as Bus } from '../../events';
import type { PromptloomDb } from '../../store/db';
import type { FullTextIndex, SearchFilters } from '../full-text-index';
import { allowedIds, reciprocalRankFusion } from '../hybrid';
import { VectorIndex, type VectorHit } from '../vector-index';
import type { DuplicatePair } from './duplicates';
import { DEFAULT_DUPLICATE_THRESHOLD } from './duplicates';
import type { Embedder } from './embedder';
import { contentHash, embedText } from './embed-text';
import type { EmbeddingRecord } from './embedding-record';
import { localAnalyzer, type Analyzer, type MapResult } from './library-map';
import type { ProjectionMethod } from './projection';

/** Where indexing stands; the UI shows it as a progress line. */
export type SemanticStatus =
	| { state: 'idle' }
	| { state: 'loading-model' }
	| { state: 'indexing'; model: string; done: number; total: number }
	| { state: 'ready'; model: string; size: number }
	| { state: 'error'; message: string };

export interface SemanticEvents {
	status: SemanticStatus;
}

export interface SyncSummary {
	/** Prompts whose vectors were computed now. */
	embedded: number;
	/** Prompts whose cached vector was still current. */
	reused: number;
	/** Vectors dropped because their prompt is gone or trashed. */
	removed: number;
}

export interface SemanticHit extends VectorHit {
	name: string;
}

export interface HybridHit {
	id: string;
	name: string;
	score: number;
	fullTextRank: number | null;
	semanticRank: number | null;
}

export interface SemanticServiceOptions {
	db: PromptloomDb;
	fullText: FullTextIndex;
	/**
	 * The embedder (the caller frees it), or a function loading it on first use (the model is
	 * large; the service frees what it loads).
	 */
	embedder: Embedder | (() => Promise<Embedder>);
	/** When given, prompt changes are re-embedded automatically (debounced). */
	events?: EventBus<DomainEvents>;
	analyzer?: Analyzer;
	now?: () => number;
	/** Prompts embedded per step; progress is reported after each. */
	batchSize?: number;
	/** Delay before re-embedding after prompt changes (ms). */
	debounceMs?: number;
}

export interface SemanticQueryOptions {
	filters?: SearchFilters;
	k?: number;
	/** Drops semantic hits below this similarity (default 0.15: unrelated prompts stay out). */
	minScore?: number;
}

const DEFAULT_MIN_SCORE = 0.15;

export class SemanticService {
	readonly status = new Bus<SemanticEvents>();
	#db: PromptloomDb;
	#fullText: FullTextIndex;
	#load!: () => Promise<Embedder>;
	/** Embedders the service loaded itself are freed by it; those passed in belong to the caller. */
	#owned = false;
	#embedder: Promise<Embedder> | null = null;
	#index: VectorIndex | null = null;
	#texts = new Map<string, string>();
	#names = new Map<string, string>();
	#analyzer: Analyzer;
	#now: () => number;
	#batchSize: number;
	#debounceMs: number;
	#chain: Promise<unknown> = Promise.resolve();
	#timer: ReturnType<typeof setTimeout> | null = null;
	#current: SemanticStatus = { state: 'idle' };
	#unsubscribe: (() => void)[] = [];

	constructor(options: SemanticServiceOptions) {
		this.#db = options.db;
		this.#fullText = options.fullText;
		this.#setLoader(options.embedder);
		this.#analyzer = options.analyzer ?? localAnalyzer;
		this.#now = options.now ?? Date.now;
		this.#batchSize = options.batchSize ?? 16;
		this.#debounceMs = options.debounceMs ?? 400;
		if (options.events) {
			const schedule = () => this.#schedule();
			this.#unsubscribe.push(options.events.on('prompts:changed', schedule));
			this.#unsubscribe.push(options.events.on('library:replaced', schedule));
		}
	}

	#setLoader(e: Embedder | (() => Promise<Embedder>)) {
		this.#owned = typeof e === 'function';
		this.#load = typeof e === 'function' ? e : async () => e;
	}

	async #release() {
		const old = this.#embedder;
		this.#embedder = null;
		if (this.#owned) (await old?.catch(() => null))?.dispose?.();
	}

	get current(): SemanticStatus {
		return this.#current;
	}

	/** The model id of the vectors in use (null before the first sync). */
	get model(): string | null {
		return this.#index?.model ?? null;
	}

	#emit(s: SemanticStatus) {
		this.#current = s;
		this.status.emit('status', s);
	}

	#schedule() {
		if (!this.#index) return; // nothing indexed yet: the first search will sync
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = setTimeout(() => {
			this.#timer = null;
			this.sync().catch(() => undefined); // the status event carries the error
		}, this.#debounceMs);
	}

	/** Runs `task` after every task queued before it (syncs never overlap). */
	#serial<T>(task: () => Promise<T>): Promise<T> {
		const next = this.#chain.then(task, task);
		this.#chain = next.catch(() => undefined);
		return next;
	}

	async #getEmbedder(): Promise<Embedder> {
		if (!this.#embedder) {
			this.#emit({ state: 'loading-model' });
			this.#embedder = this.#load().catch((e) => {
				this.#embedder = null;
				throw e;
			});
		}
		return this.#embedder;
	}

	/**
	 * Brings the vectors up to date: reuses every cached vector whose content hash and model
	 * still match, embeds only new or changed prompts (saving them in the `embeddings` table),
	 * and drops trashed ones. Emits `indexing` progress after each batch.
	 */
	sync(): Promise<SyncSummary> {
		return this.#serial(async () => {
			try {
				return await this.#sync();
			} catch (e) {
				this.#emit({ state: 'error', message: e instanceof Error ? e.message : String(e) });
				throw e;
			}
		});
	}

	async #sync(): Promise<SyncSummary> {
		const embedder = await this.#getEmbedder();
		if (!this.#index || this.#index.model !== embedder.id)
			this.#index = new VectorIndex(embedder.id, embedder.dims);
		const index = this.#index;
		const prompts = (await this.#db.prompts.toArray()).filter((p) => p.deletedAt === null);
		const live = new Set(prompts.map((p) => p.id));
		let removed = 0;
		for (const id of index.ids())
			if (!live.has(id)) {
				index.delete(id);
				this.#texts.delete(id);
				this.#names.delete(id);
				removed++;
			}
		const wanted = await Promise.all(
			prompts.map(async (p) => {
				const text = embedText(p);
				return { p, text, hash: await contentHash(text) };
			})
		);
		for (const { p, text } of wanted) {
			this.#texts.set(p.id, text);
			this.#names.set(p.id, p.name);
		}
		const stale = wanted.filter((w) => !index.has(w.p.id, w.hash));
		const cached = await this.#db.embeddings
			.where('[promptId+model]')
			.anyOf(stale.map((w) => [w.p.id, embedder.id]))
			.toArray();
		const cachedById = new Map(cached.map((r) => [r.promptId, r]));
		const todo: typeof stale = [];
		let reused = wanted.length - stale.length;
		for (const w of stale) {
			const r = cachedById.get(w.p.id);
			if (r && r.contentHash === w.hash && r.vector.length === embedder.dims) {
				index.set(w.p.id, w.hash, r.vector);
				reused++;
			} else todo.push(w);
		}
		for (let i = 0; i < todo.length; i += this.#batchSize) {
			this.#emit({ state: 'indexing', model: embedder.id, done: i, total: todo.length });
			const batch = todo.slice(i, i + this.#batchSize);
			const vectors = await embedder.embed(batch.map((w) => w.text));
			const records: EmbeddingRecord[] = batch.map((w, j) => ({
				promptId: w.p.id,
				model: embedder.id,
				contentHash: w.hash,
				vector: vectors[j],
				updatedAt: this.#now()
			}));
			await this.#db.embeddings.bulkPut(records);
			batch.forEach((w, j) => index.set(w.p.id, w.hash, vectors[j]));
		}
		this.#emit({ state: 'ready', model: embedder.id, size: index.size });
		return { embedded: todo.length, reused, removed };
	}

	/**
	 * Switches to another embedder: vectors of the old model stay cached (switching back is
	 * instant) and the library is re-embedded with the new one, reporting progress.
	 */
	async setEmbedder(embedder: Embedder | (() => Promise<Embedder>)): Promise<SyncSummary> {
		await this.#serial(async () => {
			await this.#release();
			this.#setLoader(embedder);
			this.#index = null;
		});
		return this.sync();
	}

	async #ready(): Promise<{ index: VectorIndex; embedder: Embedder }> {
		if (!this.#index || this.#timer) {
			if (this.#timer) clearTimeout(this.#timer);
			this.#timer = null;
			await this.sync();
		} else await this.#chain;
		return { index: this.#index!, embedder: await this.#getEmbedder() };
	}

	#allow(filters?: SearchFilters): ReadonlySet<string> | undefined {
		return (filters && allowedIds(this.#fullText, filters)) ?? undefined;
	}

	#named(hits: VectorHit[]): SemanticHit[] {
		return hits.map((h) => ({ ...h, name: this.#names.get(h.id) ?? h.id }));
	}

	/** Prompts closest in meaning to `query`, with the full-text filters applied. */
	async search(query: string, options: SemanticQueryOptions = {}): Promise<SemanticHit[]> {
		const q = query.trim();
		if (!q) return [];
		const { index, embedder } = await this.#ready();
		const [vector] = await embedder.embed([q]);
		return this.#named(
			index.search(vector, {
				k: options.k ?? 20,
				allow: this.#allow(options.filters),
				minScore: options.minScore ?? DEFAULT_MIN_SCORE
			})
		);
	}

	/** Full-text and semantic rankings fused by reciprocal rank fusion. */
	async hybrid(query: string, options: SemanticQueryOptions = {}): Promise<HybridHit[]> {
		const k = options.k ?? 20;
		const depth = Math.max(50, k * 3);
		const full = this.#fullText.search(query, options.filters ?? {}, depth).map((h) => h.id);
		const semantic = (await this.search(query, { ...options, k: depth })).map((h) => h.id);
		return reciprocalRankFusion([full, semantic])
			.slice(0, k)
			.map((h) => ({
				id: h.id,
				name: this.#names.get(h.id) ?? h.id,
				score: h.score,
				fullTextRank: h.ranks[0],
				semanticRank: h.ranks[1]
			}));
	}

	/** "More like this": the prompts most similar to prompt `id`. */
	async similarTo(id: string, options: SemanticQueryOptions = {}): Promise<SemanticHit[]> {
		const { index } = await this.#ready();
		return this.#named(
			index.similarTo(id, {
				k: options.k ?? 10,
				allow: this.#allow(options.filters),
				minScore: options.minScore ?? DEFAULT_MIN_SCORE
			})
		);
	}

	#vectors(index: VectorIndex, ids?: string[]) {
		const list = ids?.filter((id) => index.has(id)) ?? index.ids();
		return { ids: list, vectors: list.map((id) => index.get(id)!.vector) };
	}

	/** Pairs of live prompts at least `threshold` similar, most similar first. */
	async nearDuplicates(threshold = DEFAULT_DUPLICATE_THRESHOLD): Promise<DuplicatePair[]> {
		const { index } = await this.#ready();
		return this.#analyzer.duplicates({ ...this.#vectors(index), threshold });
	}

	/** Positions, clusters and cluster labels of the whole library (or of `ids`). */
	async map(
		options: { k?: number; method?: ProjectionMethod | 'auto'; ids?: string[] } = {}
	): Promise<MapResult> {
		const { index } = await this.#ready();
		const { ids, vectors } = this.#vectors(index, options.ids);
		return this.#analyzer.map({
			ids,
			vectors,
			texts: ids.map((id) => this.#texts.get(id) ?? ''),
			k: options.k,
			method: options.method
		});
	}

	/** Stops listening to library changes and frees the model. */
	async dispose(): Promise<void> {
		for (const off of this.#unsubscribe) off();
		if (this.#timer) clearTimeout(this.#timer);
		await this.#release();
	}
}
