/**
 * @module A compact inverted index over four weighted text fields with MiniSearch's BM25+ scoring.
 *
 * Each word has one posting list (two typed arrays: document slot, and its count in each field
 * packed one byte per field), each document a slot. Removing a document only marks its slot dead
 * (and takes its words out of the document frequencies); dead slots are squeezed out of every list
 * once they are a quarter of the index, so an update costs about as much as tokenizing the prompt.
 */
import { indexTerms, isAsciiWordChar, isPlainAscii } from './tokens';
import { Vocabulary } from './vocabulary';
import { FacetLists } from './facets';

export const FIELD_COUNT = 4;
const BM25_K = 1.2;
const BM25_B = 0.7;
const BM25_D = 0.5;
/** MiniSearch's weights of prefix and fuzzy expansions of a query word. */
const PREFIX_WEIGHT = 0.375;
const FUZZY_WEIGHT = 0.45;
const MAX_FUZZY = 6;

/** One word of a query: matched exactly, and also as a prefix and/or within `fuzzy` edits. */
export interface QueryTerm {
	term: string;
	prefix: boolean;
	/** Edits allowed, as a share of the word's length (0: none). */
	fuzzy: number;
}

export interface ScoredSlot {
	slot: number;
	score: number;
	/** Bit f set when a query word matched in field f. */
	fields: number;
}

export interface SearchResult {
	hits: ScoredSlot[];
	/** The words of a hit that the query matched (what it stands for: `summ` → `summary`). */
	wordsOf(slot: number): string[];
}

interface Derived {
	id: number;
	weight: number;
}

export class InvertedIndex<T> {
	readonly #fieldsOf: (payload: T) => readonly string[];
	readonly #facetsOf: (payload: T) => readonly string[];
	readonly #facets = new FacetLists();
	readonly #boosts: Float64Array;
	#vocab = new Vocabulary();
	#postSlots: Int32Array[] = [];
	#postCounts: Uint32Array[] = [];
	#postLength = new Int32Array(64);
	/** Per word and field: live documents having the word in that field. */
	#docFreq = new Int32Array(64 * FIELD_COUNT);
	#scratch = new Uint32Array(64);
	#touched = new Int32Array(256);
	#packs = new Uint32Array(256);
	#touchedCount = 0;

	#capacity = 0;
	#slots = 0;
	#live = 0;
	#alive = new Uint8Array(0);
	#textIndexed = new Uint8Array(0);
	#fieldLength = new Uint32Array(0);
	#totalLength = new Float64Array(FIELD_COUNT);
	#payload: (T | undefined)[] = [];
	#ids: (string | undefined)[] = [];
	#slotOf = new Map<string, number>();

	#score = new Float64Array(0);
	#mark = new Uint32Array(0);
	#fields = new Uint8Array(0);
	#tick = 0;
	#candidates = new Int32Array(256);
	#candidateCount = 0;
	#factor = new Float64Array(FIELD_COUNT);
	#slope = new Float64Array(FIELD_COUNT);

	/**
	 * `fieldsOf` gives a document's text fields (weighted by `boosts`), `facetsOf` the filter
	 * values it can be selected by (see `select`).
	 */
	constructor(
		fieldsOf: (payload: T) => readonly string[],
		boosts: readonly number[],
		facetsOf: (payload: T) => readonly string[] = () => []
	) {
		this.#fieldsOf = fieldsOf;
		this.#facetsOf = facetsOf;
		this.#boosts = Float64Array.from(boosts);
		this.#growSlots(64);
	}

	get size(): number {
		return this.#live;
	}

	has(id: string): boolean {
		return this.#slotOf.has(id);
	}

	/** Whether the text of `id` is searchable yet (see `add(…, false)`). */
	isTextIndexed(id: string): boolean {
		const slot = this.#slotOf.get(id);
		return slot !== undefined && this.#textIndexed[slot] === 1;
	}

	payloadOf(id: string): T | undefined {
		const slot = this.#slotOf.get(id);
		return slot === undefined ? undefined : this.#payload[slot];
	}

	idAt(slot: number): string {
		return this.#ids[slot]!;
	}

	payloadAt(slot: number): T {
		return this.#payload[slot]!;
	}

	/** Calls `visit` for every live document, oldest slot first. */
	forEach(visit: (id: string, payload: T, slot: number) => void): void {
		for (let s = 0; s < this.#slots; s++)
			if (this.#alive[s]) visit(this.#ids[s]!, this.#payload[s]!, s);
	}

	/** Adds a document (replacing one with the same id); its text later if `indexText` is false. */
	add(id: string, payload: T, indexText = true): void {
		this.remove(id);
		if (this.#slots === this.#capacity) this.#growSlots(this.#capacity * 2);
		const slot = this.#slots++;
		this.#live++;
		this.#alive[slot] = 1;
		this.#payload[slot] = payload;
		this.#ids[slot] = id;
		this.#slotOf.set(id, slot);
		this.#facets.add(slot, this.#facetsOf(payload));
		if (indexText) this.#indexText(slot);
	}

	/** Makes the text of an added document searchable (no-op if it already is). */
	indexText(id: string): void {
		const slot = this.#slotOf.get(id);
		if (slot !== undefined && !this.#textIndexed[slot]) this.#indexText(slot);
	}

	remove(id: string): void {
		const slot = this.#slotOf.get(id);
		if (slot === undefined) return;
		this.#slotOf.delete(id);
		if (this.#textIndexed[slot]) this.#countWords(slot, -1);
		this.#alive[slot] = 0;
		this.#textIndexed[slot] = 0;
		this.#payload[slot] = undefined;
		this.#ids[slot] = undefined;
		this.#live--;
		const dead = this.#slots - this.#live;
		if (dead > 1024 && dead * 4 > this.#slots) this.#compact();
	}

	/** Call after a bulk load: makes prefix lookups fast again. */
	settle(): void {
		this.#vocab.settle();
	}

	#indexText(slot: number): void {
		this.#textIndexed[slot] = 1;
		const n = this.#countWords(slot, 1);
		const ids = this.#touched;
		const packs = this.#packs;
		for (let k = 0; k < n; k++) {
			const termId = ids[k];
			const length = this.#postLength[termId];
			let slots = this.#postSlots[termId];
			let counts = this.#postCounts[termId];
			if (length === slots.length) {
				const size = Math.max(4, length * 2);
				const grownSlots = new Int32Array(size);
				grownSlots.set(slots);
				const grownCounts = new Uint32Array(size);
				grownCounts.set(counts);
				this.#postSlots[termId] = slots = grownSlots;
				this.#postCounts[termId] = counts = grownCounts;
			}
			// Lists stay sorted by slot (a background rebuild may index an older slot late).
			let at = length;
			while (at > 0 && slots[at - 1] > slot) {
				slots[at] = slots[at - 1];
				counts[at] = counts[at - 1];
				at--;
			}
			slots[at] = slot;
			counts[at] = packs[k];
			this.#postLength[termId] = length + 1;
		}
	}

	/**
	 * Tokenizes the document in `slot`, adds `sign` to the frequencies and lengths it contributes,
	 * and leaves its words in `#touched` with their counts per field in `#packs` (one byte per
	 * field, capped at 255); returns how many.
	 */
	#countWords(slot: number, sign: 1 | -1): number {
		const fields = this.#fieldsOf(this.#payload[slot]!);
		this.#touchedCount = 0;
		for (let f = 0; f < FIELD_COUNT; f++) {
			const text = fields[f] ?? '';
			const shift = 8 * f;
			let distinct = 0;
			if (isPlainAscii(text)) {
				// Words found in place: no substring or lowercase copy unless the word is new.
				for (let i = 0; i < text.length;) {
					while (i < text.length && !isAsciiWordChar(text.charCodeAt(i))) i++;
					const start = i;
					while (i < text.length && isAsciiWordChar(text.charCodeAt(i))) i++;
					if (i > start)
						distinct += this.#count(this.#termId(this.#vocab.internAscii(text, start, i)), shift);
				}
			} else {
				for (const word of indexTerms(text))
					distinct += this.#count(this.#termId(this.#vocab.intern(word)), shift);
			}
			// The field's length for BM25: its distinct words (as MiniSearch, but case-insensitive).
			if (sign > 0) this.#fieldLength[slot * FIELD_COUNT + f] = distinct;
			this.#totalLength[f] += sign * distinct;
		}
		const touched = this.#touchedCount;
		for (let k = 0; k < touched; k++) {
			const id = this.#touched[k];
			const packed = this.#scratch[id];
			this.#scratch[id] = 0;
			this.#packs[k] = packed;
			for (let f = 0; f < FIELD_COUNT; f++)
				if ((packed >>> (8 * f)) & 255) this.#docFreq[id * FIELD_COUNT + f] += sign;
		}
		return touched;
	}

	/** Counts one occurrence of word `id` in the field at `shift`; 1 if it is the field's first. */
	#count(id: number, shift: number): number {
		const packed = this.#scratch[id];
		if (packed === 0) {
			if (this.#touchedCount === this.#touched.length) {
				this.#touched = grow(this.#touched, this.#touchedCount * 2);
				this.#packs = grow(this.#packs, this.#touchedCount * 2);
			}
			this.#touched[this.#touchedCount++] = id;
		}
		const tf = (packed >>> shift) & 255;
		if (tf < 255) this.#scratch[id] = packed + (1 << shift);
		return tf === 0 ? 1 : 0;
	}

	/** Makes room for a word id the vocabulary may just have added. */
	#termId(id: number): number {
		if (id === this.#postSlots.length) {
			this.#postSlots.push(EMPTY_SLOTS);
			this.#postCounts.push(EMPTY_COUNTS);
			if (id >= this.#postLength.length) {
				const size = this.#postLength.length * 2;
				this.#postLength = grow(this.#postLength, size);
				this.#docFreq = grow(this.#docFreq, size * FIELD_COUNT);
				this.#scratch = grow(this.#scratch, size);
			}
		}
		return id;
	}

	#growSlots(capacity: number): void {
		this.#capacity = capacity;
		this.#alive = grow(this.#alive, capacity);
		this.#textIndexed = grow(this.#textIndexed, capacity);
		this.#fieldLength = grow(this.#fieldLength, capacity * FIELD_COUNT);
		this.#score = new Float64Array(capacity);
		this.#mark = new Uint32Array(capacity);
		this.#fields = new Uint8Array(capacity);
		this.#tick = 0;
	}

	/** Renumbers the live slots densely, in order, and drops dead ones from every posting list. */
	#compact(): void {
		const remap = new Int32Array(this.#slots);
		let next = 0;
		for (let s = 0; s < this.#slots; s++) {
			if (!this.#alive[s]) {
				remap[s] = -1;
				continue;
			}
			remap[s] = next;
			this.#alive[next] = 1;
			this.#textIndexed[next] = this.#textIndexed[s];
			this.#fieldLength.copyWithin(next * FIELD_COUNT, s * FIELD_COUNT, (s + 1) * FIELD_COUNT);
			this.#payload[next] = this.#payload[s];
			this.#ids[next] = this.#ids[s];
			this.#slotOf.set(this.#ids[next]!, next);
			next++;
		}
		this.#alive.fill(0, next);
		this.#textIndexed.fill(0, next);
		this.#payload.length = next;
		this.#ids.length = next;
		this.#slots = next;
		for (let t = 0; t < this.#postSlots.length; t++) {
			const slots = this.#postSlots[t];
			const counts = this.#postCounts[t];
			const length = this.#postLength[t];
			let kept = 0;
			for (let i = 0; i < length; i++) {
				const s = remap[slots[i]];
				if (s < 0) continue;
				slots[kept] = s;
				counts[kept++] = counts[i];
			}
			this.#postLength[t] = kept;
			if (kept === 0) {
				this.#postSlots[t] = EMPTY_SLOTS;
				this.#postCounts[t] = EMPTY_COUNTS;
			} else if (kept * 4 < slots.length) {
				this.#postSlots[t] = slots.slice(0, kept * 2);
				this.#postCounts[t] = counts.slice(0, kept * 2);
			}
		}
		this.#facets.remap(remap);
		this.#tick = 0;
		this.#mark.fill(0);
	}

	/**
	 * A test of slots having at least one facet of every group (AND of ORs), valid until the
	 * next change of the index: for `search`'s `accept`.
	 */
	select(groups: readonly (readonly string[])[]): (slot: number) => boolean {
		return this.#facets.select(groups, this.#slots);
	}

	/** The words a query word stands for, with MiniSearch's weights (exact 1, prefix, fuzzy). */
	#derive(q: QueryTerm): Derived[] {
		const out: Derived[] = [];
		const exact = this.#vocab.idOf(q.term);
		if (exact !== undefined) out.push({ id: exact, weight: 1 });
		const seen = new Set<number>(exact === undefined ? [] : [exact]);
		if (q.prefix) {
			for (const id of this.#vocab.withPrefix(q.term)) {
				if (seen.has(id)) continue;
				seen.add(id);
				const length = this.#vocab.term(id).length;
				const distance = length - q.term.length;
				out.push({ id, weight: (PREFIX_WEIGHT * length) / (length + 0.3 * distance) });
			}
		}
		const maxDistance = q.fuzzy > 0 ? Math.min(MAX_FUZZY, Math.round(q.term.length * q.fuzzy)) : 0;
		if (maxDistance > 0) {
			for (const { id, distance } of this.#vocab.near(q.term, maxDistance)) {
				if (seen.has(id) || distance === 0) continue;
				seen.add(id);
				const length = this.#vocab.term(id).length;
				out.push({ id, weight: (FUZZY_WEIGHT * length) / (length + distance) });
			}
		}
		return out.filter((d) => this.#postLength[d.id] > 0);
	}

	/**
	 * Documents having every query word (each in some field, as itself or what it stands for)
	 * and passing `accept`, best first by summed BM25+; at most `limit`. Equal scores: older first.
	 */
	search(
		query: QueryTerm[],
		accept: ((slot: number) => boolean) | null,
		limit: number
	): SearchResult {
		const passes = query.map((q) => this.#derive(q));
		const wordsOf = (slot: number) => this.#wordsOf(passes, slot);
		if (!query.length || limit <= 0 || passes.some((p) => p.length === 0))
			return { hits: [], wordsOf };
		// Smallest word first: later passes only touch documents the earlier ones kept.
		const postings = (p: Derived[]) => p.reduce((sum, d) => sum + this.#postLength[d.id], 0);
		passes.sort((a, b) => postings(a) - postings(b));
		if (this.#tick + passes.length + 1 >= 0xffffffff) {
			this.#mark.fill(0);
			this.#tick = 0;
		}
		this.#candidateCount = 0;
		const first = ++this.#tick;
		for (const d of passes[0]) this.#scoreTerm(d, first, first, true);
		let tick = first;
		for (let i = 1; i < passes.length; i++) {
			const previous = tick;
			tick = ++this.#tick;
			for (const d of passes[i]) this.#scoreTerm(d, previous, tick, false);
		}
		// MiniSearch multiplies a document's score by the number of distinct query words it has.
		const quality = new Set(query.map((q) => q.term)).size;
		const hits = this.#top(tick, accept, limit);
		for (const h of hits) h.score *= quality;
		return { hits, wordsOf };
	}

	#wordsOf(passes: Derived[][], slot: number): string[] {
		const words = new Set<string>();
		for (const pass of passes)
			for (const d of pass) {
				const slots = this.#postSlots[d.id];
				let lo = 0;
				let hi = this.#postLength[d.id];
				while (lo < hi) {
					const mid = (lo + hi) >> 1;
					if (slots[mid] < slot) lo = mid + 1;
					else hi = mid;
				}
				if (lo < this.#postLength[d.id] && slots[lo] === slot) words.add(this.#vocab.term(d.id));
			}
		return [...words];
	}

	/**
	 * Adds the BM25+ score of one word to the documents marked `from` (moving them to `to`); the
	 * first pass (`from === to`) takes every document and appends it to `#candidates`.
	 */
	#scoreTerm(d: Derived, from: number, to: number, first: boolean): void {
		const length = this.#postLength[d.id];
		const slots = this.#postSlots[d.id];
		const counts = this.#postCounts[d.id];
		const n = this.#live;
		// Per field: weight·boost·idf, and k·b/avgLength (so norm = k(1−b) + kb·length/avg).
		const factor = this.#factor;
		const slope = this.#slope;
		for (let f = 0; f < FIELD_COUNT; f++) {
			const df = this.#docFreq[d.id * FIELD_COUNT + f];
			factor[f] = d.weight * this.#boosts[f] * Math.log(1 + (n - df + 0.5) / (df + 0.5));
			slope[f] = this.#totalLength[f] > 0 ? (BM25_K * BM25_B * n) / this.#totalLength[f] : 0;
		}
		const base = BM25_K * (1 - BM25_B);
		const alive = this.#alive;
		const mark = this.#mark;
		const score = this.#score;
		const fieldsSeen = this.#fields;
		const fieldLength = this.#fieldLength;
		let candidates = this.#candidates;
		let count = this.#candidateCount;
		for (let i = 0; i < length; i++) {
			const s = slots[i];
			if (alive[s] === 0) continue;
			if (first) {
				if (mark[s] !== to) {
					mark[s] = to;
					score[s] = 0;
					fieldsSeen[s] = 0;
					if (count === candidates.length)
						candidates = this.#candidates = grow(candidates, count * 2);
					candidates[count++] = s;
				}
			} else {
				const m = mark[s];
				if (m === from) mark[s] = to;
				else if (m !== to) continue;
			}
			let packed = counts[i];
			let add = 0;
			let seen = 0;
			for (let f = 0; packed !== 0; f++, packed >>>= 8) {
				const tf = packed & 255;
				if (tf === 0) continue;
				seen |= 1 << f;
				const norm = base + slope[f] * fieldLength[s * FIELD_COUNT + f];
				add += factor[f] * (BM25_D + (tf * (BM25_K + 1)) / (tf + norm));
			}
			score[s] += add;
			fieldsSeen[s] |= seen;
		}
		this.#candidateCount = count;
	}

	/** The best `limit` of `candidates` still marked `tick` and accepted, best first. */
	#top(tick: number, accept: ((slot: number) => boolean) | null, limit: number): ScoredSlot[] {
		const score = this.#score;
		const better = (a: number, b: number) =>
			score[a] > score[b] || (score[a] === score[b] && a < b);
		// A min-heap of the best `limit` slots: its root is the weakest kept.
		const heap: number[] = [];
		const candidates = this.#candidates;
		const mark = this.#mark;
		for (let c = 0; c < this.#candidateCount; c++) {
			const s = candidates[c];
			if (mark[s] !== tick) continue;
			if (heap.length === limit && !better(s, heap[0])) continue;
			if (accept && !accept(s)) continue;
			if (heap.length < limit) {
				let i = heap.length;
				heap.push(s);
				while (i > 0) {
					const parent = (i - 1) >> 1;
					if (!better(heap[parent], s)) break;
					heap[i] = heap[parent];
					i = parent;
				}
				heap[i] = s;
			} else {
				let i = 0;
				for (;;) {
					let child = 2 * i + 1;
					if (child >= limit) break;
					if (child + 1 < limit && better(heap[child], heap[child + 1])) child++;
					if (!better(s, heap[child])) break;
					heap[i] = heap[child];
					i = child;
				}
				heap[i] = s;
			}
		}
		return heap
			.sort((a, b) => (better(a, b) ? -1 : 1))
			.map((slot) => ({ slot, score: score[slot], fields: this.#fields[slot] }));
	}
}

const EMPTY_SLOTS = new Int32Array(0);
const EMPTY_COUNTS = new Uint32Array(0);

function grow<A extends Uint8Array | Uint32Array | Int32Array>(a: A, size: number): A {
	const next = new (a.constructor as new (n: number) => A)(size);
	next.set(a.subarray(0, Math.min(a.length, size)));
	return next;
}
