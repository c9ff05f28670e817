/**
 * Runs every bench/*.bench.ts (or those named on the command line), prints the figures and
 * writes them, merged with earlier ones, to bench/results/latest.json.
 */
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const only = process.argv.slice(2);
const files = (await readdir('bench'))
	.filter((f) => f.endsWith('.bench.ts'))
	.filter((f) => !only.length || only.some((o) => f.startsWith(o)))
	.sort();

await mkdir('bench/results', { recursive: true });
const out = 'bench/results/latest.json';
const results: Record<string, number> = JSON.parse(await readFile(out, 'utf8').catch(() => '{}'));
let failed = false;
for (const f of files) {
	const started = performance.now();
	try {
		const mod = (await import(pathToFileURL(resolve('bench', f)).href)) as {
			run: () => Promise<Record<string, number>>;
		};
		const figures = await mod.run();
		Object.assign(results, figures);
		console.error(
			`${f}: ${JSON.stringify(figures)} (${((performance.now() - started) / 1000).toFixed(1)} s)`
		);
	} catch (e) {
		failed = true;
		console.error(`${f} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
	}
}
const sorted = Object.fromEntries(Object.entries(results).sort(([a], [b]) => a.localeCompare(b)));
await writeFile(out, JSON.stringify(sorted, null, 2) + '\n');
console.log(JSON.stringify(sorted, null, 2));
process.exit(failed ? 1 : 0);
