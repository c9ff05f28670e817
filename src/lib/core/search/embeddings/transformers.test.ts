import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	tinySentenceModel,
	writeTinySentenceModel
} from '../../../../../tests/support/tiny-onnx-model';
import { cosine, dot } from './embedder';
import {
	configureTransformersEnv,
	TransformersEmbedder,
	type TransformersEnvLike,
	type TransformersOptions
} from './transformers';

/** The error `TransformersEmbedder.load(options)` fails with (null when it loads). */
function loadError(options: TransformersOptions): Promise<(Error & { code?: string }) | null> {
	return TransformersEmbedder.load(options).then(
		(e) => {
			e.dispose();
			return null;
		},
		(e: unknown) => e as Error
	);
}

function freshEnv(): TransformersEnvLike {
	return {
		allowRemoteModels: true,
		allowLocalModels: false,
		localModelPath: '/default/',
		remoteHost: 'https://huggingface.co/',
		fetch: async () => new Response(null),
		backends: { onnx: {} }
	};
}

describe('transformers.js configuration', () => {
	it('sets every loading switch explicitly, with self-hosted WASM', () => {
		const env = freshEnv();
		configureTransformersEnv(env, {
			model: 'Xenova/all-MiniLM-L6-v2',
			localModelPath: '/models/',
			allowRemoteModels: false,
			wasmPaths: '/wasm/ort/',
			dims: 384
		});
		expect(env).toMatchObject({
			allowLocalModels: true,
			allowRemoteModels: false,
			localModelPath: '/models/',
			remotePathTemplate: '{model}/resolve/{revision}/',
			useWasmCache: false,
			useFSCache: false,
			backends: { onnx: { wasm: { wasmPaths: '/wasm/ort/', proxy: false } } }
		});
	});

	it('points remote loading at a configured host and skips local lookups without a local folder', () => {
		const env = freshEnv();
		configureTransformersEnv(env, {
			model: 'm',
			allowRemoteModels: true,
			remoteHost: 'https://models.example.test/mirror',
			remotePathTemplate: '{model}/'
		});
		expect(env).toMatchObject({
			allowLocalModels: false,
			remoteHost: 'https://models.example.test/mirror/',
			remotePathTemplate: '{model}/'
		});
	});
});

describe('transformers.js loading path', () => {
	it('with remote models off, looks only in the local folder and says where it looked', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'pl-models-'));
		const requested: string[] = [];
		try {
			const error = await loadError({
				model: 'local/tiny-minilm',
				localModelPath: dir + '/',
				allowRemoteModels: false,
				dims: 384,
				fetch: async (url) => {
					requested.push(String(url));
					return new Response(null, { status: 404 });
				}
			});
			expect(error).toMatchObject({ code: 'embedding_unavailable' });
			expect(error!.message).toContain('remote models are disabled');
			expect(error!.message).toContain(join(dir, 'local/tiny-minilm'));
			expect(requested.filter((u) => u.startsWith('http'))).toEqual([]);
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
	});
});

describe('real ONNX inference on a generated sentence-transformer', () => {
	let dir: string;
	let embedder: TransformersEmbedder;
	beforeAll(async () => {
		dir = await mkdtemp(join(tmpdir(), 'pl-tiny-model-'));
		await writeTinySentenceModel(dir, 'local/tiny-encoder');
		embedder = await TransformersEmbedder.load({
			model: 'local/tiny-encoder',
			localModelPath: dir + '/',
			allowRemoteModels: false
		});
	});
	afterAll(async () => {
		embedder?.dispose();
		await rm(dir, { recursive: true, force: true });
	});

	it('measures the vector size on a probe sentence and ids vectors by model', () => {
		expect(embedder.dims).toBe(32);
		expect(embedder.id).toBe('transformers:local/tiny-encoder');
	});

	it('returns unit vectors, the same for the same text, different for different texts', async () => {
		const texts = [
			'Translate the passage into French.',
			'Write SQL against the orders table.',
			'Translate the passage into French.',
			''
		];
		const [a, b, again, empty] = await embedder.embed(texts);
		for (const v of [a, b]) {
			expect(v).toHaveLength(32);
			expect(Math.hypot(...v)).toBeCloseTo(1, 5);
		}
		expect(Array.from(again)).toEqual(Array.from(a));
		expect(dot(a, b)).toBeLessThan(0.95);
		expect(Array.from(empty)).toEqual(new Array(32).fill(0));
		const [alone] = await embedder.embed(['Write SQL against the orders table.']);
		// Padding in a batch does not change a text's vector (the attention mask hides it).
		expect(cosine(alone, b)).toBeCloseTo(1, 5);
	});

	it('ranks texts sharing words above unrelated ones', async () => {
		const [query, sql, french] = await embedder.embed([
			'sql query for the orders database',
			'Write SQL against the orders table.',
			'Translate the passage into French.'
		]);
		expect(dot(query, sql)).toBeGreaterThan(dot(query, french));
	});

	it('a second load of the same files gives the same vectors', async () => {
		const other = await TransformersEmbedder.load({
			model: 'local/tiny-encoder',
			localModelPath: dir + '/',
			allowRemoteModels: false,
			dims: 32
		});
		try {
			const text = ['Summarize the customer email in three bullets.'];
			expect(Array.from((await other.embed(text))[0])).toEqual(
				Array.from((await embedder.embed(text))[0])
			);
		} finally {
			other.dispose();
		}
	});

	it('rejects a corrupt model file with a clear error', async () => {
		await writeTinySentenceModel(dir, 'local/corrupt');
		await writeFile(join(dir, 'local/corrupt/onnx/model.onnx'), 'this is not a protobuf');
		const error = await loadError({
			model: 'local/corrupt',
			localModelPath: dir + '/',
			allowRemoteModels: false
		});
		expect(error).toMatchObject({ code: 'embedding_unavailable' });
		expect(error?.message).toContain('Could not load the model "local/corrupt"');
	});
});

describe('a sentence-transformer from a model server (remote loading switched on)', () => {
	let server: Server;
	let base: string;
	let cacheDir: string;
	const requests: string[] = [];
	const model = tinySentenceModel();
	beforeAll(async () => {
		cacheDir = await mkdtemp(join(tmpdir(), 'pl-model-cache-'));
		server = createServer((req, res) => {
			const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
			requests.push(path);
			const file = path.startsWith('/models/org/tiny/')
				? model.files.get(path.slice('/models/org/tiny/'.length))
				: undefined;
			if (!file) {
				// Like a static host with an SPA fallback: a web page for every unknown path.
				res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><p>app</p>');
				return;
			}
			res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(file);
		});
		await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
		const address = server.address();
		base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/models/`;
	});
	afterAll(async () => {
		await new Promise<void>((ok) => server.close(() => ok()));
		await rm(cacheDir, { recursive: true, force: true });
	});

	it('downloads the files from <base><model>/ and embeds with them', async () => {
		const embedder = await TransformersEmbedder.load({
			model: 'org/tiny',
			allowRemoteModels: true,
			remoteHost: base,
			remotePathTemplate: '{model}/',
			cacheDir
		});
		try {
			const [v] = await embedder.embed(['Write SQL against the orders table.']);
			expect(v).toHaveLength(model.dims);
			expect(Math.hypot(...v)).toBeCloseTo(1, 5);
			expect(requests).toContain('/models/org/tiny/onnx/model.onnx');
		} finally {
			embedder.dispose();
		}
	});

	it('names the missing files when the server answers with its fallback page', async () => {
		const error = await loadError({
			model: 'org/absent',
			allowRemoteModels: true,
			remoteHost: base,
			remotePathTemplate: '{model}/',
			cacheDir
		});
		expect(error).toMatchObject({ code: 'embedding_unavailable' });
		expect(error!.message).toContain(`from ${base}`);
		expect(error!.message).toContain(`${base}org/absent/config.json (HTTP 404`);
	});

	it('says the server is unreachable when nothing answers', async () => {
		const error = await loadError({
			model: 'org/elsewhere',
			allowRemoteModels: true,
			remoteHost: 'http://127.0.0.1:9/models/',
			remotePathTemplate: '{model}/',
			cacheDir
		});
		expect(error).toMatchObject({ code: 'embedding_unavailable' });
		expect(error!.message).toContain('http://127.0.0.1:9/models/org/elsewhere/');
	});
});
