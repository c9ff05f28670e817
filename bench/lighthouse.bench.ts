/**
 * @module First-load benchmark: Lighthouse 12 (mobile preset: simulated slow 4G and 4× CPU slowdown)
 * against a fresh `vite build` served by scripts/static-server.js, the way `npm start` serves it,
 * in Debian's Chromium (CHROME_PATH, default /usr/bin/chromium). Three runs; the median run's
 * performance score and largest contentful paint are reported, with the other category scores, the
 * gzip size of the scripts the first page needs to render (its static import graph) and of all the
 * scripts it loaded during the run (the core comes after the first paint). Prints figures; never asserts on them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { gzipSync } from 'node:zlib';
import lighthouse from 'lighthouse';
import { startStaticServer } from '../scripts/static-server.js';

const RUNS = Number(process.env.LIGHTHOUSE_RUNS ?? 3);
const CHROME = process.env.CHROME_PATH ?? '/usr/bin/chromium';
// BUILD_DIR (and KIT_OUT_DIR, read by the build) let the bench build beside another build.
const BUILD = process.env.BUILD_DIR ?? 'build';

function build(): Promise<void> {
	return new Promise((ok, fail) => {
		const child = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'build'], {
			stdio: ['ignore', 'ignore', 'inherit']
		});
		child.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`vite build exited ${code}`))));
	});
}

/** Starts Chromium with a DevTools port and resolves with the port once it listens. */
async function launchChromium(profile: string): Promise<{ port: number; child: ChildProcess }> {
	const child = spawn(
		CHROME,
		[
			'--headless=new',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--remote-debugging-port=0',
			`--user-data-dir=${profile}`,
			'about:blank'
		],
		{ stdio: ['ignore', 'ignore', 'pipe'] }
	);
	const port = await new Promise<number>((ok, fail) => {
		let seen = '';
		child.stderr?.on('data', (chunk: Buffer) => {
			seen += chunk.toString();
			const m = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(seen);
			if (m) ok(Number(m[1]));
		});
		child.on('exit', (code) => fail(new Error(`chromium exited ${code}: ${seen.slice(-500)}`)));
	});
	return { port, child };
}

interface RunFigures {
	perf: number;
	a11y: number;
	bestPractices: number;
	seo: number;
	lcpMs: number;
	scripts: string[];
}

async function audit(url: string, port: number): Promise<RunFigures> {
	const result = await lighthouse(url, {
		port,
		output: 'json',
		logLevel: 'error',
		onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo']
	});
	if (!result) throw new Error('lighthouse returned no result');
	const { categories, audits } = result.lhr;
	const score = (id: string) => Math.round((categories[id]?.score ?? 0) * 100);
	const failing = Object.values(audits)
		.filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== 'informative')
		.filter((a) => a.scoreDisplayMode !== 'manual' && a.scoreDisplayMode !== 'notApplicable')
		.map((a) => `${a.id} ${a.displayValue ?? a.score}`);
	console.error(`lighthouse: failing or partial audits: ${failing.join('; ')}`);
	if (process.env.LIGHTHOUSE_DETAILS) {
		for (const id of [
			'largest-contentful-paint-element',
			'bootup-time',
			'long-tasks',
			'network-requests'
		])
			console.error(id, String(JSON.stringify(audits[id]?.details)).slice(0, 4000));
	}
	const requests = (audits['network-requests']?.details as { items?: NetworkItem[] } | undefined)
		?.items;
	const scripts = (requests ?? [])
		.filter((r) => r.resourceType === 'Script' && r.url.startsWith(url))
		.map((r) => new URL(r.url).pathname);
	return {
		perf: score('performance'),
		a11y: score('accessibility'),
		bestPractices: score('best-practices'),
		seo: score('seo'),
		lcpMs: audits['largest-contentful-paint']?.numericValue ?? NaN,
		scripts
	};
}

interface NetworkItem {
	url: string;
	resourceType?: string;
}

/** Gzip size (at the static server's level) of a set of built files, in KB. */
async function gzipKb(paths: Iterable<string>): Promise<number> {
	let bytes = 0;
	for (const path of new Set(paths)) {
		bytes += gzipSync(await readFile(join(BUILD, path)), { level: 6 }).length;
	}
	return Math.round((bytes / 1024) * 10) / 10;
}

/**
 * The scripts the first page needs before it can render: the entry's modulepreloads, the root
 * route's node and everything they import statically (dynamic imports load later, on demand).
 */
async function firstPageScripts(loaded: string[]): Promise<string[]> {
	const html = await readFile(join(BUILD, 'index.html'), 'utf8');
	const queue = [...html.matchAll(/href="(\/_app\/[^"]+\.js)"/g)].map((m) => m[1]);
	// The layout's and the page's nodes, as the run loaded them.
	queue.push(...loaded.filter((p) => p.startsWith('/_app/immutable/nodes/')));
	const seen = new Set<string>();
	while (queue.length) {
		const path = queue.pop()!;
		if (seen.has(path)) continue;
		seen.add(path);
		const code = await readFile(join(BUILD, path), 'utf8');
		for (const m of code.matchAll(
			/(?:import|export)\s*(?:[\w*{}\s,$]+from\s*)?["'](\.\.?\/[^"']+\.js)["']/g
		))
			queue.push(posix.join(posix.dirname(path), m[1]));
	}
	return [...seen];
}

export async function run(): Promise<Record<string, number>> {
	await build();
	const server = await startStaticServer({ root: BUILD, port: 0 });
	const profile = await mkdtemp(join(tmpdir(), 'promptloom-lh-'));
	const chromium = await launchChromium(profile);
	try {
		const runs: RunFigures[] = [];
		for (let i = 0; i < RUNS; i++) {
			const figures = await audit(`${server.url}/`, chromium.port);
			console.error(
				`lighthouse run ${i + 1}: perf ${figures.perf}, a11y ${figures.a11y}, best practices ${figures.bestPractices}, seo ${figures.seo}, LCP ${Math.round(figures.lcpMs)} ms`
			);
			runs.push(figures);
		}
		const median = [...runs].sort((a, b) => a.perf - b.perf)[Math.floor(runs.length / 2)];
		return {
			'app.lighthouse_perf_mobile': median.perf,
			'app.lighthouse_a11y': median.a11y,
			'app.lighthouse_best_practices': median.bestPractices,
			'app.lighthouse_seo': median.seo,
			'app.lcp_ms_mobile': Math.round(median.lcpMs),
			'app.first_page_js_kb_gzip': await gzipKb(await firstPageScripts(median.scripts)),
			'app.page_load_js_kb_gzip': await gzipKb(median.scripts)
		};
	} finally {
		const exited = new Promise((ok) => chromium.child.once('exit', ok));
		chromium.child.kill();
		await exited;
		await server.close();
		await rm(profile, { recursive: true, force: true });
	}
}
