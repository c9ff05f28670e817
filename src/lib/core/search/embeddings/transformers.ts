/** @module Optional embedder on transformers.js (onnxruntime-web), e.g. all-MiniLM-L6-v2. */
import { PromptloomError } from '../../model/errors';
import { normalize, type Embedder } from './embedder';

export interface TransformersOptions {
	/** Model id under `localModelPath` or on the remote host, e.g. `Xenova/all-MiniLM-L6-v2`. */
	model: string;
	/** Folder (URL in browsers, path in Node) holding `<model>/config.json`, tokenizer and `onnx/`. */
	localModelPath: string;
	/** Whether the model may be downloaded from `remoteHost` when it is not found locally. */
	allowRemoteModels: boolean;
	/** Base URL of a model host (default: the Hugging Face hub). */
	remoteHost?: string;
	/** Folder URL (ending in `/`) serving onnxruntime-web's `.wasm`/`.mjs` files from the app's origin. */
	wasmPaths?: string;
	/** Vector size of the model (384 for MiniLM-L6). */
	dims: number;
	dtype?: 'fp32' | 'fp16' | 'q8';
	/** Replaces the `fetch` transformers.js uses (tests record what it asks for). */
	fetch?: (input: string | URL, init?: RequestInit) => Promise<Response>;
}

/** The part of transformers.js's `env` this module sets. */
export interface TransformersEnvLike {
	allowRemoteModels: boolean;
	allowLocalModels: boolean;
	localModelPath: string;
	remoteHost: string;
	useWasmCache?: boolean;
	fetch: (input: string | URL, init?: RequestInit) => Promise<Response>;
	backends: { onnx: { wasm?: { wasmPaths?: unknown; proxy?: boolean } } };
}

/**
 * Sets every loading switch explicitly, never relying on library defaults: local files first,
 * remote only when allowed, the WASM runtime from `wasmPaths` (so nothing comes from a CDN).
 */
export function configureTransformersEnv(
	env: TransformersEnvLike,
	options: TransformersOptions
): void {
	env.allowLocalModels = true;
	env.localModelPath = options.localModelPath;
	env.allowRemoteModels = options.allowRemoteModels;
	if (options.remoteHost) env.remoteHost = options.remoteHost.replace(/\/?$/, '/');
	if (options.fetch) env.fetch = options.fetch;
	if (options.wasmPaths !== undefined) {
		env.backends.onnx.wasm ??= {};
		env.backends.onnx.wasm.wasmPaths = options.wasmPaths;
		env.backends.onnx.wasm.proxy = false;
	}
	env.useWasmCache = true;
}

type FeatureExtractor = ((
	texts: string[],
	options: { pooling: 'mean'; normalize: boolean }
) => Promise<{ data: Float32Array; dims: number[] }>) & { dispose?: () => Promise<void> };

export class TransformersEmbedder implements Embedder {
	readonly id: string;
	readonly dims: number;
	#extract: FeatureExtractor;

	private constructor(id: string, dims: number, extract: FeatureExtractor) {
		this.id = id;
		this.dims = dims;
		this.#extract = extract;
	}

	/** Configures transformers.js as `options` say, then loads a feature-extraction pipeline. */
	static async load(options: TransformersOptions): Promise<TransformersEmbedder> {
		const { env, pipeline } = await import('@huggingface/transformers');
		configureTransformersEnv(env as unknown as TransformersEnvLike, options);
		try {
			const extract = (await pipeline('feature-extraction', options.model, {
				dtype: options.dtype ?? 'fp32'
			})) as unknown as FeatureExtractor;
			return new TransformersEmbedder(`transformers:${options.model}`, options.dims, extract);
		} catch (e) {
			const where = options.allowRemoteModels
				? `${options.localModelPath} or ${options.remoteHost ?? 'the Hugging Face hub'}`
				: `${options.localModelPath} (remote models are disabled)`;
			throw new PromptloomError(
				'embedding_unavailable',
				`Could not load the model "${options.model}" from ${where}: ${e instanceof Error ? e.message : String(e)}`,
				{ cause: e }
			);
		}
	}

	async embed(texts: string[]): Promise<Float32Array[]> {
		const out: Float32Array[] = texts.map(() => new Float32Array(this.dims));
		const nonEmpty = texts.map((t, i) => [t, i] as const).filter(([t]) => t.trim());
		if (!nonEmpty.length) return out;
		const result = await this.#extract(
			nonEmpty.map(([t]) => t),
			{ pooling: 'mean', normalize: true }
		);
		const dims = result.dims[result.dims.length - 1];
		if (dims !== this.dims)
			throw new PromptloomError(
				'embedding_unavailable',
				`The model makes ${dims}-dim vectors, not the ${this.dims} configured`
			);
		nonEmpty.forEach(([, i], row) => {
			out[i] = normalize(result.data.slice(row * dims, (row + 1) * dims));
		});
		return out;
	}

	dispose(): void {
		void this.#extract.dispose?.();
	}
}
