/**
 * @module Heap and build time of one full-text index over the 100,000-prompt sample library,
 * measured alone in a fresh process (run by library.bench.ts): `tsx bench/full-text-heap.ts ours`
 * or `… flexsearch`; prints `{"heapMb":…,"buildMs":…,"buildCpuMs":…}` (CPU time of the process,
 * collector threads included).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { generateLibrary } from '../src/lib/core/io/sample-library';
import { FullTextIndex } from '../src/lib/core/search/full-text-index';
import type { Folder, Prompt } from '../src/lib/core/model/prompt';
import { buildFlexSearch, peerDocs } from './full-text-peer';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
/** Heap in use once collections stop freeing anything (two in a row are not always enough). */
const heap = () => {
	let last = Infinity;
	for (let i = 0; i < 10; i++) {
		gc();
		const used = process.memoryUsage().heapUsed;
		if (used > last - 2 ** 16) return used;
		last = used;
	}
	return last;
};

const which = process.argv[2];
const file = generateLibrary({ prompts: 100_000, seed: 42 });
const prompts = (file.prompts as Prompt[]).filter((p) => p.deletedAt === null);
// What each index is given; the texts themselves exist before either is built.
const docs = peerDocs(prompts);
const before = heap();
const t0 = performance.now();
const cpu0 = process.cpuUsage();
let keep: unknown;
if (which === 'ours') {
	const index = new FullTextIndex();
	index.rebuild(prompts, file.folders as Folder[]);
	keep = index;
} else if (which === 'flexsearch') {
	keep = buildFlexSearch(docs);
} else throw new Error('usage: full-text-heap.ts ours|flexsearch');
const buildMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const buildCpuMs = (cpu.user + cpu.system) / 1000;
const heapMb = (heap() - before) / 2 ** 20;
console.log(
	JSON.stringify({ heapMb, buildMs, buildCpuMs, kept: keep !== undefined && docs.length > 0 })
);
