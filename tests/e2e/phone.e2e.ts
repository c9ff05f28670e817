/** The app on a phone (390 px): the sidebar is a menu, and no page scrolls sideways. */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { contextPerTest, pageErrors } from './browser';

const app = contextPerTest({ viewport: { width: 390, height: 844 } });

const overflows = (page: Page) =>
	page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

/** Screenshots land in test-results/phone/ for a person to look at (CI keeps them as artifacts). */
const shot = (page: Page, name: string) =>
	page.screenshot({ path: `test-results/phone/${name}.png`, fullPage: true });

describe('on a phone', () => {
	it('opens the sidebar as a menu and lays every main page out without sideways scrolling', async () => {
		const page = await app.open('/');
		await page.getByRole('button', { name: 'Load example prompts' }).click();
		await page.locator('[data-prompt="code-review"]').waitFor();
		expect(await overflows(page)).toBe(false);
		await shot(page, 'library');
		// The sidebar is hidden until the menu opens, and closes again after navigating.
		expect(await page.locator('#sidebar').isVisible()).toBe(false);
		await page.getByRole('button', { name: 'Menu' }).click();
		await page.locator('#sidebar').getByText('Engineering').click();
		await expect.poll(() => page.locator('#sidebar').isVisible()).toBe(false);
		await expect.poll(() => page.url()).toContain('folder=');
		await page.locator('[data-prompt="code-review"]').getByRole('link').click();
		await page.getByTestId('prompt-name').waitFor();
		expect(await overflows(page)).toBe(false);
		await shot(page, 'prompt');
		for (const path of [
			'/playground',
			'/evals',
			'/evals/new',
			'/datasets',
			'/fewshot',
			'/analytics',
			'/map',
			'/trash',
			'/security',
			'/api',
			'/workspace',
			'/settings',
			'/sync',
			'/backup'
		]) {
			await page.goto(new URL(path, page.url()).href);
			await page.locator('main h1').first().waitFor();
			expect(`${path}: ${await overflows(page)}`).toBe(`${path}: false`);
			await shot(page, path.slice(1).replace(/\//g, '-'));
		}
		expect(pageErrors(page)).toEqual([]);
	});
});
