import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { tinySentenceModel } from '../support/tiny-onnx-model';
import { appUrl, createTextPrompt, launchBrowser, openApp, pageErrors } from './browser';

const MODEL_ID = 'test/tiny-encoder';

/** A model host on another origin, serving the generated model as `<base><model>/<file>` with CORS. */
let modelServer: Server;
let modelBase: string;
const modelRequests: string[] = [];

let browser: Browser;
let context: BrowserContext;
beforeAll(async () => {
	const model = tinySentenceModel();
	modelServer = createServer((req, res) => {
		const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
		modelRequests.push(path);
		const prefix = `/models/${MODEL_ID}/`;
		const file = path.startsWith(prefix) ? model.files.get(path.slice(prefix.length)) : undefined;
		const headers = { 'access-control-allow-origin': '*' };
		if (!file) res.writeHead(404, headers).end();
		else
			res
				.writeHead(200, {
					...headers,
					'content-type': path.endsWith('.json') ? 'application/json' : 'application/octet-stream'
				})
				.end(file);
	});
	await new Promise<void>((ok) => modelServer.listen(0, '127.0.0.1', ok));
	const address = modelServer.address();
	modelBase = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/models/`;
	browser = await launchBrowser();
});
afterAll(async () => {
	await browser.close();
	await new Promise<void>((ok) => modelServer.close(() => ok()));
});
beforeEach(async () => {
	context = await browser.newContext();
});
afterEach(async () => {
	await context.close();
});

const resultNames = (page: Page) =>
	page
		.locator('ul[aria-label="Prompts"] li')
		.evaluateAll((els) => els.map((el) => el.getAttribute('data-prompt')));

const section = (page: Page) => page.getByRole('region', { name: 'Semantic search model' });

async function chooseTransformers(page: Page, model: string, baseUrl: string) {
	await page.getByRole('link', { name: /Settings/ }).click();
	await section(page)
		.getByLabel(/sentence-transformer ONNX model/)
		.check();
	await section(page).getByLabel('Model id').fill(model);
	await section(page).getByLabel('Model base URL').fill(baseUrl);
}

/** Semantic search on the prompts page answers with the tiny model's vectors. */
async function searchWithTheNewModel(page: Page) {
	const search = page.getByLabel('Search prompts');
	await search.fill('sql query for the orders table');
	await expect
		.poll(() => page.getByRole('status').first().textContent(), { timeout: 45_000 })
		.toContain('3 prompts indexed (transformers:test/tiny-encoder)');
	await expect.poll(() => resultNames(page), { timeout: 15_000 }).toContain('orders-query');
	expect((await resultNames(page))[0]).toBe('orders-query');
	// No prompt contains this word, so full-text finds nothing; the vectors still rank prompts.
	await search.fill('database');
	await expect.poll(async () => (await resultNames(page)).length, { timeout: 15_000 }).toBe(3);
}

describe('choosing the semantic search model', () => {
	it('switches to a sentence-transformer from a model server, re-embeds with progress, searches with it, and works offline after a reload', async () => {
		const page = await openApp(context);
		await page.evaluate(() => navigator.serviceWorker.ready);
		await createTextPrompt(page, 'email-digest', 'Summarize the customer email in three bullets.');
		await createTextPrompt(page, 'french-rewrite', 'Translate the passage into French.');
		await createTextPrompt(page, 'orders-query', 'Write SQL against the orders table.');
		// Controlled by the service worker from now on, so the ONNX runtime is cached on first use.
		await page.goto(appUrl('/'));
		await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);

		await chooseTransformers(page, MODEL_ID, modelBase);
		await section(page).getByRole('button', { name: 'Test model' }).click();
		await expect
			.poll(() => section(page).getByTestId('model-test').textContent(), { timeout: 45_000 })
			.toMatch(/✓ transformers:test\/tiny-encoder loaded and embedded a sentence: 32-dimensional/);

		// Record every status line, so the progress shown while re-embedding can be checked.
		await page.evaluate(() => {
			const seen: string[] = [];
			(window as unknown as { statusLines: string[] }).statusLines = seen;
			new MutationObserver(() => {
				for (const el of document.querySelectorAll('[role="status"]'))
					seen.push(el.textContent?.replace(/\s+/g, ' ').trim() ?? '');
			}).observe(document.body, { subtree: true, childList: true, characterData: true });
		});
		await section(page).getByRole('button', { name: 'Use this model' }).click();
		await expect
			.poll(() => section(page).getByRole('status').first().textContent(), { timeout: 45_000 })
			.toContain('3 prompts indexed (transformers:test/tiny-encoder)');
		const lines = await page.evaluate(
			() => (window as unknown as { statusLines: string[] }).statusLines
		);
		expect(lines.some((l) => l.includes('Embedding prompts: 0/3'))).toBe(true);
		expect(await section(page).getByTestId('embedder-in-use').textContent()).toBe(
			`${MODEL_ID} from ${modelBase}`
		);
		expect(modelRequests).toContain(`/models/${MODEL_ID}/onnx/model.onnx`);

		await page.getByRole('link', { name: 'All prompts' }).click();
		await page.getByLabel('Search mode').selectOption('semantic');
		await searchWithTheNewModel(page);

		// Offline, after a reload: the runtime comes from the service worker's cache and the
		// model files from the browser cache; the model server is not asked again.
		const before = modelRequests.length;
		await context.setOffline(true);
		await page.reload();
		await page.locator('[data-prompt="orders-query"]').waitFor();
		await expect.poll(() => page.getByTestId('network-state').textContent()).toContain('Offline');
		await searchWithTheNewModel(page);
		expect(modelRequests.length).toBe(before);
		expect(pageErrors(page)).toEqual([]);
		await context.setOffline(false);
	});

	it('names the missing files when the app folder lacks the model, and keeps the model in use', async () => {
		const page = await openApp(context);
		await createTextPrompt(page, 'orders-query', 'Write SQL against the orders table.');
		await chooseTransformers(page, 'test/absent', '/models/');
		await section(page).getByRole('button', { name: 'Test model' }).click();
		const missing = `${new URL(appUrl('/')).origin}/models/test/absent/config.json (HTTP 404`;
		const error = section(page).getByRole('alert');
		await expect.poll(() => error.textContent(), { timeout: 45_000 }).toContain(missing);
		expect(await error.textContent()).toContain('remote models are disabled');

		// Using it anyway fails the same way and falls back to the bundled model.
		await section(page).getByRole('button', { name: 'Use this model' }).click();
		await expect
			.poll(() => page.getByText(missing).count(), { timeout: 45_000 })
			.toBeGreaterThan(0);
		await expect
			.poll(() => section(page).getByRole('status').first().textContent(), { timeout: 45_000 })
			.toContain('1 prompt indexed (use-lite@1)');
		expect(await section(page).getByTestId('embedder-in-use').textContent()).toBe(
			'Universal Sentence Encoder lite (bundled)'
		);
		await page.reload();
		expect(await section(page).getByTestId('embedder-in-use').textContent()).toBe(
			'Universal Sentence Encoder lite (bundled)'
		);
		expect(pageErrors(page)).toEqual([]);
	});
});
