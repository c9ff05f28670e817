/**
 * Semantic search benchmarks. `semantic.embed_per_s`: short prompts per second through the bundled
 * USE-lite model on the TF.js WASM backend (Node). `semantic.search_p95_ms_10k`: p95 latency of a
 * cosine top-20 query (query embedding excluded) over 10,000 vectors — synthetic random unit vectors
 * of the model's dimension (512), since ranking cost does not depend on what the vectors mean.
 * `semantic.cluster_10k_s`: k-means with k chosen by silhouette (k = 2…12) over those vectors.
 */
import { VectorIndex } from '../src/lib/core/search/vector-index';
import { normalize } from '../src/lib/core/search/embeddings/embedder';
import { clusterVectors } from '../src/lib/core/search/embeddings/clustering';
import { gaussian, seededRandom } from '../src/lib/core/search/embeddings/random';
import { loadNodeUseLite } from '../src/lib/core/search/embeddings/use-lite-node';
import { percentile } from './stats';

const VERBS = ['Summarize', 'Translate', 'Classify', 'Rewrite', 'Extract', 'Explain', 'Draft'];
const OBJECTS = ['the email', 'this ticket', 'the article', 'a product review', 'the contract'];
const STYLES = ['in three bullets', 'politely', 'as JSON', 'for a child', 'in French'];

export async function run(): Promise<Record<string, number>> {
	const embedder = await loadNodeUseLite();
	const texts = Array.from(
		{ length: 256 },
		(_, i) =>
			`${VERBS[i % VERBS.length]} ${OBJECTS[(i * 3) % OBJECTS.length]} ${STYLES[(i * 7) % STYLES.length]} #${i}`
	);
	await embedder.embed(texts.slice(0, 32)); // warm-up
	const t0 = performance.now();
	await embedder.embed(texts);
	const embedPerS = texts.length / ((performance.now() - t0) / 1000);

	const random = seededRandom(1);
	const dims = embedder.dims;
	const index = new VectorIndex(embedder.id, dims);
	const vectors: Float32Array[] = [];
	for (let i = 0; i < 10_000; i++) {
		const v = normalize(Float32Array.from({ length: dims }, () => gaussian(random)));
		vectors.push(v);
		index.set(`p${i}`, 'h', v);
	}
	const times: number[] = [];
	for (let q = 0; q < 200; q++) {
		const query = normalize(Float32Array.from({ length: dims }, () => gaussian(random)));
		const start = performance.now();
		index.search(query, { k: 20 });
		times.push(performance.now() - start);
	}
	const c0 = performance.now();
	clusterVectors(vectors);
	const clusterS = (performance.now() - c0) / 1000;
	embedder.dispose();
	return {
		'semantic.embed_per_s': Math.round(embedPerS * 10) / 10,
		'semantic.search_p95_ms_10k': Math.round(percentile(times, 95) * 100) / 100,
		'semantic.cluster_10k_s': Math.round(clusterS * 100) / 100
	};
}
