/** @module The bundled default embedder: Universal Sentence Encoder lite on TF.js's WASM backend. */
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { Tokenizer } from '@tensorflow-models/universal-sentence-encoder';
import { PromptloomError } from '../../model/errors';
import { normalize, type Embedder } from './embedder';
import { registerSparseToDense } from './sparse-to-dense';

/** Where the model, its vocabulary and the WASM runtime are served from (the app's own origin). */
export interface UseLiteOptions {
	/** URL of `model.json` (its weight shards are fetched next to it). */
	modelUrl: string;
	/** URL of the tokenizer's `vocab.json`. */
	vocabUrl: string;
	/** Folder URL (ending in `/`) holding `tfjs-backend-wasm*.wasm`. */
	wasmPath: string;
	/** Replaces `fetch` (Node reads `file://` URLs with it). */
	fetch?: (url: string) => Promise<Response>;
	/** Texts per model call; bounds memory. */
	batchSize?: number;
	/** Reports the model download, 0..1. */
	onProgress?: (fraction: number) => void;
}

/** Default URLs inside the built app (filled by `scripts/copy-model-assets.js`). */
export const USE_LITE_WEB_DEFAULTS = {
	modelUrl: '/models/use-lite/model.json',
	vocabUrl: '/models/use-lite/vocab.json',
	wasmPath: '/wasm/tfjs/'
} as const;

export const USE_LITE_ID = 'use-lite@1';
const DIMS = 512;

type Vocabulary = [string, number][];

let backendReady: Promise<void> | null = null;

/** Selects the WASM backend once per process / worker. */
function initBackend(wasmPath: string): Promise<void> {
	backendReady ??= (async () => {
		registerSparseToDense();
		setWasmPaths(wasmPath);
		if (!(await tf.setBackend('wasm')))
			throw new PromptloomError('embedding_unavailable', 'The WebAssembly backend failed to start');
		await tf.ready();
	})().catch((e) => {
		backendReady = null;
		throw e;
	});
	return backendReady;
}

export class UseLiteEmbedder implements Embedder {
	readonly id = USE_LITE_ID;
	readonly dims = DIMS;
	#model: GraphModel;
	#tokenizer: Tokenizer;
	#batchSize: number;

	private constructor(model: GraphModel, tokenizer: Tokenizer, batchSize: number) {
		this.#model = model;
		this.#tokenizer = tokenizer;
		this.#batchSize = batchSize;
	}

	/** Loads the model from `options` URLs; never touches any other host. */
	static async load(options: UseLiteOptions): Promise<UseLiteEmbedder> {
		const fetchFn = options.fetch ?? ((url: string) => globalThis.fetch(url));
		await initBackend(options.wasmPath);
		try {
			const [model, vocabulary] = await Promise.all([
				loadGraphModel(options.modelUrl, {
					fetchFunc: (url: string) => fetchFn(url),
					onProgress: options.onProgress
				}),
				fetchFn(options.vocabUrl).then(async (r) => {
					if (!r.ok) throw new Error(`HTTP ${r.status} for ${options.vocabUrl}`);
					return (await r.json()) as Vocabulary;
				})
			]);
			return new UseLiteEmbedder(model, new Tokenizer(vocabulary), options.batchSize ?? 32);
		} catch (e) {
			throw new PromptloomError(
				'embedding_unavailable',
				`Could not load the embedding model from ${options.modelUrl}: ${e instanceof Error ? e.message : String(e)}`
			);
		}
	}

	async embed(texts: string[]): Promise<Float32Array[]> {
		const out: Float32Array[] = [];
		for (let i = 0; i < texts.length; i += this.#batchSize)
			out.push(...(await this.#embedBatch(texts.slice(i, i + this.#batchSize))));
		return out;
	}

	async #embedBatch(texts: string[]): Promise<Float32Array[]> {
		const encodings = texts.map((t) => (t.trim() ? this.#tokenizer.encode(t) : []));
		// Rows of the sparse input are numbered densely, so texts without tokens are left out.
		const rows: number[] = [];
		const indices: number[] = [];
		const values: number[] = [];
		encodings.forEach((tokens, i) => {
			if (!tokens.length) return;
			const row = rows.length;
			rows.push(i);
			tokens.forEach((token, j) => {
				indices.push(row, j);
				values.push(token);
			});
		});
		const result: Float32Array[] = texts.map(() => new Float32Array(DIMS));
		if (!rows.length) return result;
		const indicesT = tf.tensor2d(indices, [values.length, 2], 'int32');
		const valuesT = tf.tensor1d(values, 'int32');
		try {
			const output = (await this.#model.executeAsync({
				indices: indicesT,
				values: valuesT
			})) as tf.Tensor;
			const data = (await output.data()) as Float32Array;
			output.dispose();
			rows.forEach((textIndex, row) => {
				result[textIndex] = normalize(data.slice(row * DIMS, (row + 1) * DIMS));
			});
			return result;
		} finally {
			indicesT.dispose();
			valuesT.dispose();
		}
	}

	dispose(): void {
		this.#model.dispose();
	}
}
