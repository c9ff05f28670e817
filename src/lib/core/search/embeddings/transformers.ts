/** @module Optional embedder on transformers.js (onnxruntime-web), e.g. all-MiniLM-L6-v2. */
import { PromptloomError } from '../../model/errors';
import { normalize, type Embedder } from './embedder';

export interface TransformersOptions {
	/** Model id under `localModelPath` or on the remote host, e.g. `Xenova/all-MiniLM-L6-v2`. */
	model: string;
	/**
	 * Folder (a path on the app's origin in browsers, a directory in Node) holding
	 * `<model>/config.json`, the tokenizer and `onnx/`. Omitted: nothing is looked up locally.
	 */
	localModelPath?: string;
	/** Whether the model may be downloaded from `remoteHost` when it is not found locally. */
	allowRemoteModels: boolean;
	/** Base URL of a model host (default: the Hugging Face hub). */
	remoteHost?: string;
	/**
	 * Path of a model's files under `remoteHost`: the hub's `{model}/resolve/{revision}/` by
	 * default, `{model}/` for a plain folder of models.
	 */
	remotePathTemplate?: string;
	/** Folder URL (ending in `/`) serving onnxruntime-web's `.wasm`/`.mjs` files from the app's origin. */
	wasmPaths?: string;
	/** Vector size of the model (384 for MiniLM-L6); measured on a probe sentence when omitted. */
	dims?: number;
	dtype?: 'fp32' | 'fp16' | 'q8';
	/** Replaces the `fetch` transformers.js uses (tests record what it asks for). */
	fetch?: (input: string | URL, init?: RequestInit) => Promise<Response>;
	/**
	 * Node only: folder keeping downloaded model files (transformers.js reads remote models from
	 * disk in Node, so remote loading there needs it). Browsers keep them in the Cache API.
	 */
	cacheDir?: string;
	/** Reports the download of the model's files, 0..1. */
	onProgress?: (fraction: number) => void;
}

/** The part of transformers.js's `env` this module sets. */
export interface TransformersEnvLike {
	allowRemoteModels: boolean;
	allowLocalModels: boolean;
	localModelPath: string;
	remoteHost: string;
	remotePathTemplate?: string;
	useWasmCache?: boolean;
	useBrowserCache?: boolean;
	useFSCache?: boolean;
	cacheDir?: string | null;
	fetch: (input: string | URL, init?: RequestInit) => Promise<Response>;
	backends: { onnx: { wasm?: { wasmPaths?: unknown; proxy?: boolean } } };
}

const HUB_PATH_TEMPLATE = '{model}/resolve/{revision}/';

/**
 * A `fetch` that reports what failed: a host answering a missing file with its SPA fallback
 * page (`text/html`, status 200) is turned into the 404 it means, and every failed URL is
 * recorded so the load error can name it.
 */
function watchedFetch(
	inner: (input: string | URL, init?: RequestInit) => Promise<Response>,
	failures: string[]
): (input: string | URL, init?: RequestInit) => Promise<Response> {
	const base = globalThis.location?.href;
	return async (input, init) => {
		const url = base ? new URL(input, base).href : String(input);
		let response: Response;
		try {
			response = await inner(input, init);
		} catch (e) {
			failures.push(`${url} (${e instanceof Error ? e.message : String(e)})`);
			throw e;
		}
		if (response.ok && (response.headers.get('content-type') ?? '').startsWith('text/html')) {
			void response.body?.cancel();
			failures.push(`${url} (HTTP 404: the server sent a web page instead of the file)`);
			return new Response(null, { status: 404, statusText: 'Not Found' });
		}
		if (!response.ok && response.status !== 416) failures.push(`${url} (HTTP ${response.status})`);
		return response;
	};
}

/**
 * Sets every loading switch explicitly, never relying on library defaults: local files first
 * (only when a local folder is given), remote only when allowed, the WASM runtime from
 * `wasmPaths` (so nothing comes from a CDN), loaded model files kept in the browser's cache
 * for offline use.
 */
export function configureTransformersEnv(
	env: TransformersEnvLike,
	options: TransformersOptions
): void {
	env.allowLocalModels = options.localModelPath !== undefined;
	if (options.localModelPath !== undefined) env.localModelPath = options.localModelPath;
	env.allowRemoteModels = options.allowRemoteModels;
	if (options.remoteHost) env.remoteHost = options.remoteHost.replace(/\/?$/, '/');
	env.remotePathTemplate = options.remotePathTemplate ?? HUB_PATH_TEMPLATE;
	if (options.fetch) env.fetch = options.fetch;
	if (options.wasmPaths !== undefined) {
		env.backends.onnx.wasm ??= {};
		env.backends.onnx.wasm.wasmPaths = options.wasmPaths;
		env.backends.onnx.wasm.proxy = false;
	}
	// The service worker caches the runtime (one copy); transformers.js would keep a second.
	env.useWasmCache = false;
	env.useBrowserCache = typeof caches !== 'undefined';
	env.useFSCache = options.cacheDir !== undefined;
	if (options.cacheDir !== undefined) env.cacheDir = options.cacheDir;
}

type FeatureExtractor = ((
	texts: string[],
	options: { pooling: 'mean'; normalize: boolean }
) => Promise<{ data: Float32Array; dims: number[] }>) & { dispose?: () => Promise<void> };

interface ProgressInfo {
	status: string;
	file?: string;
	loaded?: number;
	total?: number;
}

/** Turns transformers.js's per-file progress events into one fraction. */
function progressReporter(report: (fraction: number) => void): (info: ProgressInfo) => void {
	const files = new Map<string, { loaded: number; total: number }>();
	return (info) => {
		if (info.status === 'progress' && info.file && info.total) {
			files.set(info.file, { loaded: info.loaded ?? 0, total: info.total });
			let loaded = 0;
			let total = 0;
			for (const f of files.values()) {
				loaded += f.loaded;
				total += f.total;
			}
			report(Math.min(0.99, loaded / total));
		} else if (info.status === 'ready') report(1);
	};
}

function describeSource(options: TransformersOptions): string {
	const remote = options.remoteHost ?? 'the Hugging Face hub';
	if (options.localModelPath === undefined)
		return options.allowRemoteModels ? remote : '(nowhere: local and remote loading are off)';
	return options.allowRemoteModels
		? `${options.localModelPath} or ${remote}`
		: `${options.localModelPath} (remote models are disabled)`;
}

export class TransformersEmbedder implements Embedder {
	readonly id: string;
	readonly dims: number;
	#extract: FeatureExtractor;

	private constructor(id: string, dims: number, extract: FeatureExtractor) {
		this.id = id;
		this.dims = dims;
		this.#extract = extract;
	}

	/**
	 * Configures transformers.js as `options` say, then loads a feature-extraction pipeline.
	 * Throws `embedding_unavailable` naming where it looked and which files failed.
	 */
	static async load(options: TransformersOptions): Promise<TransformersEmbedder> {
		if (options.allowRemoteModels && typeof caches === 'undefined' && !options.cacheDir)
			throw new PromptloomError(
				'validation',
				'Loading a remote model outside a browser needs a cacheDir to keep the files in'
			);
		const { env, pipeline } = await import('@huggingface/transformers');
		const failures: string[] = [];
		const baseFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
		configureTransformersEnv(env as unknown as TransformersEnvLike, {
			...options,
			fetch: watchedFetch(baseFetch, failures)
		});
		const fail = (e: unknown, what: string) => {
			const detail = e instanceof Error ? e.message : String(e);
			// The files that failed say more than the library's message, so they come first.
			const reason = failures.length
				? `could not fetch ${[...new Set(failures)].join(', ')} [${detail}]`
				: detail;
			return new PromptloomError(
				'embedding_unavailable',
				`Could not ${what} the model "${options.model}" from ${describeSource(options)}: ${reason}`,
				{ cause: e }
			);
		};
		let extract: FeatureExtractor;
		try {
			extract = (await pipeline('feature-extraction', options.model, {
				dtype: options.dtype ?? 'fp32',
				progress_callback: options.onProgress ? progressReporter(options.onProgress) : undefined
			})) as unknown as FeatureExtractor;
		} catch (e) {
			throw fail(e, 'load');
		}
		let dims = options.dims;
		if (dims === undefined) {
			try {
				const probe = await extract(['dimension probe'], { pooling: 'mean', normalize: true });
				dims = probe.dims[probe.dims.length - 1];
			} catch (e) {
				void extract.dispose?.();
				throw fail(e, 'run');
			}
		}
		return new TransformersEmbedder(`transformers:${options.model}`, dims, extract);
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
