/**
 * Library benchmarks: importing 10,000 generated prompts into IndexedDB (fake-indexeddb in Node,
 * through the same validate-then-write path as the app's restore), full-text query latency over
 * them, and the gzip size of the JS the first page loads.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { execSync } from 'node:child_process';
import { openAppCore } from '../src/lib/core/app-core';
import { generateLibrary } from '../src/lib/core/io/sample-library';
import { serializeLibrary } from '../src/lib/core/io/library-file';
import { percentile } from './stats';

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
	const times: number[] = [];
	for (let i = 0; i < 200; i++) {
		const q = QUERIES[i % QUERIES.length];
		const filters = i % 4 === 0 ? { tag: tags[i % tags.length] } : {};
		const s = performance.now();
		core.search.search(q, filters);
		times.push(performance.now() - s);
	}
	core.close();
	return {
		'library.import_10k_ms': Math.round(importMs),
		'library.search_p95_ms_10k': Number(percentile(times, 95).toFixed(2))
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
	return { ...(await libraryFigures()), ...(await shellFigures()) };
}
