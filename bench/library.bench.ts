/**
 * Library benchmarks: importing 10,000 generated prompts into IndexedDB (fake-indexeddb in Node,
 * through the same validate-then-write path as the app's restore), full-text query latency over
 * them, and the gzip size of the JS the first page loads.
 *
 * Full text at 100,000 prompts (`fullTextFigures`): build time, index heap, query p95 and the
 * p95 of one prompt's update, beside FlexSearch (its `Document` index over the same four fields,
 * default tokenizer, tags as its tag field) built and queried in the same run; and the overlap
 * of our top 10 with the previous engine's (MiniSearch with the options it had) at 10,000.
 * Timings are wall-clock on a machine that may be shared: the load average is printed.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { execFileSync, execSync } from 'node:child_process';
import { loadavg } from 'node:os';
import MiniSearch from 'minisearch';
import { openAppCore } from '../src/lib/core/app-core';
import { generateLibrary } from '../src/lib/core/io/sample-library';
import { serializeLibrary } from '../src/lib/core/io/library-file';
import { FullTextIndex } from '../src/lib/core/search/full-text-index';
import { tokenize } from '../src/lib/core/search/text/tokens';
import { promptText, type Folder, type Prompt } from '../src/lib/core/model/prompt';
import { percentile } from './stats';
import { buildFlexSearch, peerDocs } from './full-text-peer';

const QUERIES = [
	'summarize',
	'email',
	'customer support',
	'json',
	'translate',
	'sql',
	'bullet points',
	'classify ticket',
	'tone',
	'code review',
	'extract',
	'summ',
	'polite reply',
	'product description',
	'questions'
];

async function libraryFigures(): Promise<Record<string, number>> {
	const file = generateLibrary({ prompts: 10_000, seed: 42 });
	const text = serializeLibrary(file, 'json');
	const core = await openAppCore({ name: 'bench', indexedDB: new IDBFactory(), IDBKeyRange });
	const t0 = performance.now();
	await core.backup.importText(text, 'replace', 'json');
	const importMs = performance.now() - t0;

	const tags = [...new Set(file.prompts.flatMap((p) => p.tags))];
	for (let i = 0; i < 30; i++) core.search.search(QUERIES[i % QUERIES.length]); // warm-up
	const times: number[] = [];
	const cpu: number[] = [];
	for (let i = 0; i < 200; i++) {
		const q = QUERIES[i % QUERIES.length];
		const filters = i % 4 === 0 ? { tag: tags[i % tags.length] } : {};
		const c = process.cpuUsage();
		const s = performance.now();
		core.search.search(q, filters);
		times.push(performance.now() - s);
		const used = process.cpuUsage(c);
		cpu.push((used.user + used.system) / 1000);
	}
	core.close();
	return {
		'library.import_10k_ms': Math.round(importMs),
		'library.search_p95_ms_10k': Number(percentile(times, 95).toFixed(2)),
		'library.search_p95_cpu_ms_10k': Number(percentile(cpu, 95).toFixed(2))
	};
}

const loads = () =>
	loadavg()
		.map((l) => l.toFixed(2))
		.join(' ');

/** Heap and build time of one index built alone in a fresh process (bench/full-text-heap.ts). */
function alone(which: 'ours' | 'flexsearch'): {
	heapMb: number;
	buildMs: number;
	buildCpuMs: number;
} {
	const out = execFileSync(
		process.execPath,
		['--import', 'tsx', 'bench/full-text-heap.ts', which],
		{
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'inherit']
		}
	);
	return JSON.parse(out.trim().split('\n').pop()!) as {
		heapMb: number;
		buildMs: number;
		buildCpuMs: number;
	};
}

const round = (x: number, digits = 2) => Number(x.toFixed(digits));

/** The previous engine, configured as it was, for the ranking overlap. */
function miniSearchTop10(prompts: Prompt[], queries: string[]): string[][] {
	const mini = new MiniSearch<{
		id: string;
		name: string;
		description: string;
		tags: string;
		content: string;
	}>({
		fields: ['name', 'description', 'tags', 'content'],
		tokenize,
		searchOptions: {
			boost: { name: 4, tags: 2, description: 1.5 },
			prefix: (term, i, terms) => i === terms.length - 1 && term.length >= 3,
			combineWith: 'AND'
		}
	});
	mini.addAll(
		prompts
			.filter((p) => p.deletedAt === null)
			.map((p) => ({
				id: p.id,
				name: p.name,
				description: p.description,
				tags: p.tags.join(' '),
				content: promptText(p)
			}))
	);
	return queries.map((q) => {
		let r = mini.search(q);
		if (!r.length) r = mini.search(q, { fuzzy: (t) => (t.length > 3 ? 0.2 : false) });
		return r.slice(0, 10).map((h) => h.id as string);
	});
}

function top10Overlap(): number {
	const file = generateLibrary({ prompts: 10_000, seed: 42 });
	const prompts = file.prompts as Prompt[];
	const index = new FullTextIndex();
	index.rebuild(prompts, file.folders as Folder[]);
	const before = miniSearchTop10(prompts, QUERIES);
	let shared = 0;
	let total = 0;
	QUERIES.forEach((q, i) => {
		const now = new Set(index.search(q, {}, 10).map((h) => h.id));
		shared += before[i].filter((id) => now.has(id)).length;
		total += before[i].length;
	});
	return total ? shared / total : 1;
}

/**
 * p95 of the same query mix as at 10k (one query in four filtered by a tag), wall-clock and in
 * CPU time of this process (what a query costs when the shared machine preempts it).
 */
function queryTimes(
	search: (q: string, tag: string | undefined) => unknown,
	tags: string[]
): { wall: number; cpu: number } {
	for (let i = 0; i < 30; i++) search(QUERIES[i % QUERIES.length], undefined); // warm-up
	const wall: number[] = [];
	const cpu: number[] = [];
	for (let i = 0; i < 300; i++) {
		const q = QUERIES[i % QUERIES.length];
		const tag = i % 4 === 0 ? tags[i % tags.length] : undefined;
		const c = process.cpuUsage();
		const s = performance.now();
		search(q, tag);
		wall.push(performance.now() - s);
		const used = process.cpuUsage(c);
		cpu.push((used.user + used.system) / 1000);
	}
	return { wall: percentile(wall, 95), cpu: percentile(cpu, 95) };
}

async function fullTextFigures(): Promise<Record<string, number>> {
	console.error(`library bench: load average before 100k full text ${loads()}`);
	const file = generateLibrary({ prompts: 100_000, seed: 42 });
	const prompts = (file.prompts as Prompt[]).filter((p) => p.deletedAt === null);
	const tags = [...new Set(prompts.flatMap((p) => p.tags))];
	const docs = peerDocs(prompts);

	const index = new FullTextIndex();
	index.rebuild(prompts, file.folders as Folder[]);
	const p95 = queryTimes((q, tag) => index.search(q, tag ? { tag } : {}), tags);
	const updates: number[] = [];
	for (let i = 0; i < 1000; i++) {
		const p = prompts[(i * 7919) % prompts.length];
		const edited = {
			...p,
			content: `${promptText(p)} edited ${i}`,
			type: 'text' as const,
			updatedAt: p.updatedAt + 1
		};
		const s = performance.now();
		index.upsert(edited);
		updates.push(performance.now() - s);
	}
	const updateP95 = percentile(updates, 95);

	const flex = buildFlexSearch(docs);
	const flexP95 = queryTimes(
		(q, tag) => flex.search(q, tag ? { limit: 50, tag: { tagList: tag } } : { limit: 50 }),
		tags
	);
	const ours = alone('ours');
	const peer = alone('flexsearch');
	console.error(`library bench: load average after 100k full text ${loads()}`);
	return {
		'library.search_p95_ms_100k': round(p95.wall),
		'library.search_p95_cpu_ms_100k': round(p95.cpu),
		'library.search_heap_mb_100k': round(ours.heapMb, 1),
		'library.search_build_ms_100k': Math.round(ours.buildMs),
		'library.search_build_cpu_ms_100k': Math.round(ours.buildCpuMs),
		'library.search_update_p95_ms_100k': round(updateP95, 3),
		'library.search_top10_overlap_10k': round(top10Overlap(), 3),
		'peer.flexsearch_p95_ms_100k': round(flexP95.wall),
		'peer.flexsearch_p95_cpu_ms_100k': round(flexP95.cpu),
		'peer.flexsearch_heap_mb_100k': round(peer.heapMb, 1),
		'peer.flexsearch_build_ms_100k': Math.round(peer.buildMs),
		'peer.flexsearch_build_cpu_ms_100k': Math.round(peer.buildCpuMs)
	};
}

/** Gzip size of the JS the first page loads: entry scripts and their modulepreloads. */
async function shellFigures(): Promise<Record<string, number>> {
	if (!existsSync('build/index.html')) execSync('npx vite build', { stdio: 'ignore' });
	const html = await readFile('build/index.html', 'utf8');
	const paths = new Set<string>();
	for (const m of html.matchAll(/(?:href|import\()\s*=?\s*"(\/_app\/[^"]+\.js)"/g)) paths.add(m[1]);
	let total = 0;
	for (const p of paths) total += gzipSync(await readFile(`build${p}`)).length;
	return { 'app.shell_js_gzip_kb': Number((total / 1024).toFixed(1)) };
}

export async function run(): Promise<Record<string, number>> {
	return {
		...(await libraryFigures()),
		...(await fullTextFigures()),
		...(await shellFigures())
	};
}
