import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contextPerTest, pageErrors } from './browser';

const app = contextPerTest({ acceptDownloads: true });

async function createPrompt(
	page: Page,
	name: string,
	text: string,
	type: 'Text' | 'Chat' = 'Text'
) {
	await page.getByRole('link', { name: 'All prompts' }).click();
	await page.getByRole('button', { name: `+ ${type} prompt` }).click();
	await page.getByRole('dialog').getByLabel(/Name/).fill(name);
	await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
	// Names are turned into slugs ("Summarize Email" → summarize-email).
	await expect
		.poll(() => page.getByTestId('prompt-name').textContent())
		.toBe(name.toLowerCase().replace(/\s+/g, '-'));
	if (text) {
		await page.getByLabel(type === 'Text' ? 'Prompt template' : /Message 2/).click();
		await page.keyboard.type(text);
	}
	await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('All changes saved');
}

async function newFolder(page: Page, name: string) {
	await page.getByTitle('New folder', { exact: true }).click();
	await page.getByRole('dialog').getByLabel('Name').fill(name);
	await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
	await page.locator(`[data-folder="${name}"]`).waitFor();
}

describe('the prompt library in the browser', () => {
	it('creates, edits, searches, moves, deletes and undoes', async () => {
		const page = await app.open();
		await createPrompt(page, 'Summarize Email', 'Summarize {{ email }} in three bullet points.');
		await page.getByLabel('Tags (comma separated)').fill('email, summary');
		await page.getByLabel('Temperature').fill('0.3');
		await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('All changes saved');
		await createPrompt(page, 'sql-helper', 'Translate the question into SQL for Postgres.');

		// Full-text search with highlighted matches and a tag filter.
		await page.getByRole('link', { name: 'All prompts' }).click();
		await page.getByLabel('Search prompts').fill('bullet');
		const results = page.getByRole('list', { name: 'Prompts' }).locator('li');
		await expect.poll(() => results.count()).toBe(1);
		expect(await results.first().getAttribute('data-prompt')).toBe('summarize-email');
		expect(await results.first().locator('mark').first().textContent()).toBe('bullet');
		await page.getByLabel('Search prompts').fill('');
		await page.getByLabel('Filter by tag').selectOption('summary');
		await expect.poll(() => results.count()).toBe(1);
		await page.getByLabel('Filter by tag').selectOption('');

		// Move into a folder by selection, and the folder view lists it.
		await newFolder(page, 'Support');
		await page.getByLabel('Select sql-helper').check();
		await page.getByLabel('Move to folder').selectOption({ label: 'Support' });
		await page.getByRole('button', { name: 'Move', exact: true }).click();
		await page.locator('[data-folder="Support"]').click();
		await expect.poll(() => results.count()).toBe(1);
		expect(await results.first().getAttribute('data-prompt')).toBe('sql-helper');

		// Rename the folder: the prompt follows.
		await page.locator('[data-folder="Support"]').hover();
		await page.getByTitle('Rename folder').click();
		await page.getByRole('dialog').getByLabel('Name').fill('Data');
		await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
		await page.locator('[data-folder="Data"]').click();
		await expect.poll(() => page.locator('h1').textContent()).toBe('Data');
		await expect.poll(() => results.count()).toBe(1);

		// Delete goes to the trash; undo from the toast brings it back.
		await page.getByRole('link', { name: 'All prompts' }).click();
		await page.getByLabel('Select summarize-email').check();
		await page.getByRole('button', { name: 'Delete' }).click();
		await expect.poll(() => results.count()).toBe(1);
		await page.getByRole('status').getByRole('button', { name: 'Undo' }).first().click();
		await expect.poll(() => results.count()).toBe(2);

		// Delete again, then restore from the trash.
		await page.getByLabel('Select summarize-email').check();
		await page.getByRole('button', { name: 'Delete' }).click();
		await page.getByRole('link', { name: /Trash/ }).click();
		await page
			.locator('[data-prompt="summarize-email"]')
			.getByRole('button', { name: 'Restore' })
			.click();
		await page.getByRole('link', { name: 'All prompts' }).click();
		await expect.poll(() => results.count()).toBe(2);
		expect(pageErrors(page)).toEqual([]);
	});

	it('starts from example prompts and files one into a folder by drag and drop', async () => {
		const page = await app.open();
		await page.getByRole('button', { name: 'Load example prompts' }).click();
		const results = page.getByRole('list', { name: 'Prompts' }).locator('li');
		await expect.poll(() => results.count()).toBeGreaterThan(5);
		await newFolder(page, 'Favourites');
		const first = results.first();
		const name = await first.getAttribute('data-prompt');
		await first.dragTo(page.locator('[data-folder="Favourites"]'));
		await page.locator('[data-folder="Favourites"]').click();
		await expect.poll(() => results.count()).toBe(1);
		expect(await results.first().getAttribute('data-prompt')).toBe(name);
	});

	it('keeps every keystroke across a reload, and a duplicate name is refused', async () => {
		const page = await app.open();
		await createPrompt(page, 'draft', '');
		await page.getByLabel('Prompt template').click();
		await page.keyboard.type('Keystrokes that must survive');
		// Reload at once, before the debounced save could run.
		await page.reload();
		await page.getByLabel('Prompt template').waitFor();
		await expect
			.poll(() => page.getByLabel('Prompt template').textContent())
			.toBe('Keystrokes that must survive');

		// Per-prompt Jinja options are saved with the prompt.
		await page.getByLabel(/trim_blocks/).check();
		await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('All changes saved');
		await page.reload();
		await expect.poll(() => page.getByLabel(/trim_blocks/).isChecked()).toBe(true);
		expect(await page.getByLabel(/lstrip_blocks/).isChecked()).toBe(false);

		await page.getByRole('button', { name: 'Rename' }).click();
		await page.getByRole('dialog').getByLabel(/Name/).fill('draft-2');
		await page.getByRole('dialog').getByRole('button', { name: 'Rename' }).click();
		await expect.poll(() => page.getByTestId('prompt-name').textContent()).toBe('draft-2');
		await createPrompt(page, 'other', '');
		await page.getByRole('button', { name: 'Rename' }).click();
		await page.getByRole('dialog').getByLabel(/Name/).fill('draft-2');
		await page.getByRole('dialog').getByRole('button', { name: 'Rename' }).click();
		await expect
			.poll(() => page.getByRole('alert').first().textContent())
			.toContain('A prompt named "draft-2" already exists');
	});

	it('exports, imports back, and rejects a malformed file with its message', async () => {
		const page = await app.open();
		await createPrompt(page, 'exported', 'Round trip {{ me }}');
		await page.getByRole('link', { name: /Backup/ }).click();
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('button', { name: 'Export JSON' }).click()
		]);
		const dir = await mkdtemp(join(tmpdir(), 'promptloom-e2e-'));
		const file = join(dir, 'library.json');
		await download.saveAs(file);
		const exported = JSON.parse(await readFile(file, 'utf8'));
		expect(exported.prompts.map((p: { name: string }) => p.name)).toEqual(['exported']);

		// A fresh browser profile restores it.
		const page2 = await app.openElsewhere('/backup');
		await page2.getByLabel('Replace this library').check();
		await page2.getByLabel(/Library file/).setInputFiles(file);
		await expect
			.poll(() => page2.getByRole('status').first().textContent())
			.toContain('Imported 1 prompts');
		await page2.getByRole('link', { name: 'All prompts' }).click();
		await page2.locator('[data-prompt="exported"]').waitFor();

		// A broken entry is named with its field, and nothing changes.
		exported.prompts[0].name = 'Not A Slug';
		const bad = join(dir, 'bad.json');
		await writeFile(bad, JSON.stringify(exported));
		await page2.getByRole('link', { name: /Backup/ }).click();
		await page2.getByLabel(/Library file/).setInputFiles(bad);
		const error = await page2.getByTestId('import-error').textContent();
		expect(error).toMatch(/prompts\[0\].*name/);
		await page2.getByRole('link', { name: 'All prompts' }).click();
		await page2.locator('[data-prompt="exported"]').waitFor();
	});

	it('works offline after a reload, with the data intact', async () => {
		const page = await app.open();
		await page.evaluate(() => navigator.serviceWorker.ready);
		await createPrompt(page, 'offline-proof', 'Still here without a network');
		// The first load is not controlled by the worker yet; reload once online so it is.
		await page.reload();
		await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
		await page.context().setOffline(true);
		await page.goto(page.url().replace(/\/prompts\/.*/, '/'));
		await page.locator('[data-prompt="offline-proof"]').waitFor();
		await expect.poll(() => page.getByTestId('network-state').textContent()).toContain('Offline');
		await page.locator('[data-prompt="offline-proof"]').getByRole('link').click();
		await expect
			.poll(() => page.getByLabel('Prompt template').textContent())
			.toBe('Still here without a network');
		await page.context().setOffline(false);
	});
});
