/**
 * Plugins in Chromium: the two example plugins installed from their files in Settings → Plugins
 * (permissions shown first), the lint rule in the editor, an evaluation scored by the plugin
 * scorer (in the plugin worker, under the app's CSP), and the plugin exporter on the Backup page.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { addProvider, commitPrompt, contextPerTest, createTextPrompt, pageErrors } from './browser';

const EXAMPLES = resolve(import.meta.dirname, '../../plugins/examples');
const SCREENSHOTS = process.env.PLUGINS_SCREENSHOTS;
const app = contextPerTest();

async function pluginFiles(name: string) {
	const dir = join(EXAMPLES, name);
	return Promise.all(
		['promptloom-plugin.json', 'plugin.js'].map(async (file) => ({
			name: file,
			mimeType: file.endsWith('.json') ? 'application/json' : 'text/javascript',
			buffer: await readFile(join(dir, file))
		}))
	);
}

async function install(page: Page, name: string, permission: string) {
	await page.getByLabel('Plugin files').setInputFiles(await pluginFiles(name));
	const preview = page.getByTestId('plugin-preview');
	await preview.waitFor();
	expect(await page.getByTestId('plugin-permissions').textContent()).toContain(permission);
	expect(await preview.textContent()).toMatch(/SHA-256 [0-9a-f]{64}/);
	if (SCREENSHOTS)
		await page.screenshot({ path: `${SCREENSHOTS}/plugins-preview-${name}.png`, fullPage: true });
	await preview.getByRole('button', { name: 'Install and enable' }).click();
	await page.locator(`li[data-plugin="${name}"]`).waitFor();
}

const CSV = [
	'answer',
	'The cat sat on the mat.',
	'Notwithstanding considerable institutional heterogeneity interoperability necessitates standardisation.'
].join('\n');

describe('plugins in the browser', () => {
	it('installs the example plugins from files, scores an evaluation and exports with them', async () => {
		const page = await app.open('/settings');
		await page.addLocatorHandler(page.getByTestId('offline-ready'), (banner) =>
			banner.getByRole('button', { name: 'OK' }).click()
		);
		await addProvider(page, {
			kind: 'OpenAI-compatible server',
			name: 'Mock',
			id: 'mock',
			baseUrl: `${inject('llmUrl')}/v1`,
			models: 'gpt-4o-mini',
			key: 'sk-e2e-plugins'
		});

		// 1. Settings → Plugins: both examples from their files, permissions shown first.
		await page.getByTestId('plugins-link').click();
		await page.waitForURL(/\/settings\/plugins$/);
		await install(page, 'reading-level', 'no network access and no API keys');
		await install(page, 'deploy-yaml', 'no network access and no API keys');
		const enabled = page.getByRole('checkbox', { name: 'Enable Reading level' });
		expect(await enabled.isChecked()).toBe(true);
		if (SCREENSHOTS)
			await page.screenshot({ path: `${SCREENSHOTS}/plugins-list.png`, fullPage: true });

		// 2. The plugin's lint rule in the editor, beside the built-in ones.
		await createTextPrompt(page, 'readable', 'Delve into it. reply with exactly: {{ answer }}');
		await expect
			.poll(() => page.locator('[data-rule="plugin:reading-level/banned-phrases"]').count(), {
				timeout: 10000
			})
			.toBe(1);
		await commitPrompt(page, 'v1');

		// 3. An evaluation scored by the plugin scorer.
		await page.getByRole('link', { name: 'Datasets' }).click();
		await page.getByLabel('Dataset file').setInputFiles({
			name: 'answers.csv',
			mimeType: 'text/csv',
			buffer: Buffer.from(CSV)
		});
		await page.getByRole('button', { name: 'Import 2 rows' }).click();
		await page.waitForURL(/\/datasets\/[^/]+$/);
		await page.getByRole('link', { name: 'Evaluations' }).click();
		await page.getByRole('link', { name: '+ New evaluation' }).click();
		await page.getByLabel('Evaluation name').fill('readability');
		await page.getByLabel('Prompt', { exact: true }).selectOption({ label: 'readable' });
		const versions = page.getByRole('checkbox', { name: /^Use readable@/ });
		await expect.poll(() => versions.count()).toBe(1);
		await versions.nth(0).check();
		await page.getByLabel('Model 1', { exact: true }).fill('mock:gpt-4o-mini');
		await page.getByLabel('Scorer 1', { exact: true }).selectOption('plugin:reading-level/flesch');
		await page.getByLabel('Value of scorer 1').fill('60');
		await page.getByRole('button', { name: 'Estimate cost' }).click();
		await expect.poll(() => page.getByTestId('estimate').textContent()).toMatch(/2 calls/);
		await page.getByRole('button', { name: 'Start evaluation' }).click();
		await page.waitForURL(/\/evals\/[^/]+$/);
		await expect
			.poll(() => page.getByTestId('run-status').textContent(), { timeout: 30000 })
			.toBe('completed');
		const scores = page.locator('tr[data-result] .score', {
			hasText: 'plugin:reading-level/flesch'
		});
		await expect.poll(() => scores.count()).toBe(2);
		const titles = await scores.evaluateAll((els) => els.map((e) => e.getAttribute('title')));
		expect(titles.sort()).toEqual([
			expect.stringMatching(/^reading ease -?[\d.]+ \(needs 60\)$/),
			expect.stringMatching(/^reading ease [\d.]+ \(needs 60\)$/)
		]);
		const agg = page.getByRole('table', { name: 'Version' });
		expect(await agg.locator('tbody tr td:nth-child(5)').allTextContents()).toEqual(['50.0%']);
		if (SCREENSHOTS)
			await page.screenshot({ path: `${SCREENSHOTS}/plugins-eval.png`, fullPage: true });

		// 4. The plugin exporter on the Backup page.
		await page.getByRole('link', { name: /Backup/ }).click();
		const exporter = page.getByTestId('plugin-export');
		await exporter.waitFor();
		expect(await page.getByLabel('Plugin exporter').inputValue()).toBe('plugin:deploy-yaml/yaml');
		const download = page.waitForEvent('download');
		await exporter.getByRole('button', { name: 'Export with plugin' }).click();
		const file = await download;
		expect(file.suggestedFilename()).toBe('prompts_root.yaml');
		const text = await readFile(await file.path(), 'utf8');
		expect(text).toMatch(
			/^# generated by promptloom deploy-yaml\nprompts:\n {2}- name: "readable"\n/
		);
		expect(text).toContain('    template: "Delve into it. reply with exactly: {{ answer }}"\n');
		expect(pageErrors(page)).toEqual([]);
	});
});
