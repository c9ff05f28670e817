import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { contextPerTest, createTextPrompt, pageErrors } from './browser';

const app = contextPerTest({ viewport: { width: 1400, height: 1000 } });

const SCREENSHOTS = process.env.ANALYTICS_SCREENSHOTS;

/** Mean scores of 14 nightly runs of one version on one dataset: a drop starts at run 9. */
const SCORES = [0.9, 0.92, 0.88, 0.91, 0.9, 0.89, 0.91, 0.9, 0.55, 0.5, 0.52, 0.5, 0.48, 0.51];

/**
 * Writes evaluation runs and results in the shape the app's evaluation service stores them.
 * No UI path creates many repeated runs with shifting scores (the mock model is deterministic),
 * and `app.core` is not reachable from the page, so the records go straight into IndexedDB.
 */
async function seedRuns(page: Page, promptId: string) {
	await page.evaluate(
		async ({ promptId, scores }) => {
			const db = await new Promise<IDBDatabase>((resolve, reject) => {
				const req = indexedDB.open('promptloom');
				req.onsuccess = () => resolve(req.result);
				req.onerror = () => reject(req.error);
			});
			const tx = db.transaction(['evalRuns', 'evalResults'], 'readwrite');
			const day = 86_400_000;
			const start = Date.UTC(2025, 0, 1);
			scores.forEach((score, i) => {
				const runId = `seed-run-${i + 1}`;
				const createdAt = start + i * day;
				tx.objectStore('evalRuns').put({
					id: runId,
					name: `nightly ${i + 1}`,
					status: 'completed',
					createdAt,
					updatedAt: createdAt,
					progress: {
						total: 2,
						completed: 2,
						failed: 0,
						cached: 0,
						tokensIn: 0,
						tokensOut: 0,
						costUsd: 0,
						etaMs: 0
					},
					plan: {
						name: `nightly ${i + 1}`,
						variants: [
							{ id: 'v-seed', promptId, promptName: 'sea-poem', label: 'sea-poem@v-seed' }
						],
						dataset: { id: 'ds-seed', name: 'seas', columns: [], rows: [] },
						models: [{ spec: i % 3 === 0 ? 'anthropic:claude-haiku' : 'openai:gpt-4o-mini' }],
						assertions: [{ type: 'contains', value: 'sea' }]
					}
				});
				for (const row of ['r1', 'r2']) {
					const model = i % 3 === 0 ? 'claude-haiku' : 'gpt-4o-mini';
					const provider = i % 3 === 0 ? 'anthropic' : 'openai';
					tx.objectStore('evalResults').put({
						id: `${runId}-${row}`,
						runId,
						caseId: `${runId}-${row}`,
						versionId: 'v-seed',
						rowId: row,
						provider,
						model,
						modelLabel: 'nightly-model',
						params: {},
						vars: {},
						messages: [],
						output: 'the sea',
						scores: [
							{ type: 'contains', pass: score > 0.7, score, reason: '', weight: 1 },
							{ type: 'latency', pass: true, score: 1, reason: '', weight: 1 }
						],
						pass: score > 0.7,
						score,
						tokensIn: 120 + i,
						tokensOut: 40 + 2 * i,
						latencyMs: 300 + ((i * 37 + (row === 'r1' ? 0 : 91)) % 400),
						costUsd: 0.0004 + i * 0.00001,
						judgeCostUsd: 0,
						cached: false,
						error: null,
						createdAt
					});
				}
			});
			await new Promise<void>((resolve, reject) => {
				tx.oncomplete = () => resolve();
				tx.onerror = () => reject(tx.error);
			});
			db.close();
		},
		{ promptId, scores: SCORES }
	);
}

/** Number of drawn (non-transparent) pixels of a canvas. */
const inked = (page: Page, label: string) =>
	page.getByLabel(label).evaluate((c) => {
		const canvas = c as HTMLCanvasElement;
		const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
		let n = 0;
		for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
		return n;
	});

describe('analytics dashboards', () => {
	it('shows charts, a drift flag at the run where the drop started, and lint findings', async () => {
		const page = await app.open();
		const promptId = await createTextPrompt(
			page,
			'sea-poem',
			'Write about {{ topic }} and the sea. It should be vivid, etc.'
		);
		await seedRuns(page, promptId);

		// Workspace dashboard through the sidebar link.
		await page.getByRole('link', { name: /Analytics/ }).click();
		await page.getByTestId('totals').waitFor();
		await expect
			.poll(() => page.getByTestId('totals').textContent())
			.toMatch(/Runs\s*14.*Results\s*28/s);
		for (const label of [
			'Mean score per version for each run',
			'Cost and token use per run',
			'Pass rate per scorer',
			'Latency histogram',
			'Runs per model'
		])
			await expect.poll(() => inked(page, label), { message: label }).toBeGreaterThan(500);
		for (const heading of [
			'Score by version over time',
			'Pass rate per scorer',
			'Latency distribution',
			'Runs per model'
		])
			expect(await page.getByRole('heading', { name: heading }).count()).toBe(1);
		const drift = page.getByTestId('drift-flags');
		await expect
			.poll(() => drift.textContent())
			.toMatch(/went\s+down.*starting at run\s+nightly 9/s);
		expect(await page.getByText('Suggestions').count()).toBe(0);

		// Per-prompt dashboard: same runs (they evaluated this prompt) plus its lint findings.
		await page.goto(new URL(`/analytics?prompt=${promptId}`, page.url()).href);
		await page.getByTestId('lint-findings').waitFor();
		expect(await page.getByRole('heading', { name: 'Analytics: sea-poem' }).count()).toBe(1);
		await expect.poll(() => page.getByTestId('drift-flags').textContent()).toContain('nightly 9');
		const rules = await page
			.getByTestId('lint-findings')
			.locator('li')
			.evaluateAll((els) => els.map((e) => e.getAttribute('data-rule')));
		expect(rules).toEqual(
			expect.arrayContaining([
				'no-output-format',
				'undelimited-variable',
				'unbounded-length',
				'ambiguous-pronoun',
				'open-ended-list'
			])
		);
		expect(await page.locator('li[data-rule="undelimited-variable"]').textContent()).toContain(
			'{{ topic }}'
		);
		if (SCREENSHOTS)
			await page.screenshot({ path: `${SCREENSHOTS}/analytics-prompt.png`, fullPage: true });

		// The scope picker goes back to the workspace dashboard, which has no suggestions panel.
		await page.getByLabel('Scope').selectOption({ label: 'Whole workspace' });
		await expect.poll(() => new URL(page.url()).search).toBe('');
		await page.getByTestId('totals').waitFor();
		expect(await page.getByTestId('lint-findings').count()).toBe(0);
		if (SCREENSHOTS)
			await page.screenshot({ path: `${SCREENSHOTS}/analytics-workspace.png`, fullPage: true });
		expect(pageErrors(page)).toEqual([]);
	});
});
