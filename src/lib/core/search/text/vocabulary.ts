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
		}
		return id;
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
