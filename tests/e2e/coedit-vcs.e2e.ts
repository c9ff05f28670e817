import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
	commitPrompt,
	connectAs,
	createTextPrompt,
	deviceScope,
	editorText,
	pageErrors,
	waitSaved
} from './browser';

/** Set COEDIT_SCREENSHOTS=<dir> to keep pictures of both editors after the branch switch. */
const SCREENSHOTS = process.env.COEDIT_SCREENSHOTS;

const devices = deviceScope(beforeAll, afterAll, { width: 1280, height: 800 });

async function typeAtEnd(page: Page, text: string) {
	await page.getByLabel('Prompt template').click();
	await page.keyboard.press('Control+End');
	await page.keyboard.type(text);
}

describe('version operations while co-editing', () => {
	it('switching back to main in the branch bar puts main into both open editors, and the next keystroke builds on it', async () => {
		const workspace = `vcs-${Date.now().toString(36)}`;
		const ana = await devices.open('ana');
		const ben = await devices.open('ben');
		await connectAs(ana, workspace, 'editor', 'ana');
		await connectAs(ben, workspace, 'editor', 'ben');

		const main = 'Hello from main.';
		await createTextPrompt(ana, 'coedit-vcs', main);
		await commitPrompt(ana, 'Initial');

		await ben.getByRole('link', { name: 'All prompts' }).click();
		await ben.locator('[data-prompt="coedit-vcs"]').getByRole('link').click();
		await expect.poll(() => editorText(ben)).toBe(main);

		// A branch from the first version, switched to on the history page.
		await ana.getByRole('link', { name: 'History' }).click();
		await ana.locator('li[data-message="Initial"]').getByRole('button', { name: 'Branch' }).click();
		await ana.getByRole('dialog').getByLabel('Branch name').fill('exp');
		await ana.getByRole('dialog').getByRole('button', { name: 'Create branch' }).click();
		await ana.locator('[data-branch="exp"]').getByRole('button', { name: 'Switch' }).click();
		await expect.poll(() => ana.getByTestId('current-branch').textContent()).toBe('exp');
		await ana.getByRole('link', { name: '← coedit-vcs' }).click();

		// An edit on the branch, committed: Ben sees it live.
		const branch = `${main} Branch line.`;
		await typeAtEnd(ana, ' Branch line.');
		await waitSaved(ana);
		await expect.poll(() => editorText(ben)).toBe(branch);
		await commitPrompt(ana, 'On exp');

		// Back to main from the branch bar: both open editors show main's text.
		await ana.getByLabel('Branch', { exact: true }).selectOption('main');
		await expect.poll(() => editorText(ana)).toBe(main);
		await expect.poll(() => editorText(ben)).toBe(main);
		await waitSaved(ana);
		await waitSaved(ben);
		expect(await ana.getByTestId('dirty').count()).toBe(0);
		if (SCREENSHOTS) {
			await ana.screenshot({ path: `${SCREENSHOTS}/vcs-switch-ana.png` });
			await ben.screenshot({ path: `${SCREENSHOTS}/vcs-switch-ben.png` });
		}

		// The next keystroke builds on main: the branch's text does not come back.
		await typeAtEnd(ana, '!');
		await expect.poll(() => editorText(ana)).toBe(`${main}!`);
		await expect.poll(() => editorText(ben)).toBe(`${main}!`);
		await waitSaved(ana);
		await waitSaved(ben);
		// The saved copies agree: a reload on each device shows the same text on main.
		await ana.reload();
		await expect.poll(() => editorText(ana)).toBe(`${main}!`);
		expect(await ana.getByLabel('Branch', { exact: true }).inputValue()).toBe('main');
		await ben.reload();
		await expect.poll(() => editorText(ben)).toBe(`${main}!`);
		expect(pageErrors(ana)).toEqual([]);
		expect(pageErrors(ben)).toEqual([]);
	});
});
