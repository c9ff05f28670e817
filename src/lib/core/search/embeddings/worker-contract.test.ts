import { afterEach, describe, expect, it } from 'vitest';
import { PromptloomError } from '../../model/errors';
import { normalize, type Embedder } from './embedder';
import {
	createEmbedHandlers,
	EmbedWorkerClient,
	loadWorkerEmbedder,
	serveEmbedWorker,
	workerAnalyzer,
	type PortLike
} from './worker-contract';

/** A deterministic stand-in model: letter counts, so results are known without loading USE. */
const letters: Embedder = {
	id: 'letters',
	dims: 26,
	embed: async (texts) =>
		texts.map((t) => {
			const v = new Float32Array(26);
			for (const ch of t.toLowerCase()) {
				const i = ch.charCodeAt(0) - 97;
				if (i >= 0 && i < 26) v[i]++;
			}
			return normalize(v);
		})
};

const channels: MessageChannel[] = [];
afterEach(() => {
	for (const c of channels.splice(0)) {
		c.port1.close();
		c.port2.close();
	}
});

function connect(loadModel: Parameters<typeof createEmbedHandlers>[0]) {
	const channel = new MessageChannel();
	channels.push(channel);
	let emit: ReturnType<typeof serveEmbedWorker> = () => {};
	emit = serveEmbedWorker(
		channel.port2 as unknown as PortLike,
		createEmbedHandlers(loadModel, (n, p) => emit(n, p))
	);
	return new EmbedWorkerClient(channel.port1 as unknown as PortLike);
}

describe('embeddings worker contract', () => {
	it('loads a model, pushes progress and embeds across the port', async () => {
		const client = connect(async (_choice, onProgress) => {
			onProgress(0.5);
			onProgress(1);
			return letters;
		});
		const progress: number[] = [];
		client.on('model-progress', (p) => progress.push(p.fraction));
		const embedder = await loadWorkerEmbedder(client, { kind: 'use-lite' });
		expect(embedder).toMatchObject({ id: 'letters', dims: 26 });
		expect(progress).toEqual([0.5, 1]);
		const [a, b] = await embedder.embed(['abc', 'zzz']);
		expect(a).toBeInstanceOf(Float32Array);
		expect(a[0]).toBeCloseTo(1 / Math.sqrt(3));
		expect(b[25]).toBeCloseTo(1);
	});

	it('runs the map and duplicate analyses in the worker', async () => {
		const client = connect(async () => letters);
		const vectors = await letters.embed(['aaab', 'aaab', 'zzzy', 'zzzy', 'mmmn', 'mmmn']);
		const ids = vectors.map((_, i) => `p${i}`);
		const analyzer = workerAnalyzer(client);
		const pairs = await analyzer.duplicates({ ids, vectors, threshold: 0.999 });
		expect(pairs.map((p) => `${p.a}-${p.b}`).sort()).toEqual(['p0-p1', 'p2-p3', 'p4-p5']);
		const map = await analyzer.map({ ids, vectors, texts: ids, k: 3, method: 'pca' });
		expect(map.points).toHaveLength(6);
		expect(map.assignments[0]).toBe(map.assignments[1]);
		expect(map.assignments[0]).not.toBe(map.assignments[2]);
	});

	it('answers failures with coded errors', async () => {
		const client = connect(async () => {
			throw new PromptloomError('embedding_unavailable', 'model.json: 404');
		});
		await expect(client.call('embed', { texts: ['x'] })).rejects.toMatchObject({
			code: 'embedding_unavailable',
			message: 'No model is loaded'
		});
		await expect(loadWorkerEmbedder(client, { kind: 'use-lite' })).rejects.toThrow(/404/);
	});

	it('fails the calls still in flight when the client is closed (worker replaced)', async () => {
		const client = connect(() => new Promise<Embedder>(() => {}));
		const pending = loadWorkerEmbedder(client, {
			kind: 'transformers',
			options: { model: 'org/m', localModelPath: '/models/', allowRemoteModels: false }
		});
		client.close('The embedding worker was restarted to switch models');
		await expect(pending).rejects.toMatchObject({
			code: 'embedding_unavailable',
			message: 'The embedding worker was restarted to switch models'
		});
	});
});
