import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
	configureTransformersEnv,
	TransformersEmbedder,
	type TransformersEnvLike
} from './transformers';

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
			useWasmCache: true,
			backends: { onnx: { wasm: { wasmPaths: '/wasm/ort/', proxy: false } } }
		});
	});

	it('points remote loading at a configured host', () => {
		const env = freshEnv();
		configureTransformersEnv(env, {
			model: 'm',
			localModelPath: '/models/',
			allowRemoteModels: true,
			remoteHost: 'https://models.example.test/mirror',
			dims: 384
		});
		expect(env.remoteHost).toBe('https://models.example.test/mirror/');
	});
});

describe('transformers.js loading path', () => {
	it('with remote models off, looks only in the local folder and says where it looked', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'pl-models-'));
		const requested: string[] = [];
		try {
			const error = await TransformersEmbedder.load({
				model: 'local/tiny-minilm',
				localModelPath: dir + '/',
				allowRemoteModels: false,
				dims: 384,
				fetch: async (url) => {
					requested.push(String(url));
					return new Response(null, { status: 404 });
				}
			}).then(
				() => null,
				(e: unknown) => e
			);
			expect(error).toMatchObject({ code: 'embedding_unavailable' });
			expect(String((error as Error).message)).toContain('remote models are disabled');
			expect(String((error as Error).message)).toContain(join(dir, 'local/tiny-minilm'));
			expect(requested.filter((u) => u.startsWith('http'))).toEqual([]);
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
	});
});
