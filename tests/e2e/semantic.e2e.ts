import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { appUrl, contextPerTest, createTextPrompt, pageErrors } from './browser';

const app = contextPerTest();

const resultNames = (page: Page) =>
	page
		.locator('ul[aria-label="Prompts"] li')
		.evaluateAll((els) => els.map((el) => el.getAttribute('data-prompt')));

describe('semantic search in the browser', () => {
	it('finds a prompt by meaning, offline after a reload, with the model served by the app', async () => {
		const page = await app.open();
		const foreign: string[] = [];
		page.on('request', (r) => {
			if (!r.url().startsWith(new URL(appUrl()).origin) && !r.url().startsWith('data:'))
				foreign.push(r.url());
		});
		await page.evaluate(() => navigator.serviceWorker.ready);
		await createTextPrompt(
			page,
			'email-digest',
			'Condense the customer message into three bullets.'
		);
		await createTextPrompt(page, 'french-rewrite', 'Render the passage in French, same tone.');
		await createTextPrompt(page, 'orders-query', 'Write SQL against the orders table.');

		// The first load is not controlled by the service worker; reload online so it is.
		await page.goto(appUrl('/'));
		await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
		await page.context().setOffline(true);
		await page.reload();
		await page.locator('[data-prompt="orders-query"]').waitFor();
		await expect.poll(() => page.getByTestId('network-state').textContent()).toContain('Offline');

		await page.getByLabel('Search mode').selectOption('semantic');
		await page.getByLabel('Search prompts').fill('translate text into another language');
		await expect.poll(() => resultNames(page), { timeout: 45_000 }).toContain('french-rewrite');
		expect((await resultNames(page))[0]).toBe('french-rewrite');
		await expect
			.poll(() => page.getByRole('status').first().textContent())
			.toContain('3 prompts indexed');

		// "More like this" lists the other prompts by similarity, never the prompt itself.
		await page
			.locator('[data-prompt="french-rewrite"]')
			.getByRole('button', { name: 'More like this' })
			.click();
		await expect.poll(() => page.getByText('More like french-rewrite').count()).toBe(1);
		await expect.poll(async () => (await resultNames(page)).includes('french-rewrite')).toBe(false);

		expect(foreign).toEqual([]);
		expect(pageErrors(page)).toEqual([]);
		await page.context().setOffline(false);
	});

	it('draws the library map and dedupes a near-duplicate with undo', async () => {
		const page = await app.open();
		await createTextPrompt(
			page,
			'email-digest',
			'Condense the customer message into three bullets.'
		);
		await createTextPrompt(
			page,
			'email-digest-copy',
			'Condense the customer message into three bullets.'
		);
		await createTextPrompt(page, 'orders-query', 'Write SQL against the orders table.');
		await page.getByRole('link', { name: 'Library map' }).click();
		await page.locator('canvas').waitFor();
		await expect
			.poll(() => page.getByText(/3 prompts · \d+ clusters · (UMAP|PCA) projection/).count(), {
				timeout: 45_000
			})
			.toBe(1);

		await page.getByRole('button', { name: 'Find near-duplicates' }).click();
		const dedupe = page.getByRole('button', { name: 'Dedupe: trash email-digest-copy' });
		await dedupe.waitFor();
		await dedupe.click();
		await expect.poll(() => dedupe.count()).toBe(0);
		await page.getByRole('button', { name: 'Undo' }).click();
		await page.getByRole('link', { name: 'All prompts' }).click();
		await page.locator('[data-prompt="email-digest-copy"]').waitFor();
		expect(pageErrors(page)).toEqual([]);
	});
});
