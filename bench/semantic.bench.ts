/**
 * Semantic search benchmarks.
 *
 * - `semantic.embed_per_s`: short prompts per second through the bundled USE-lite model on the
 *   TF.js WASM backend (Node), in batches.
 * - `semantic.query_embed_p95_ms`: p95 of embedding one search query with that model — the part
 *   of a search spent in the model (in the app, in the embeddings worker).
 * - `semantic.search_p95_ms_10k`: p95 of `SemanticService.search` on a 10,000-prompt library (the
 *   generated sample library, one query in four with a tag filter, top 20): everything the user
 *   waits for except the model's query embedding, reported above. Prompt and query vectors come
 *   from a hashing embedder (random unit vectors of the model's 512 dims; ~0.02 ms a query), since
 *   ranking cost does not depend on what the vectors mean.
 * - `semantic.index_search_p95_ms_10k`: the vector index alone on the same vectors (top 20).
 * - `semantic.index_search_p95_ms_100k`: the vector index alone on 100,000 random unit vectors of
 *   512 dims (top 20); `semantic.search_recall_at_10_100k`: its top 10 against a full float scan
 *   on 10 of those queries (1 expected, as at 10k); `…_cpu_ms_100k`: the same p95 in CPU time of
 *   this process (what a search costs when the shared machine preempts it).
 * - `semantic.search_recall_at_10`: the index's top 10 against a full float scan (1 = identical;
 *   the int8 scan re-ranks exactly, so anything below 1 is a bug).
 * - `semantic.near_dup_10k_s`: near-duplicate pairs among 10,000 random 512-dim vectors with 300
 *   planted near-duplicates, at 0.80 (the lowest, slowest threshold the map page offers);
 *   `semantic.near_dup_10k_s_at_092` at the default 0.92; `semantic.near_dup_planted_found`: the
 *   share of planted pairs found (1 expected).
 * - `semantic.cluster_10k_s`: k-means with k chosen by silhouette (k = 2…12) over those vectors.
 *
 * Timings are wall-clock; the machine may be shared, so `uptime` load is printed alongside.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { loadavg } from 'node:os';
import { openAppCore } from '../src/lib/core/app-core';
import { generateLibrary } from '../src/lib/core/io/sample-library';
import { serializeLibrary } from '../src/lib/core/io/library-file';
import { VectorIndex } from '../src/lib/core/search/vector-index';
import { SemanticService } from '../src/lib/core/search/embeddings/semantic-service';
import { dot, normalize, type Embedder } from '../src/lib/core/search/embeddings/embedder';
import { clusterVectors } from '../src/lib/core/search/embeddings/clustering';
import { findNearDuplicates } from '../src/lib/core/search/embeddings/duplicates';
import { gaussian, seededRandom } from '../src/lib/core/search/embeddings/random';
import { loadNodeUseLite } from '../src/lib/core/search/embeddings/use-lite.node.ts';
import { percentile } from './stats';

const VERBS = ['Summarize', 'Translate', 'Classify', 'Rewrite', 'Extract', 'Explain', 'Draft'];
const OBJECTS = ['the email', 'this ticket', 'the article', 'a product review', 'the contract'];
const STYLES = ['in three bullets', 'politely', 'as JSON', 'for a child', 'in French'];
const QUERIES = [
	'summarize a support email',
	'translate to french',
	'classify the ticket by urgency',
	'extract invoice fields as json',
	'write a polite reply',
	'review this code for bugs',
	'product description for a shop',
	'explain like I am five'
];
const DIMS = 512;

const round = (x: number, digits = 2) => Number(x.toFixed(digits));

/** Random unit vectors seeded by a hash of the text: same text, same vector; no model. */
function hashingEmbedder(): Embedder {
	return {
		id: 'bench-hash@1',
		dims: DIMS,
		embed: async (texts) =>
			texts.map((t) => {
				let h = 2166136261;
				for (let i = 0; i < t.length; i++) h = Math.imul(h ^ t.charCodeAt(i), 16777619);
				const random = seededRandom(h >>> 0);
				return normalize(Float32Array.from({ length: DIMS }, () => gaussian(random)));
			})
	};
}

async function modelFigures() {
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
	const times: number[] = [];
	for (let i = 0; i < 40; i++) {
		const s = performance.now();
		await embedder.embed([`${QUERIES[i % QUERIES.length]} ${i}`]);
		times.push(performance.now() - s);
	}
	embedder.dispose();
	return {
		'semantic.embed_per_s': round(embedPerS, 1),
		'semantic.query_embed_p95_ms': round(percentile(times, 95))
	};
}

async function serviceFigures() {
	const file = generateLibrary({ prompts: 10_000, seed: 42 });
	const core = await openAppCore({
		name: 'bench-semantic',
		indexedDB: new IDBFactory(),
		IDBKeyRange
	});
	await core.backup.importText(serializeLibrary(file, 'json'), 'replace', 'json');
	const service = new SemanticService({
		db: core.db,
		fullText: core.search,
		embedder: hashingEmbedder(),
		batchSize: 500
	});
	const synced = await service.sync();
	const tags = [...new Set(file.prompts.flatMap((p) => p.tags))];
	const run = (i: number) =>
		service.search(`${QUERIES[i % QUERIES.length]} ${i}`, {
			k: 20,
			filters: i % 4 === 0 ? { tag: tags[i % tags.length] } : {}
		});
	for (let i = 0; i < 20; i++) await run(i); // warm-up
	const times: number[] = [];
	for (let i = 0; i < 200; i++) {
		const s = performance.now();
		await run(i);
		times.push(performance.now() - s);
	}
	await service.dispose();
	core.close();
	return { size: synced.embedded + synced.reused, p95: percentile(times, 95) };
}

function randomUnit(random: () => number) {
	return normalize(Float32Array.from({ length: DIMS }, () => gaussian(random)));
}

function indexFigures(vectors: Float32Array[], random: () => number) {
	const index = new VectorIndex('bench', DIMS);
	vectors.forEach((v, i) => index.set(`p${i}`, 'h', v));
	const queries = Array.from({ length: 220 }, () => randomUnit(random));
	const times: number[] = [];
	queries.forEach((q, i) => {
		const s = performance.now();
		index.search(q, { k: 20 });
		if (i >= 20) times.push(performance.now() - s); // the first 20 warm up
	});
	let agree = 0;
	let total = 0;
	for (const q of queries.slice(0, 50)) {
		const exact = vectors
			.map((v, i) => ({ i, s: dot(v, q) }))
			.sort((a, b) => b.s - a.s)
			.slice(0, 10)
			.map((h) => `p${h.i}`);
		const got = new Set(index.search(q, { k: 10 }).map((h) => h.id));
		agree += exact.filter((id) => got.has(id)).length;
		total += exact.length;
	}
	return {
		'semantic.index_search_p95_ms_10k': round(percentile(times, 95)),
		'semantic.search_recall_at_10': round(agree / total, 4)
	};
}

function largeIndexFigures() {
	const random = seededRandom(7);
	const n = 100_000;
	const index = new VectorIndex('bench', DIMS);
	const rows = new Float32Array(n * DIMS);
	for (let i = 0; i < n; i++) {
		const v = randomUnit(random);
		rows.set(v, i * DIMS);
		index.set(`p${i}`, 'h', v);
	}
	const times: number[] = [];
	const cpu: number[] = [];
	for (let i = 0; i < 220; i++) {
		const q = randomUnit(random);
		const c = process.cpuUsage();
		const s = performance.now();
		index.search(q, { k: 20 });
		if (i < 20) continue; // the first 20 warm up
		times.push(performance.now() - s);
		const used = process.cpuUsage(c);
		cpu.push((used.user + used.system) / 1000);
	}
	let agree = 0;
	for (let t = 0; t < 10; t++) {
		const q = randomUnit(random);
		const scores = new Float64Array(n);
		for (let i = 0; i < n; i++) scores[i] = dot(rows.subarray(i * DIMS, (i + 1) * DIMS), q);
		const exact = [...scores.keys()].sort((a, b) => scores[b] - scores[a]).slice(0, 10);
		const got = new Set(index.search(q, { k: 10 }).map((h) => h.id));
		agree += exact.filter((i) => got.has(`p${i}`)).length;
	}
	return {
		'semantic.index_search_p95_ms_100k': round(percentile(times, 95)),
		'semantic.index_search_p95_cpu_ms_100k': round(percentile(cpu, 95)),
		'semantic.search_recall_at_10_100k': round(agree / 100, 4)
	};
}

function nearDuplicateFigures(vectors: Float32Array[], random: () => number) {
	const items = vectors.map((vector, i) => ({ id: `p${i}`, vector }));
	const planted: string[] = [];
	for (let i = 0; i < 300; i++) {
		// Item 30i+1 becomes a near-duplicate of item 30i, at a similarity in [0.80, 1).
		const a = items[30 * i].vector;
		const sim = 0.8 + 0.2 * random();
		const u = randomUnit(random);
		const along = dot(u, a);
		const orth = normalize(u.map((x, j) => x - along * a[j]));
		items[30 * i + 1] = {
			id: `p${30 * i + 1}`,
			vector: normalize(a.map((x, j) => sim * x + Math.sqrt(1 - sim * sim) * orth[j]))
		};
		planted.push(`p${30 * i}|p${30 * i + 1}`);
	}
	const t0 = performance.now();
	const pairs = findNearDuplicates(items, 0.8);
	const lowS = (performance.now() - t0) / 1000;
	const t1 = performance.now();
	findNearDuplicates(items, 0.92);
	const defaultS = (performance.now() - t1) / 1000;
	const found = new Set(pairs.map((p) => `${p.a}|${p.b}`));
	return {
		'semantic.near_dup_10k_s': round(lowS),
		'semantic.near_dup_10k_s_at_092': round(defaultS),
		'semantic.near_dup_planted_found': round(planted.filter((p) => found.has(p)).length / 300, 4)
	};
}

export async function run(): Promise<Record<string, number>> {
	console.error(
		`semantic bench: load average ${loadavg()
			.map((l) => l.toFixed(2))
			.join(' ')}`
	);
	const model = await modelFigures();
	const service = await serviceFigures();
	if (service.size < 9_000)
		throw new Error(`the service indexed ${service.size} prompts, expected about 10,000`);

	const random = seededRandom(1);
	const vectors = Array.from({ length: 10_000 }, () => randomUnit(random));
	const index = indexFigures(vectors, random);
	const large = largeIndexFigures();
	const duplicates = nearDuplicateFigures(vectors, random);
	const c0 = performance.now();
	clusterVectors(vectors);
	const clusterS = (performance.now() - c0) / 1000;
	console.error(
		`semantic bench: ${service.size} prompts searched; load average now ${loadavg()
			.map((l) => l.toFixed(2))
			.join(' ')}`
	);
	return {
		...model,
		'semantic.search_p95_ms_10k': round(service.p95),
		...index,
		...large,
		...duplicates,
		'semantic.cluster_10k_s': round(clusterS)
	};
}
