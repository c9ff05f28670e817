import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
	connectAs,
	createTextPrompt,
	deviceScope,
	editorText,
	pageErrors,
	waitSyncState
} from './browser';

const devices = deviceScope(beforeAll, afterAll, { width: 1280, height: 860 });

/** Set SYNC_SCREENSHOTS=<dir> to keep pictures of the Sync page and the co-editing editor. */
const SCREENSHOTS = process.env.SYNC_SCREENSHOTS;

/** Puts the cursor at the end of line `n` (1-based) of the prompt editor. */
async function endOfLine(page: Page, n: number) {
	await page
		.getByLabel('Prompt template')
		.locator('.cm-line')
		.nth(n - 1)
		.click();
	await page.keyboard.press('End');
}

describe('local-first sync in the browser', () => {
	it('syncs a new prompt, co-edits it live with cursors, merges offline edits and works offline', async () => {
		const workspace = `sync-${Date.now().toString(36)}`;
		const a = await devices.open('ana');
		const b = await devices.open('ben');
		await connectAs(a, workspace, 'editor', 'ana');
		await connectAs(b, workspace, 'editor', 'ben');
		await expect.poll(() => b.getByTestId('sync-page-status').textContent()).toContain('Synced');
		if (SCREENSHOTS) await b.screenshot({ path: `${SCREENSHOTS}/sync-page.png`, fullPage: true });

		// (a) A prompt created on A appears in B's library.
		const id = await createTextPrompt(a, 'greeting', 'Hello {{ name }}.');
		await b.getByRole('link', { name: 'All prompts' }).click();
		await b.locator('[data-prompt="greeting"]').waitFor();

		// (b) Both open it and type: each sees the other's text, caret and name live.
		await b.locator('[data-prompt="greeting"]').getByRole('link').click();
		await expect.poll(() => editorText(b)).toBe('Hello {{ name }}.');
		await endOfLine(a, 1);
		await a.keyboard.type(' Welcome back.');
		await expect.poll(() => editorText(b)).toBe('Hello {{ name }}. Welcome back.');
		await endOfLine(b, 1);
		await b.keyboard.press('Enter');
		await b.keyboard.type('Answer in {{ language }}.');
		const both = 'Hello {{ name }}. Welcome back.\nAnswer in {{ language }}.';
		await expect.poll(() => editorText(a)).toBe(both);
		await expect.poll(() => editorText(b)).toBe(both);
		await a.locator('.cm-ySelectionCaret').first().waitFor();
		await b.locator('.cm-ySelectionCaret').first().waitFor();
		await expect.poll(() => a.locator('.cm-ySelectionInfo').allTextContents()).toContain('ben');
		await expect.poll(() => b.locator('.cm-ySelectionInfo').allTextContents()).toContain('ana');
		await expect.poll(() => a.getByTestId('presence').textContent()).toMatch(/ana \(you\).*ben/);
		await expect.poll(() => b.getByTestId('presence').textContent()).toMatch(/ben \(you\).*ana/);
		await expect.poll(() => b.getByTestId('save-state').textContent()).toBe('All changes saved');
		if (SCREENSHOTS) {
			await b.locator('.cm-ySelectionCaret').first().hover();
			await b.screenshot({ path: `${SCREENSHOTS}/co-editing.png` });
		}

		// (c, d) B goes offline; both edit other lines and the same line; B comes back; all merge.
		await b.evaluate(() => navigator.serviceWorker.ready);
		await b.context().setOffline(true);
		await waitSyncState(b, 'offline');
		await expect
			.poll(() => b.getByTestId('sync-status').textContent())
			.toContain('Offline: changes kept here');
		await endOfLine(a, 1);
		await a.keyboard.type(' [ana offline-time]');
		await endOfLine(b, 2);
		await b.keyboard.type(' [ben line 2]');
		await b.getByLabel('Prompt template').locator('.cm-line').nth(0).click();
		await b.keyboard.press('Home');
		await b.keyboard.type('[ben first] ');
		await b.keyboard.press('Control+End');
		await b.keyboard.press('Enter');
		await b.keyboard.type('Offline line from ben.');
		await expect.poll(() => b.getByTestId('save-state').textContent()).toBe('All changes saved');
		expect(await editorText(a)).not.toContain('ben line 2');
		await b.context().setOffline(false);
		await waitSyncState(b, 'synced');
		const merged = [
			'[ben first] Hello {{ name }}. Welcome back. [ana offline-time]',
			'Answer in {{ language }}. [ben line 2]',
			'Offline line from ben.'
		].join('\n');
		await expect.poll(() => editorText(a), { timeout: 15000 }).toBe(merged);
		await expect.poll(() => editorText(b), { timeout: 15000 }).toBe(merged);
		await expect.poll(() => a.getByTestId('save-state').textContent()).toBe('All changes saved');
		await expect.poll(() => b.getByTestId('save-state').textContent()).toBe('All changes saved');

		// (e) Reload B with the network off: the synced prompt is still there, text included.
		await b.reload();
		await expect.poll(() => b.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
		await b.context().setOffline(true);
		await b.goto(b.url().replace(/\/prompts\/.*/, '/'));
		await b.locator('[data-prompt="greeting"]').waitFor();
		await waitSyncState(b, 'offline');
		await b.locator('[data-prompt="greeting"]').getByRole('link').click();
		await expect.poll(() => editorText(b)).toBe(merged);
		expect(b.url()).toContain(id);
		await b.context().setOffline(false);
		await waitSyncState(b, 'synced');
		expect(pageErrors(a)).toEqual([]);
		expect(pageErrors(b)).toEqual([]);
	});

	it('refuses a change of a viewer before anything is written: sync stays clean and edits keep arriving', async () => {
		const workspace = `sync-view-${Date.now().toString(36)}`;
		const ed = await devices.open('ed');
		const vic = await devices.open('vic');
		await connectAs(ed, workspace, 'editor', 'ed');
		await createTextPrompt(ed, 'notice', 'Relay text.');
		await connectAs(vic, workspace, 'viewer', 'vic');
		await expect
			.poll(() => vic.getByTestId('sync-page-status').textContent())
			.toContain('Synced (read-only)');
		await vic.getByRole('link', { name: 'All prompts' }).click();
		await vic.locator('[data-prompt="notice"]').getByRole('link').click();
		await expect.poll(() => editorText(vic)).toBe('Relay text.');

		// The editor is read-only for a viewer.
		await endOfLine(vic, 1);
		await vic.keyboard.type(' Viewer was here.');
		expect(await editorText(vic)).toBe('Relay text.');
		// Library controls the role may not use are disabled, saying why (the core refuses them too).
		const newFolder = vic.getByRole('button', { name: 'New folder', exact: true });
		await expect.poll(() => newFolder.isDisabled()).toBe(true);
		expect(await newFolder.getAttribute('title')).toMatch(/View only — you are a viewer in /);
		if (SCREENSHOTS)
			await vic.screenshot({ path: `${SCREENSHOTS}/sync-viewer-refused.png`, fullPage: true });
		await vic.getByRole('link', { name: 'All prompts' }).click();
		const newPrompt = vic.getByRole('button', { name: '+ Text prompt' });
		await expect.poll(() => newPrompt.isDisabled()).toBe(true);
		expect(await newPrompt.getAttribute('title')).toMatch(/View only — you are a viewer in /);
		expect(await vic.getByTestId('sync-status').getAttribute('data-state')).toBe('synced');
		await vic.locator('[data-prompt="notice"]').getByRole('link').click();

		// Nothing needs a reset: the editor's typing keeps arriving.
		await endOfLine(ed, 1);
		await ed.keyboard.type(' Edited later.');
		await expect.poll(() => editorText(vic)).toBe('Relay text. Edited later.');
		expect(await vic.getByTestId('sync-status').getAttribute('data-state')).toBe('synced');
		expect(pageErrors(ed)).toEqual([]);
		expect(pageErrors(vic)).toEqual([]);
	});
});
