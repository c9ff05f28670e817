import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
	commitPrompt,
	contextPerTest,
	createTextPrompt,
	pageErrors,
	replaceTemplate
} from './browser';

const app = contextPerTest({ viewport: { width: 1400, height: 1000 } });

const dialog = (page: Page) => page.getByRole('alertdialog');
const toast = (page: Page, text: string | RegExp) =>
	expect.poll(() => page.getByRole('status').filter({ hasText: text }).count()).toBeGreaterThan(0);

/** Deletes the open prompt: it stays open, under the trash banner. */
async function deleteOpenPrompt(page: Page) {
	await page.getByRole('button', { name: 'Delete', exact: true }).click();
	await page.getByTestId('trash-banner').waitFor();
}

describe('destructive actions', () => {
	it('asks before rolling back and deleting for good, naming what is lost; a trashed prompt is read-only under a banner with Restore', async () => {
		const page = await app.open('/');
		const id = await createTextPrompt(page, 'doomed', 'Hello');
		await commitPrompt(page, 'one');
		await replaceTemplate(page, 'Hello again');
		await commitPrompt(page, 'two');

		// Roll back names the version it replaces; Cancel changes nothing.
		await page.getByRole('link', { name: 'History' }).click();
		const rowOne = page.locator('li[data-message="one"]');
		await rowOne.getByRole('button', { name: 'Roll back' }).click();
		await expect.poll(() => dialog(page).getAttribute('aria-label')).toMatch(/^Roll back doomed/);
		expect(await dialog(page).getByRole('list').textContent()).toContain('“two”');
		await dialog(page).getByRole('button', { name: 'Cancel' }).click();
		await expect.poll(() => dialog(page).count()).toBe(0);
		expect(await page.locator('li[data-message^="Roll back"]').count()).toBe(0);
		await rowOne.getByRole('button', { name: 'Roll back' }).click();
		await dialog(page).getByRole('button', { name: 'Roll back' }).click();
		await toast(page, /Rolled back to/);

		// Delete: the prompt stays open under a banner, and so it opens again later; nothing can be
		// edited until Restore.
		await page.goto(page.url().replace(/\/history$/, ''));
		await deleteOpenPrompt(page);
		await page.goto(new URL('/trash', page.url()).href);
		await page.locator('[data-prompt="doomed"]').waitFor();
		await page.goto(new URL(`/prompts/${id}`, page.url()).href);
		const banner = page.getByTestId('trash-banner');
		await banner.waitFor();
		expect(await banner.textContent()).toContain('in the trash');
		const rename = page.getByRole('button', { name: 'Rename' });
		expect(await rename.isDisabled()).toBe(true);
		expect(await rename.getAttribute('title')).toMatch(/trash/);
		await expect
			.poll(() => page.getByLabel('Prompt template').getAttribute('aria-readonly'))
			.toBe('true');
		await banner.getByRole('button', { name: 'Restore' }).click();
		await expect.poll(() => banner.count()).toBe(0);
		expect(await rename.isDisabled()).toBe(false);

		// Delete forever and Empty trash say which prompts go, with their history.
		await deleteOpenPrompt(page);
		await createTextPrompt(page, 'spare', 'Spare');
		await deleteOpenPrompt(page);
		await page.getByRole('link', { name: /Trash/ }).click();
		const doomed = page.locator('[data-prompt="doomed"]');
		await doomed.getByRole('button', { name: 'Delete forever' }).click();
		expect(await dialog(page).getAttribute('aria-label')).toBe('Delete doomed forever?');
		expect(await dialog(page).getByRole('listitem').allTextContents()).toEqual([
			'doomed: 3 versions'
		]);
		await dialog(page).getByRole('button', { name: 'Cancel' }).click();
		expect(await doomed.count()).toBe(1);
		await doomed.getByRole('button', { name: 'Delete forever' }).click();
		await dialog(page).getByRole('button', { name: 'Delete forever' }).click();
		await expect.poll(() => doomed.count()).toBe(0);

		await page.getByRole('button', { name: 'Empty trash' }).click();
		await expect
			.poll(() => dialog(page).getByRole('listitem').allTextContents())
			.toEqual(['spare: 0 versions']);
		await dialog(page).getByRole('button', { name: 'Empty trash' }).click();
		await page.getByText('The trash is empty.').waitFor();
		expect(pageErrors(page)).toEqual([]);
	}, 120_000);

	it('undoes a rename made before a reload', async () => {
		const page = await app.open('/');
		await createTextPrompt(page, 'before-reload', 'Text');
		await page.getByRole('button', { name: 'Rename' }).click();
		await page.getByRole('dialog').getByLabel(/Name/).fill('after-reload');
		await page.getByRole('dialog').getByRole('button', { name: 'Rename' }).click();
		await expect.poll(() => page.getByTestId('prompt-name').textContent()).toBe('after-reload');

		await page.reload();
		await page.locator('main').getByText('Opening your library…').waitFor({ state: 'detached' });
		await page.getByRole('link', { name: 'All prompts' }).click();
		await page.locator('[data-prompt="after-reload"]').waitFor();
		await page.locator('h1').click();
		await page.keyboard.press('Control+z');
		await toast(page, 'Undone: Rename before-reload to after-reload');
		await page.locator('[data-prompt="before-reload"]').waitFor();
		expect(pageErrors(page)).toEqual([]);
	}, 60_000);
});
