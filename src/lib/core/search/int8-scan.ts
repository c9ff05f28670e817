/**
 * @module Int8 rows in WebAssembly memory, scored against an int8 query by a SIMD kernel.
 *
 * Each vector is scaled to integers in [-127, 127] (one byte a component, rows padded to 16
 * bytes). The kernel widens 16 bytes of a row to 16-bit lanes and multiplies them with the query
 * by `i32x4.dot_i16x8_s`, so one instruction does 8 multiply-adds; 32-bit sums are exact up to
 * 133,000 dimensions. Where WebAssembly SIMD is missing, a plain loop gives the same integers.
 *
 * The integer scores are approximate; `errorBound` gives a certain bound on how far each one can
 * be from the exact cosine, so callers re-rank only the rows that could still make the cut.
 */

export const INT8_LEVELS = 127;

export interface QuantizedVector {
	/** Integer levels of each component. */
	codes: Int16Array;
	/** Real value of one level: v ≈ codes · scale. */
	scale: number;
	/** ‖v − codes · scale‖: how much quantization moved the vector. */
	errorNorm: number;
	/** ‖codes · scale‖. */
	norm: number;
}

/** Quantizes `v` to ±127 integer steps, scaled by its largest component. */
export function quantize(
	v: ArrayLike<number>,
	out: Int16Array = new Int16Array(v.length)
): QuantizedVector {
	let max = 0;
	for (let i = 0; i < v.length; i++) {
		const a = Math.abs(v[i]);
		if (a > max) max = a;
	}
	if (max === 0) {
		out.fill(0);
		return { codes: out, scale: 0, errorNorm: 0, norm: 0 };
	}
	const scale = max / INT8_LEVELS;
	let err = 0;
	let norm = 0;
	for (let i = 0; i < v.length; i++) {
		const c = Math.max(-INT8_LEVELS, Math.min(INT8_LEVELS, Math.round(v[i] / scale)));
		out[i] = c;
		const r = c * scale;
		const e = v[i] - r;
		err += e * e;
		norm += r * r;
	}
	return { codes: out, scale, errorNorm: Math.sqrt(err), norm: Math.sqrt(norm) };
}

/**
 * A certain bound on |q·v − qScale·vScale·(qCodes·vCodes)| for real q, v: with q = q̂ + e_q and
 * v = v̂ + e_v, the difference is q·e_v + e_q·v̂, at most ‖q‖‖e_v‖ + ‖e_q‖‖v̂‖ (Cauchy–Schwarz),
 * plus a little room for float rounding.
 */
export function errorBound(
	queryNorm: number,
	queryError: number,
	rowError: number,
	rowNorm: number
): number {
	return queryNorm * rowError + queryError * rowNorm + 1e-9;
}

/**
 * scan(query, rows, n, stride, out): for r < n, out[r] = Σ_j rows[r·stride + j] · query[j], rows
 * as int8, the query as int16, `stride` a positive multiple of 16. In text format:
 *   block  (br_if 0 (i32.eqz n))
 *     loop  acc = 0; j = 0
 *       loop  v = v128.load(rows + j)
 *             acc += dot_i16x8_s(extend_low_i8x16_s(v), v128.load(query + 2j))
 *             acc += dot_i16x8_s(extend_high_i8x16_s(v), v128.load offset=16 (query + 2j))
 *             br_if 0 ((j += 16) < stride)
 *       i32.store(out + 4r, sum of acc's lanes); rows += stride; br_if 0 ((r += 1) < n)
 */
// prettier-ignore
const KERNEL = new Uint8Array([
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
	// type section: (i32 i32 i32 i32 i32) -> ()
	0x01, 0x09, 0x01, 0x60, 0x05, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x00,
	// import section: env.memory, min 1 page
	0x02, 0x0f, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x01,
	// function section: one function of type 0
	0x03, 0x02, 0x01, 0x00,
	// export section: "scan" = function 0
	0x07, 0x08, 0x01, 0x04, 0x73, 0x63, 0x61, 0x6e, 0x00, 0x00,
	// code section: 173 bytes, one body
	0x0a, 0xad, 0x01, 0x01,
	0xaa, 0x01, // body size 170
	0x02, 0x02, 0x7f, 0x02, 0x7b, // locals: r j (i32), acc v (v128)
	0x02, 0x40, // block
	0x20, 0x02, 0x45, 0x0d, 0x00, // br_if 0 (n == 0)
	0x03, 0x40, // loop (rows)
	0xfd, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x21, 0x07, // acc = 0
	0x41, 0x00, 0x21, 0x06, // j = 0
	0x03, 0x40, // loop (columns)
	0x20, 0x01, 0x20, 0x06, 0x6a, 0xfd, 0x00, 0x00, 0x00, 0x21, 0x08, // v = load(rows + j)
	0x20, 0x07, // acc
	0x20, 0x08, 0xfd, 0x87, 0x01, // extend_low_i8x16_s(v)
	0x20, 0x00, 0x20, 0x06, 0x41, 0x01, 0x74, 0x6a, 0xfd, 0x00, 0x00, 0x00, // load(query + 2j)
	0xfd, 0xba, 0x01, 0xfd, 0xae, 0x01, // dot, add
	0x20, 0x08, 0xfd, 0x88, 0x01, // extend_high_i8x16_s(v)
	0x20, 0x00, 0x20, 0x06, 0x41, 0x01, 0x74, 0x6a, 0xfd, 0x00, 0x00, 0x10, // load offset 16
	0xfd, 0xba, 0x01, 0xfd, 0xae, 0x01, // dot, add
	0x21, 0x07, // acc =
	0x20, 0x06, 0x41, 0x10, 0x6a, 0x22, 0x06, 0x20, 0x03, 0x49, 0x0d, 0x00, // j += 16; loop while j < stride
	0x0b, // end columns
	0x20, 0x04, 0x20, 0x05, 0x41, 0x02, 0x74, 0x6a, // out + 4r
	0x20, 0x07, 0xfd, 0x1b, 0x00, 0x20, 0x07, 0xfd, 0x1b, 0x01, 0x6a, // lane 0 + lane 1
	0x20, 0x07, 0xfd, 0x1b, 0x02, 0x6a, 0x20, 0x07, 0xfd, 0x1b, 0x03, 0x6a, // + lanes 2, 3
	0x36, 0x02, 0x00, // i32.store
	0x20, 0x01, 0x20, 0x03, 0x6a, 0x21, 0x01, // rows += stride
	0x20, 0x05, 0x41, 0x01, 0x6a, 0x22, 0x05, 0x20, 0x02, 0x49, 0x0d, 0x00, // r += 1; loop while r < n
	0x0b, // end rows
	0x0b, // end block
	0x0b // end function
]);

type ScanFn = (query: number, rows: number, n: number, stride: number, out: number) => void;

let compiled: WebAssembly.Module | null | undefined;
function kernelModule(): WebAssembly.Module | null {
	if (compiled === undefined) {
		try {
			compiled =
				typeof WebAssembly === 'object' && WebAssembly.validate(KERNEL)
					? new WebAssembly.Module(KERNEL)
					: null;
		} catch {
			compiled = null;
		}
	}
	return compiled;
}

const PAGE = 65536;

/**
 * Rows of int8 codes in one WebAssembly memory laid out as [query (int16) | scores (int32) |
 * rows], growing by doubling; scored all at once by `scan`.
 */
export class Int8Rows {
	readonly dims: number;
	/** Bytes per row: `dims` rounded up to 16. */
	readonly stride: number;
	#capacity = 0;
	#memory = new WebAssembly.Memory({ initial: 1 });
	#scan: ScanFn | null;
	#queryAt = 0;
	#scoresAt = 0;
	#rowsAt = 0;
	#bytes = new Int8Array(0);
	#query = new Int16Array(0);
	#scores = new Int32Array(0);

	constructor(dims: number, capacity = 64) {
		this.dims = dims;
		this.stride = Math.max(16, Math.ceil(dims / 16) * 16);
		const module = kernelModule();
		this.#scan = module
			? (new WebAssembly.Instance(module, { env: { memory: this.#memory } }).exports.scan as ScanFn)
			: null;
		this.#layout(capacity, 0);
	}

	/** Whether scans run on the WebAssembly SIMD kernel (else on the plain loop). */
	get simd(): boolean {
		return this.#scan !== null;
	}

	get capacity(): number {
		return this.#capacity;
	}

	/** Makes room for `capacity` rows, keeping the first `used`. */
	reserve(capacity: number, used: number): void {
		if (capacity > this.#capacity) this.#layout(capacity, used);
	}

	#layout(capacity: number, used: number): void {
		const queryAt = 0;
		const scoresAt = this.stride * 2;
		const rowsAt = scoresAt + Math.ceil((capacity * 4) / 16) * 16;
		const needed = rowsAt + capacity * this.stride;
		const have = this.#memory.buffer.byteLength;
		if (needed > have) this.#memory.grow(Math.ceil((needed - have) / PAGE));
		const bytes = new Int8Array(this.#memory.buffer);
		// The rows only ever move up (the score area grows below them); copyWithin handles overlap.
		if (used > 0 && rowsAt !== this.#rowsAt)
			bytes.copyWithin(rowsAt, this.#rowsAt, this.#rowsAt + used * this.stride);
		this.#capacity = capacity;
		this.#queryAt = queryAt;
		this.#scoresAt = scoresAt;
		this.#rowsAt = rowsAt;
		this.#bytes = bytes;
		this.#query = new Int16Array(this.#memory.buffer, queryAt, this.stride);
		this.#scores = new Int32Array(this.#memory.buffer, scoresAt, capacity);
	}

	write(row: number, codes: ArrayLike<number>): void {
		const at = this.#rowsAt + row * this.stride;
		this.#bytes.fill(0, at, at + this.stride);
		for (let j = 0; j < this.dims; j++) this.#bytes[at + j] = codes[j];
	}

	/** Copies row `from` over row `to`. */
	copy(from: number, to: number): void {
		const at = this.#rowsAt;
		this.#bytes.copyWithin(
			at + to * this.stride,
			at + from * this.stride,
			at + (from + 1) * this.stride
		);
	}

	/** Integer dot products of `queryCodes` with rows 0…n−1 (a view, valid until the next call). */
	scan(queryCodes: Int16Array, n: number): Int32Array {
		this.#query.fill(0);
		this.#query.set(queryCodes.subarray(0, this.dims));
		if (this.#scan) {
			this.#scan(this.#queryAt, this.#rowsAt, n, this.stride, this.#scoresAt);
		} else {
			const bytes = this.#bytes;
			const q = this.#query;
			for (let r = 0; r < n; r++) {
				const at = this.#rowsAt + r * this.stride;
				let s = 0;
				for (let j = 0; j < this.dims; j++) s += bytes[at + j] * q[j];
				this.#scores[r] = s;
			}
		}
		return this.#scores;
	}
}
