/** @module In-memory vector index: one vector per prompt, keyed by prompt id, content hash and model. */
import { dot } from './embeddings/embedder';
import { errorBound, Int8Rows, quantize } from './int8-scan';

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
	/**
	 * Keeps only these ids, or those for which the function returns true (the full-text filters;
	 * see `allowedIds`). A set smaller than a third of the index is scored directly.
	 */
	allow?: ReadonlySet<string> | ((id: string) => boolean);
	/** Ids never returned (e.g. the prompt itself for "more like this"). */
	exclude?: ReadonlySet<string>;
	/** Hits below this similarity are dropped (default: none). */
	minScore?: number;
}

/** A min-heap of at most `k` numbers: its root is the k-th largest value pushed so far. */
class TopValues {
	#heap: Float64Array;
	size = 0;

	constructor(readonly k: number) {
		this.#heap = new Float64Array(k);
	}

	/** The k-th largest value so far, or -Infinity while fewer than k were pushed. */
	get floor(): number {
		return this.size < this.k ? -Infinity : this.#heap[0];
	}

	push(v: number): void {
		const h = this.#heap;
		if (this.size < this.k) {
			let i = this.size++;
			while (i > 0) {
				const parent = (i - 1) >> 1;
				if (h[parent] <= v) break;
				h[i] = h[parent];
				i = parent;
			}
			h[i] = v;
			return;
		}
		if (v <= h[0]) return;
		let i = 0;
		for (;;) {
			let child = 2 * i + 1;
			if (child >= this.k) break;
			if (child + 1 < this.k && h[child + 1] < h[child]) child++;
			if (h[child] >= v) break;
			h[i] = h[child];
			i = child;
		}
		h[i] = v;
	}
}

/** Rows scored exactly, best first; equal scores keep row order. */
function ranked(slots: number[], scores: number[], k: number): number[] {
	const order = slots.map((_, i) => i);
	order.sort((a, b) => scores[b] - scores[a] || slots[a] - slots[b]);
	return order.slice(0, k);
}

/**
 * Exact cosine top-K over unit vectors of one model; vectors of another model or size are refused.
 *
 * Vectors live in one packed float32 matrix (row per prompt) and, for scanning, as int8 codes in
 * WebAssembly memory (see `int8-scan`). A search scores every int8 row in one SIMD pass, and in
 * one pass over those integers keeps each row whose certain score range could still reach the top
 * K; only those are scored exactly, so the result is the same as a full float scan.
 */
export class VectorIndex {
	readonly model: string;
	readonly dims: number;
	#capacity = 0;
	#matrix = new Float32Array(0);
	#rows: Int8Rows;
	/** Per row: value of one int8 step, ‖quantization error‖ and ‖dequantized row‖. */
	#scale = new Float64Array(0);
	#error = new Float64Array(0);
	#norm = new Float64Array(0);
	/** Scratch: the quantized query, and the rows a scan keeps with their upper bounds. */
	#query: Int16Array;
	#candidates = new Int32Array(0);
	#uppers = new Float64Array(0);
	#ids: string[] = [];
	#hashes: string[] = [];
	#slot = new Map<string, number>();

	constructor(model: string, dims: number) {
		if (!Number.isInteger(dims) || dims <= 0)
			throw new RangeError(`dims must be a positive integer, got ${dims}`);
		this.model = model;
		this.dims = dims;
		this.#query = new Int16Array(dims);
		this.#rows = new Int8Rows(dims, 64);
		this.#grow(64);
	}

	get size(): number {
		return this.#ids.length;
	}

	#grow(capacity: number) {
		const d = this.dims;
		const matrix = new Float32Array(capacity * d);
		matrix.set(this.#matrix);
		this.#matrix = matrix;
		this.#rows.reserve(capacity, this.#ids.length);
		const widen = (a: Float64Array) => {
			const next = new Float64Array(capacity);
			next.set(a);
			return next;
		};
		this.#scale = widen(this.#scale);
		this.#error = widen(this.#error);
		this.#norm = widen(this.#norm);
		this.#capacity = capacity;
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
		for (let j = 0; j < vector.length; j++)
			if (!Number.isFinite(vector[j]))
				throw new RangeError(`vector of prompt ${id} has a non-finite number at ${j}`);
		let slot = this.#slot.get(id);
		if (slot === undefined) {
			slot = this.#ids.length;
			if (slot + 1 > this.#capacity) this.#grow(this.#capacity * 2);
			this.#ids.push(id);
			this.#hashes.push(contentHash);
			this.#slot.set(id, slot);
		} else this.#hashes[slot] = contentHash;
		this.#matrix.set(vector, slot * this.dims);
		const q = quantize(vector);
		this.#rows.write(slot, q.codes);
		this.#scale[slot] = q.scale;
		this.#error[slot] = q.errorNorm;
		this.#norm[slot] = q.norm;
	}

	delete(id: string): void {
		const slot = this.#slot.get(id);
		if (slot === undefined) return;
		const last = this.#ids.length - 1;
		const d = this.dims;
		if (slot !== last) {
			// Move the last row into the hole so rows stay packed.
			this.#matrix.copyWithin(slot * d, last * d, (last + 1) * d);
			this.#rows.copy(last, slot);
			this.#scale[slot] = this.#scale[last];
			this.#error[slot] = this.#error[last];
			this.#norm[slot] = this.#norm[last];
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

	/** Scores `slots` exactly and returns the best `k` at or above `min`. */
	#exact(query: Float32Array, slots: ArrayLike<number>, k: number, min: number): VectorHit[] {
		const kept: number[] = [];
		const scores: number[] = [];
		const d = this.dims;
		const m = this.#matrix;
		for (let i = 0; i < slots.length; i++) {
			const slot = slots[i];
			const s = dot(query, m.subarray(slot * d, (slot + 1) * d));
			if (s < min) continue;
			kept.push(slot);
			scores.push(s);
		}
		return ranked(kept, scores, k).map((i) => ({ id: this.#ids[kept[i]], score: scores[i] }));
	}

	/**
	 * The `k` most similar vectors to `query`, best first, scores exact. Equal scores keep row
	 * order: insertion order, except that a deletion moves the last row into the freed one.
	 */
	search(query: Float32Array, options: VectorSearchOptions = {}): VectorHit[] {
		const n = this.#ids.length;
		const k = Math.min(Math.floor(options.k ?? 20), n);
		const min = options.minScore ?? -Infinity;
		if (query.length !== this.dims)
			throw new RangeError(`query of ${query.length} numbers for a ${this.dims}-dim index`);
		if (!(k > 0)) return [];
		const { allow, exclude } = options;
		if (allow && typeof allow !== 'function' && allow.size * 3 < n) {
			// A narrow filter: score its rows directly.
			const slots: number[] = [];
			for (const id of allow) {
				const slot = this.#slot.get(id);
				if (slot !== undefined && !exclude?.has(id)) slots.push(slot);
			}
			return this.#exact(
				query,
				slots.sort((a, b) => a - b),
				k,
				min
			);
		}
		const allows =
			typeof allow === 'function' ? allow : allow ? (id: string) => allow.has(id) : null;
		// 0 = not asked yet, 1 = allowed, 2 = filtered out; asked only for rows that could make the cut.
		const verdict = allows || exclude ? new Uint8Array(n) : null;
		const ok = (slot: number): boolean => {
			if (!verdict) return true;
			if (verdict[slot] === 0) {
				const id = this.#ids[slot];
				verdict[slot] = !exclude?.has(id) && (!allows || allows(id)) ? 1 : 2;
			}
			return verdict[slot] === 1;
		};

		let queryNorm = 0;
		for (let j = 0; j < query.length; j++) queryNorm += query[j] * query[j];
		queryNorm = Math.sqrt(queryNorm);
		if (!Number.isFinite(queryNorm)) throw new RangeError('query vector has a non-finite number');
		const q = quantize(query, this.#query);
		const raw = this.#rows.scan(q.codes, n);

		// Every row's exact score lies in approx ± bound. The k-th best lower bound so far is a
		// score the top k certainly reach, so a row whose upper bound is below it can be dropped;
		// the floor only rises, so the rows kept here include every one above the final floor.
		const scale = this.#scale;
		const error = this.#error;
		const norm = this.#norm;
		const top = new TopValues(k);
		if (this.#candidates.length < n) {
			this.#candidates = new Int32Array(this.#capacity);
			this.#uppers = new Float64Array(this.#capacity);
		}
		const candidates = this.#candidates;
		const uppers = this.#uppers;
		let count = 0;
		for (let r = 0; r < n; r++) {
			const approx = raw[r] * q.scale * scale[r];
			const bound = errorBound(queryNorm, q.errorNorm, error[r], norm[r]);
			const upper = approx + bound;
			if (upper < top.floor || upper < min || !ok(r)) continue;
			candidates[count] = r;
			uppers[count++] = upper;
			const low = approx - bound;
			if (low > top.floor) top.push(low);
		}
		const cut = Math.max(top.floor, min);
		let kept = 0;
		for (let i = 0; i < count; i++) if (uppers[i] >= cut) candidates[kept++] = candidates[i];
		return this.#exact(query, candidates.subarray(0, kept), k, min);
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
