/** @module In-memory vector index: one vector per prompt, keyed by prompt id, content hash and model. */

export interface VectorEntry {
	/** SHA-256 of the embedded text; tells whether the vector is still current. */
	contentHash: string;
	vector: Float32Array;
}

export interface VectorHit {
	id: string;
	/** Cosine similarity in [-1, 1]. */
	score: number;
}

export interface VectorSearchOptions {
	/** Hits returned at most (default 20). */
	k?: number;
	/** Keeps only ids for which this returns true (the full-text filters; see `allowedIds`). */
	allow?: (id: string) => boolean;
	/** Ids never returned (e.g. the prompt itself for "more like this"). */
	exclude?: ReadonlySet<string>;
	/** Hits below this similarity are dropped (default: none). */
	minScore?: number;
}

/**
 * Cosine top-K over unit vectors of one model; vectors of another model or size are refused.
 * Vectors live in one packed matrix (row per prompt) so a scan reads memory in order.
 */
export class VectorIndex {
	readonly model: string;
	readonly dims: number;
	#matrix: Float32Array;
	#ids: string[] = [];
	#hashes: string[] = [];
	#slot = new Map<string, number>();

	constructor(model: string, dims: number) {
		this.model = model;
		this.dims = dims;
		this.#matrix = new Float32Array(dims * 64);
	}

	get size(): number {
		return this.#ids.length;
	}

	has(id: string, contentHash?: string): boolean {
		const slot = this.#slot.get(id);
		return slot !== undefined && (contentHash === undefined || this.#hashes[slot] === contentHash);
	}

	get(id: string): VectorEntry | undefined {
		const slot = this.#slot.get(id);
		if (slot === undefined) return undefined;
		const d = this.dims;
		return {
			contentHash: this.#hashes[slot],
			vector: this.#matrix.slice(slot * d, (slot + 1) * d)
		};
	}

	ids(): string[] {
		return [...this.#ids];
	}

	/** Adds or replaces the vector of prompt `id` (the vector must already be unit length). */
	set(id: string, contentHash: string, vector: Float32Array): void {
		if (vector.length !== this.dims)
			throw new RangeError(`vector of ${vector.length} numbers for a ${this.dims}-dim index`);
		let slot = this.#slot.get(id);
		if (slot === undefined) {
			slot = this.#ids.length;
			if ((slot + 1) * this.dims > this.#matrix.length) {
				const grown = new Float32Array(this.#matrix.length * 2);
				grown.set(this.#matrix);
				this.#matrix = grown;
			}
			this.#ids.push(id);
			this.#hashes.push(contentHash);
			this.#slot.set(id, slot);
		} else this.#hashes[slot] = contentHash;
		this.#matrix.set(vector, slot * this.dims);
	}

	delete(id: string): void {
		const slot = this.#slot.get(id);
		if (slot === undefined) return;
		const last = this.#ids.length - 1;
		const d = this.dims;
		if (slot !== last) {
			// Move the last row into the hole so rows stay packed.
			this.#matrix.copyWithin(slot * d, last * d, (last + 1) * d);
			this.#ids[slot] = this.#ids[last];
			this.#hashes[slot] = this.#hashes[last];
			this.#slot.set(this.#ids[slot], slot);
		}
		this.#ids.pop();
		this.#hashes.pop();
		this.#slot.delete(id);
	}

	clear(): void {
		this.#ids = [];
		this.#hashes = [];
		this.#slot.clear();
	}

	/** The `k` most similar vectors to `query`, best first; ties keep insertion order. */
	search(query: Float32Array, options: VectorSearchOptions = {}): VectorHit[] {
		const k = options.k ?? 20;
		const min = options.minScore ?? -Infinity;
		if (k <= 0) return [];
		const d = this.dims;
		const m = this.#matrix;
		// A bounded list kept sorted, worst last: cheap for the small k a search asks for.
		const top: VectorHit[] = [];
		const ids = this.#ids;
		const rows = ids.length;
		const q = query;
		// Four running sums let the engine pipeline the multiply-adds (about 2x on V8).
		const d4 = d - (d % 4);
		for (let row = 0; row < rows; row++) {
			const base = row * d;
			let s0 = 0;
			let s1 = 0;
			let s2 = 0;
			let s3 = 0;
			for (let j = 0; j < d4; j += 4) {
				s0 += q[j] * m[base + j];
				s1 += q[j + 1] * m[base + j + 1];
				s2 += q[j + 2] * m[base + j + 2];
				s3 += q[j + 3] * m[base + j + 3];
			}
			for (let j = d4; j < d; j++) s0 += q[j] * m[base + j];
			const score = s0 + s1 + s2 + s3;
			if (score < min) continue;
			if (top.length === k && score <= top[k - 1].score) continue;
			const id = ids[row];
			if (options.exclude?.has(id)) continue;
			if (options.allow && !options.allow(id)) continue;
			let i = top.length === k ? k - 1 : top.length;
			if (top.length === k) top.pop();
			while (i > 0 && top[i - 1].score < score) i--;
			top.splice(i, 0, { id, score });
		}
		return top;
	}

	/** Prompts most similar to prompt `id` ("more like this"), excluding itself. */
	similarTo(id: string, options: VectorSearchOptions = {}): VectorHit[] {
		const e = this.get(id);
		if (!e) return [];
		const exclude = new Set(options.exclude ?? []);
		exclude.add(id);
		return this.search(e.vector, { ...options, exclude });
	}
}
