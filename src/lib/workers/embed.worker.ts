/** @module Browser Web Worker running the embedding model, clustering and map projection. */
import {
	createEmbedHandlers,
	serveEmbedWorker,
	type EmbedWorkerEvents,
	type ModelChoice,
	type PortLike
} from '../core/search/embeddings/worker-contract';
import type { Embedder } from '../core/search/embeddings/embedder';
import { UseLiteEmbedder, USE_LITE_WEB_DEFAULTS } from '../core/search/embeddings/use-lite';

const port = self as unknown as PortLike;
let emit: <K extends keyof EmbedWorkerEvents>(n: K, p: EmbedWorkerEvents[K]) => void = () => {};

/**
 * onnxruntime-web's runtime, copied by `scripts/copy-model-assets.js`: served by the app, not
 * precached (14 MB), cached by the service worker the first time a transformers.js model runs.
 */
const ORT_WASM_PATH = '/wasm/ort/';

/**
 * The bundled model loads directly; transformers.js (and onnxruntime-web) is a separate chunk
 * fetched only when the user picked a sentence-transformer model.
 */
async function loadModel(choice: ModelChoice, onProgress: (f: number) => void): Promise<Embedder> {
	if (choice.kind === 'use-lite')
		return UseLiteEmbedder.load({ ...USE_LITE_WEB_DEFAULTS, onProgress });
	const { TransformersEmbedder } = await import('../core/search/embeddings/transformers');
	return TransformersEmbedder.load({ wasmPaths: ORT_WASM_PATH, ...choice.options, onProgress });
}

emit = serveEmbedWorker(
	port,
	createEmbedHandlers(loadModel, (name, payload) => emit(name, payload))
);
