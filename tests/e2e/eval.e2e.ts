/**
 * Evaluation in Chromium: a provider configured in Settings (the test LLM server,
 * which answers browsers with CORS headers as hosted APIs do), two committed versions, a CSV dataset, a run on two models with progress and cost, a
 * reload mid-run and a resume, the sandboxed JavaScript scorer (escape attempts and time limit),
 * human review, and the A/B verdict.
 */
import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
	addProvider,
	commitPrompt,
	contextPerTest,
	createTextPrompt,
	pageErrors,
	replaceTemplate
} from './browser';

const SCREENSHOTS = process.env.EVAL_SCREENSHOTS;

const app = contextPerTest();

async function screenshot(page: Page, name: string) {
	if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}

const CITIES = [
	'Paris',
	'Rome',
	'Oslo',
	'Lima',
	'Cairo',
	'Tokyo',
	'Quito',
	'Dakar',
	'Hanoi',
	'Bern'
];
const CSV = [
	'city,good,meh,expected',
	// v1 answers `good` (always the expected city); v2 answers `meh` (right on 2 rows out of 10).
	...CITIES.map((c, i) => `${c},${c},${i < 2 ? c : c.toLowerCase() + '?'},${c}`)
].join('\n');

/** Scorer code that reports every escape route it can still reach; loops forever on Oslo. */
const ESCAPE_CODE = [
	"if (context.vars.city === 'Oslo') { while (true) {} }",
	'const open = [];',
	"for (const n of ['fetch', 'XMLHttpRequest', 'WebSocket', 'indexedDB', 'importScripts', 'caches', 'EventSource', 'Worker', 'BroadcastChannel']) {",
	'  let o = globalThis; while (o) { if (Object.prototype.hasOwnProperty.call(o, n) && o[n] !== undefined) open.push(n); o = Object.getPrototypeOf(o); }',
	'}',
	"try { (() => {}).constructor('return 1')(); open.push('Function'); } catch (e) {}",
	"try { (async () => {}).constructor('return 1'); open.push('AsyncFunction'); } catch (e) {}",
	"try { globalThis.eval('1'); open.push('eval'); } catch (e) {}",
	"try { setTimeout('1'); open.push('string timer'); } catch (e) {}",
	"return { pass: open.length === 0, score: open.length ? 0 : 1, reason: 'reachable: ' + (open.join(',') || 'nothing') };"
].join('\n');

describe('evaluation in the browser', () => {
	it('imports a CSV, runs two versions on two models, resumes after a reload and shows the A/B verdict', async () => {
		const page = await app.open('/settings');
		// The "works offline" banner can cover buttons at the bottom of the page: dismiss it.
		await page.addLocatorHandler(page.getByTestId('offline-ready'), (banner) =>
			banner.getByRole('button', { name: 'OK' }).click()
		);
		// 1. A provider through the Settings page: the test server, OpenAI format.
		await addProvider(page, {
			kind: 'OpenAI-compatible server',
			name: 'Mock',
			id: 'mock',
			baseUrl: `${inject('llmUrl')}/v1`,
			models: 'gpt-4o-mini, gpt-4.1-nano',
			key: 'sk-e2e-eval'
		});

		// 2. A prompt with two committed versions.
		await createTextPrompt(
			page,
			'capital',
			'Capital city {{ city }}? reply with exactly: {{ good }}'
		);
		await commitPrompt(page, 'v1 good');
		await replaceTemplate(page, 'Capital city {{ city }}? reply with exactly: {{ meh }}');
		await commitPrompt(page, 'v2 meh');

		// 3. Datasets: a broken CSV lists its row-level problems; the good one imports with mapping.
		await page.getByRole('link', { name: 'Datasets' }).click();
		await page.getByLabel('Dataset file').setInputFiles({
			name: 'broken.csv',
			mimeType: 'text/csv',
			buffer: Buffer.from('city,good\nParis,Paris\nRome\nOslo,Oslo,extra\n')
		});
		const problems = page.getByRole('alert').filter({ hasText: 'cannot be imported' });
		await expect.poll(() => problems.locator('tbody tr').count()).toBe(2);
		expect(await problems.textContent()).toMatch(/expected 2 fields, found 1/);
		await page.getByLabel('Dataset file').setInputFiles({
			name: 'cities.csv',
			mimeType: 'text/csv',
			buffer: Buffer.from(CSV)
		});
		expect(await page.getByLabel('Role of expected').inputValue()).toBe('expected');
		await page.getByRole('button', { name: 'Import 10 rows' }).click();
		await page.waitForURL(/\/datasets\/[^/]+$/);
		await expect.poll(() => page.locator('tr[data-row]').count()).toBe(10);
		// Inline editing: add a column and remove it again.
		await page.getByLabel('New column name').fill('note');
		await page.getByRole('button', { name: '+ Column' }).click();
		await page.locator('th[data-column="note"]').waitFor();
		await page.getByTitle('Remove column note').click();
		await expect.poll(() => page.locator('th[data-column="note"]').count()).toBe(0);
		await screenshot(page, 'eval-dataset');

		// 4. A new evaluation: both versions × the dataset × two models, equals + sandboxed JS.
		await page.getByRole('link', { name: 'Evaluations' }).click();
		await page.getByRole('link', { name: '+ New evaluation' }).click();
		await page.getByLabel('Evaluation name').fill('capitals');
		await page.getByLabel('Prompt', { exact: true }).selectOption({ label: 'capital' });
		const versions = page.getByRole('checkbox', { name: /^Use capital@/ });
		await expect.poll(() => versions.count()).toBe(2);
		await versions.nth(0).check();
		await versions.nth(1).check();
		await page.getByLabel('Model 1', { exact: true }).fill('mock:gpt-4o-mini');
		await page.getByRole('button', { name: '+ Model' }).click();
		await page.getByLabel('Model 2', { exact: true }).fill('mock:gpt-4.1-nano');
		await page.getByRole('button', { name: '+ Scorer' }).click();
		await page.getByLabel('Scorer 2', { exact: true }).selectOption('javascript');
		await page.getByLabel('Value of scorer 2').fill(ESCAPE_CODE);
		await page.getByLabel('Concurrency').fill('2');
		await page.getByRole('button', { name: 'Estimate cost' }).click();
		await expect
			.poll(() => page.getByTestId('estimate').textContent())
			.toMatch(/40 calls · ~\$0\.0/);
		expect(await page.getByTestId('estimate-assumption').textContent()).toMatch(
			/assumes 256 output tokens per call/
		);
		await screenshot(page, 'eval-new');

		// A 429 storm (Retry-After: 1 s) keeps the first calls waiting: reload in the middle.
		await fetch(`${inject('llmUrl')}/__mock/failures`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(Array.from({ length: 6 }, () => ({ type: 'rate_limit', retryAfter: 1 })))
		});
		await page.getByRole('button', { name: 'Start evaluation' }).click();
		await page.waitForURL(/\/evals\/[^/]+$/);
		await expect.poll(() => page.getByTestId('run-status').textContent()).toBe('running');
		const url = page.url();
		await page.reload();
		await page.locator('main').getByText('Opening your library…').waitFor({ state: 'detached' });
		expect(page.url()).toBe(url);
		await expect.poll(() => page.getByTestId('run-status').textContent()).toBe('interrupted');
		await page.getByRole('button', { name: 'Resume' }).click();

		// Live progress: counts and cost move until all 40 cases are done.
		const seen = new Set<string>();
		await expect
			.poll(
				async () => {
					seen.add((await page.getByTestId('run-done').textContent()) ?? '');
					return page.getByTestId('run-status').textContent();
				},
				{ timeout: 60000, interval: 100 }
			)
			.toBe('completed');
		expect(await page.getByTestId('run-done').textContent()).toBe('40 / 40');
		expect(await page.getByTestId('run-completed').textContent()).toBe('✓ 40 completed');
		// Once done, the cost is a total and no ETA is left behind.
		expect(await page.getByTestId('run-cost').textContent()).toMatch(
			/^\$0\.0\d*[1-9]\d* in total$/
		);
		expect(await page.getByTestId('run-eta').count()).toBe(0);
		expect(await page.getByTestId('run-tokens').textContent()).toMatch(/[1-9][\d,]* tokens/);
		await screenshot(page, 'eval-run');

		// Per-version aggregates: v1 passes everywhere but Oslo (the JS time limit); v2 on Paris and Rome.
		const agg = page.getByRole('table', { name: 'Version' });
		await expect.poll(() => agg.locator('tbody tr').count()).toBe(2);
		const rates = await agg.locator('tbody tr td:nth-child(5)').allTextContents();
		expect(rates.sort()).toEqual(['20.0%', '90.0%']);
		expect(await page.getByRole('table', { name: 'Model' }).locator('tbody tr').count()).toBe(2);

		// The sandbox: nothing reachable from scorer code; the infinite loop hits the time limit.
		await page.getByLabel('Search results').fill('Paris');
		const parisScore = page.locator('tr[data-result] .score', { hasText: 'javascript' }).first();
		expect(await parisScore.getAttribute('title')).toBe('reachable: nothing');
		await page.getByLabel('Search results').fill('Oslo');
		const osloScore = page.locator('tr[data-result] .score', { hasText: 'javascript' }).first();
		expect(await osloScore.getAttribute('title')).toMatch(/exceeded its time limit of 1000 ms/);
		await page.getByLabel('Search results').fill('');

		// Side by side and human review.
		await page.getByRole('button', { name: 'Side by side' }).click();
		await expect
			.poll(() => page.getByRole('table', { name: 'Side by side' }).locator('tbody tr').count())
			.toBe(20);
		await page.getByRole('button', { name: 'Review' }).click();
		const first = page.locator('tr[data-review]').first();
		await first.getByLabel('Comment').fill('spot on');
		await first.getByTitle('Thumbs up').click();
		await expect.poll(() => first.textContent()).toMatch(/thumbs up: spot on/);

		// The A/B verdict.
		await page.getByRole('link', { name: 'A/B compare' }).click();
		const verdict = page.getByTestId('verdict');
		await expect
			.poll(() => verdict.textContent())
			.toMatch(/^capital@\w+ is better, p<0\.001, [+-]0\.\d\d \[/);
		expect(await page.getByTestId('paired-n').textContent()).toBe('20');
		expect(Number(await page.getByTestId('effect-size').textContent())).not.toBe(0);
		await screenshot(page, 'eval-compare');

		// The version history shows the scores measured on each version.
		await page.getByRole('link', { name: 'All prompts' }).click();
		await page.locator('[data-prompt="capital"]').getByRole('link').click();
		await page.getByRole('link', { name: 'History' }).click();
		await expect.poll(() => page.getByTestId('version-score').count()).toBe(2);
		await page.locator('[data-message="v1 good"]').getByRole('link', { name: 'View' }).click();
		await expect
			.poll(() => page.getByTestId('version-score-summary').textContent())
			.toMatch(/mean score\s.*pass rate over\s+20 results in 1 run/s);
		expect(pageErrors(page)).toEqual([]);
	});
});
