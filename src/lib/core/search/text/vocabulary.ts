/** @module The full-text index's words: ids, lookup by prefix (sorted) and by edit distance. */
import { boundedEditDistance } from './tokens';

/** Words added since the last merge are scanned linearly; past this many they are merged in. */
const RECENT_LIMIT = 512;

export class Vocabulary {
	#ids = new Map<string, number>();
	#terms: string[] = [];
	/** Every word but the recent ones, in code-unit order (the order `<` and `startsWith` agree on). */
	#sorted: string[] = [];
	#recent: string[] = [];
	/** Ids by word length, and each word's letters hashed into 32 bits (for `near`). */
	#byLength: number[][] = [];
	#letters = new Uint32Array(1024);
	/** Open-addressing table of ids + 1 by word hash, so text can be looked up without slicing it. */
	#table = new Int32Array(1 << 12);
	#hashes = new Int32Array(1024);
	#row = new Int32Array(64);

	get size(): number {
		return this.#terms.length;
	}

	idOf(term: string): number | undefined {
		return this.#ids.get(term);
	}

	term(id: number): string {
		return this.#terms[id];
	}

	/** The id of `term`, adding it if new. */
	intern(term: string): number {
		let id = this.#ids.get(term);
		if (id === undefined) {
			id = this.#terms.length;
			this.#terms.push(term);
			this.#ids.set(term, id);
			this.#recent.push(term);
			if (this.#recent.length > RECENT_LIMIT) this.settle();
			(this.#byLength[term.length] ??= []).push(id);
			if (id === this.#letters.length) {
				const grown = new Uint32Array(id * 2);
				grown.set(this.#letters);
				this.#letters = grown;
			}
			this.#letters[id] = letterBits(term);
			if (id === this.#hashes.length) {
				const grown = new Int32Array(id * 2);
				grown.set(this.#hashes);
				this.#hashes = grown;
			}
			this.#hashes[id] = hashOf(term);
			if ((id + 1) * 2 > this.#table.length) this.#rehash(this.#table.length * 2);
			else this.#place(id);
		}
		return id;
	}

	/**
	 * The id of the word `text[start, end)` lowercased, adding it if new; for ASCII letters and
	 * digits only (other text goes through `intern`).
	 */
	internAscii(text: string, start: number, end: number): number {
		let h = FNV_OFFSET;
		for (let i = start; i < end; i++) {
			let c = text.charCodeAt(i);
			if (c >= 65 && c <= 90) c += 32;
			h = Math.imul(h ^ c, FNV_PRIME);
		}
		const table = this.#table;
		const mask = table.length - 1;
		for (let at = h & mask; table[at] !== 0; at = (at + 1) & mask) {
			const id = table[at] - 1;
			if (this.#hashes[id] === h && sameWord(this.#terms[id], text, start, end)) return id;
		}
		return this.intern(text.slice(start, end).toLowerCase());
	}

	#place(id: number): void {
		const table = this.#table;
		const mask = table.length - 1;
		let at = this.#hashes[id] & mask;
		while (table[at] !== 0) at = (at + 1) & mask;
		table[at] = id + 1;
	}

	#rehash(size: number): void {
		this.#table = new Int32Array(size);
		for (let id = 0; id < this.#terms.length; id++) this.#place(id);
	}

	/** Merges the recent words into the sorted list (call after a bulk load). */
	settle(): void {
		if (!this.#recent.length) return;
		const recent = this.#recent.sort(compare);
		this.#recent = [];
		if (recent.length > this.#sorted.length) {
			this.#sorted = this.#sorted.concat(recent).sort(compare);
			return;
		}
		const a = this.#sorted;
		const merged = new Array<string>(a.length + recent.length);
		let i = 0;
		let j = 0;
		let k = 0;
		while (i < a.length && j < recent.length) merged[k++] = a[i] < recent[j] ? a[i++] : recent[j++];
		while (i < a.length) merged[k++] = a[i++];
		while (j < recent.length) merged[k++] = recent[j++];
		this.#sorted = merged;
	}

	/** Ids of every word starting with `prefix` (itself included, if it is a word). */
	withPrefix(prefix: string): number[] {
		const out: number[] = [];
		const sorted = this.#sorted;
		let lo = 0;
		let hi = sorted.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (sorted[mid] < prefix) lo = mid + 1;
			else hi = mid;
		}
		for (let i = lo; i < sorted.length && sorted[i].startsWith(prefix); i++)
			out.push(this.#ids.get(sorted[i])!);
		for (const t of this.#recent) if (t.startsWith(prefix)) out.push(this.#ids.get(t)!);
		return out;
	}

	/**
	 * Words within `max` edits of `term` (itself included), with their distance. Only words of a
	 * length within `max` are compared, and only those whose letters differ in at most 2·max of
	 * 32 hashed letter bits (an edit adds or removes at most one letter each way).
	 */
	near(term: string, max: number): { id: number; distance: number }[] {
		if (this.#row.length <= term.length + max + 1)
			this.#row = new Int32Array(term.length + max + 2);
		const out: { id: number; distance: number }[] = [];
		const bits = letterBits(term);
		const letters = this.#letters;
		for (let length = Math.max(1, term.length - max); length <= term.length + max; length++) {
			for (const id of this.#byLength[length] ?? []) {
				if (popcount(bits ^ letters[id]) > 2 * max) continue;
				const d = boundedEditDistance(term, this.#terms[id], max, this.#row);
				if (d <= max) out.push({ id, distance: d });
			}
		}
		return out;
	}
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 16777619;

function hashOf(term: string): number {
	let h = FNV_OFFSET;
	for (let i = 0; i < term.length; i++) h = Math.imul(h ^ term.charCodeAt(i), FNV_PRIME);
	return h;
}

/** Whether `term` (lowercase) is `text[start, end)` with ASCII capitals lowered. */
function sameWord(term: string, text: string, start: number, end: number): boolean {
	if (term.length !== end - start) return false;
	for (let i = 0; i < term.length; i++) {
		let c = text.charCodeAt(start + i);
		if (c >= 65 && c <= 90) c += 32;
		if (c !== term.charCodeAt(i)) return false;
	}
	return true;
}

function letterBits(word: string): number {
	let bits = 0;
	for (let i = 0; i < word.length; i++) bits |= 1 << (word.charCodeAt(i) & 31);
	return bits >>> 0;
}

function popcount(x: number): number {
	x -= (x >>> 1) & 0x55555555;
	x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
	x = (x + (x >>> 4)) & 0x0f0f0f0f;
	return Math.imul(x, 0x01010101) >>> 24;
}

function compare(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}
