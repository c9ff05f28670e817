import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openApp, pageErrors } from './browser';

let browser: Browser;
beforeAll(async () => {
	browser = await launchBrowser();
});
afterAll(async () => {
	await browser.close();
});

describe('few-shot sets in the browser', () => {
	it('creates a set and inserts it into a playground render with fewshot("tone")', async () => {
		const context = await browser.newContext();
		const page = await openApp(context, '/');
		await page.getByRole('link', { name: /Few-shot sets/ }).click();
		await page.getByLabel('New set name').fill('tone');
		await page.getByRole('button', { name: '+ New set' }).click();
		await page.getByLabel('Input 1').fill('hi');
		await page.getByLabel('Output 1').fill('Hello there, friend!');
		await page.getByRole('button', { name: '+ Add example' }).click();
		await page.getByLabel('Input 2').fill('bye');
		await page.getByLabel('Output 2').fill('Farewell, friend!');
		await page.getByRole('button', { name: 'Save set' }).click();
		await expect
			.poll(() => page.locator('[data-set="tone"]').textContent())
			.toContain('2 examples');

		await page.getByRole('link', { name: 'All prompts' }).click();
		await page.getByRole('button', { name: '+ Text prompt' }).click();
		await page.getByRole('dialog').getByLabel(/Name/).fill('friendly');
		await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
		await expect.poll(() => page.getByTestId('prompt-name').textContent()).toBe('friendly');
		await page.getByLabel('Prompt template').click();
		await page.keyboard.type('{{ fewshot("tone") }}\nInput: {{ q }}');
		await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('All changes saved');
		await page.getByRole('link', { name: /Open in playground/ }).click();
		await page.getByRole('group', { name: 'Variables' }).waitFor();
		await page.locator('#var-q').fill('thanks');
		await page.getByRole('button', { name: 'Render preview' }).click();
		await expect
			.poll(() => page.getByTestId('render-preview').locator('pre').first().textContent())
			.toBe(
				'Input: hi\nOutput: Hello there, friend!\n\nInput: bye\nOutput: Farewell, friend!\nInput: thanks'
			);
		expect(pageErrors(page)).toEqual([]);
		await context.close();
	});
});
