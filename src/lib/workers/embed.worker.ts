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
import { PromptloomError } from '../core/model/errors';

const port = self as unknown as PortLike;
let emit: <K extends keyof EmbedWorkerEvents>(n: K, p: EmbedWorkerEvents[K]) => void = () => {};

/**
 * Only the bundled model runs here: bundling transformers.js would also emit onnxruntime-web's
 * 27 MB WASM into the build, which the service worker would precache for every user.
 */
async function loadModel(choice: ModelChoice, onProgress: (f: number) => void): Promise<Embedder> {
	if (choice.kind === 'use-lite')
		return UseLiteEmbedder.load({ ...USE_LITE_WEB_DEFAULTS, onProgress });
	throw new PromptloomError(
		'embedding_unavailable',
		`transformers.js models (${choice.options.model}) are not bundled in this build`
	);
}

emit = serveEmbedWorker(
	port,
	createEmbedHandlers(loadModel, (name, payload) => emit(name, payload))
);
