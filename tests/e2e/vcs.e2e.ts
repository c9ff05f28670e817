import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { commitPrompt, contextPerTest, pageErrors, replaceTemplate } from './browser';

const app = contextPerTest({ viewport: { width: 1400, height: 1000 } });

const SCREENSHOTS = process.env.VCS_SCREENSHOTS;

const editor = (page: Page) => page.getByLabel('Prompt template');
const toast = (page: Page, role: 'status' | 'alert', text: string) =>
	expect
		.poll(() => page.getByRole(role).filter({ hasText: text }).count(), { timeout: 10000 })
		.toBeGreaterThan(0);

/** Sets the temperature and replaces the template, then waits until both are saved. */
async function setText(page: Page, text: string, temperature: string) {
	await page.getByLabel('Temperature').fill(temperature);
	await replaceTemplate(page, text);
}

/** Screenshots for a human look, without the pile of toasts the run leaves behind. */
async function screenshot(page: Page, name: string) {
	if (!SCREENSHOTS) return;
	await page.evaluate(() =>
		document
			.querySelectorAll<HTMLButtonElement>('.toast button[aria-label="Dismiss"]')
			.forEach((b) => b.click())
	);
	await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}

const row = (page: Page, message: string) => page.locator(`li[data-message="${message}"]`);

async function openHistory(page: Page) {
	await page.getByRole('link', { name: 'History' }).click();
	await page.getByTestId('history-graph').waitFor();
}

describe('version control in the browser', () => {
	it('commits, branches, merges with a resolved conflict, labels, rolls back and works offline', async () => {
		const page = await app.open();
		// Fail at the step that hangs rather than at the test timeout.
		page.setDefaultTimeout(15000);
		await page.evaluate(() => navigator.serviceWorker.ready);

		// A new prompt, committed: the first commit starts main and shows its short id.
		await page.getByRole('button', { name: '+ Text prompt' }).click();
		await page.getByRole('dialog').getByLabel(/Name/).fill('vcs-demo');
		await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
		await expect.poll(() => page.getByTestId('prompt-name').textContent()).toBe('vcs-demo');
		const promptUrl = page.url();
		await setText(page, 'Line one\nLine two\nLine three', '0.5');
		await commitPrompt(page, 'Initial');
		await expect.poll(() => page.getByTestId('head-id').textContent()).toMatch(/^[0-9a-f]{8}$/);
		const initialId = (await page.getByTestId('head-id').textContent())!;
		await commitPrompt(page, 'Nothing new', false);
		await toast(page, 'alert', 'nothing to commit');

		// Branch from the first version and switch to it.
		await openHistory(page);
		await row(page, 'Initial').getByRole('button', { name: 'Branch' }).click();
		await page.getByRole('dialog').getByLabel('Branch name').fill('feature');
		await page.getByRole('dialog').getByRole('button', { name: 'Create branch' }).click();
		await page.locator('[data-branch="feature"]').getByRole('button', { name: 'Switch' }).click();
		await expect.poll(() => page.getByTestId('current-branch').textContent()).toBe('feature');
		// main cannot be deleted.
		await page.locator('[data-branch="main"]').getByRole('button', { name: 'Delete' }).click();
		await toast(page, 'alert', 'cannot be deleted');

		// Edit on feature; switching with uncommitted changes is refused.
		await page.getByRole('link', { name: '← vcs-demo' }).click();
		await setText(page, 'Line one\nLine two from feature\nLine three', '0.7');
		await page.getByLabel('Branch', { exact: true }).selectOption('main');
		await toast(page, 'alert', 'uncommitted changes');
		await commitPrompt(page, 'Feature edit');

		// Switch to main: its head is loaded into the editor. Edit the same line there.
		await page.getByLabel('Branch', { exact: true }).selectOption('main');
		// CodeMirror renders one element per line, so textContent has no newlines.
		await expect.poll(() => editor(page).textContent()).toBe('Line oneLine twoLine three');
		await setText(page, 'Line one\nLine two from main\nLine three', '0.2');
		await commitPrompt(page, 'Main edit');

		// Merge feature into main: a text conflict and a metadata conflict, resolved in the UI.
		await openHistory(page);
		await page.getByLabel('Merge source').selectOption('feature');
		await page.getByLabel('Merge target').selectOption('main');
		await page.getByRole('button', { name: 'Merge', exact: true }).click();
		await page.getByRole('heading', { name: 'Resolve merge' }).waitFor();
		const conflict = page.getByRole('region', { name: 'Conflict 1' });
		expect(await conflict.locator('pre.ours').textContent()).toContain('Line two from main');
		expect(await conflict.locator('pre.theirs').textContent()).toContain('Line two from feature');
		const complete = page.getByRole('button', { name: 'Complete merge' });
		expect(await complete.isDisabled()).toBe(true);
		await conflict.getByRole('radio', { name: 'Edit by hand' }).click();
		// The box holds the hunk's lines without its final line break: replacing all keeps Line three apart.
		await page.getByLabel('Resolved text for conflict 1').fill('Line two from both');
		await page.getByLabel('Keep theirs for modelConfig.temperature').check();
		await expect
			.poll(() => page.getByTestId('merge-preview').textContent())
			.toBe('Line one\nLine two from both\nLine three');
		await screenshot(page, 'merge');
		await complete.click();
		await page.getByTestId('history-graph').waitFor();
		const mergeRow = row(page, "Merge branch 'feature' into 'main'");
		await mergeRow.waitFor();
		expect(await mergeRow.textContent()).toContain('merge');
		expect(await page.getByTestId('history-graph').getAttribute('aria-label')).toContain('2 lanes');

		// Label production on the merge, then move it to the first version: the history records both.
		await mergeRow.getByRole('button', { name: 'Label' }).click();
		await page.getByRole('dialog').getByRole('button', { name: 'Set label' }).click();
		await mergeRow.locator('[data-label="production"]').waitFor();
		await row(page, 'Initial').getByRole('button', { name: 'Label' }).click();
		await page.getByRole('dialog').getByRole('button', { name: 'Set label' }).click();
		await row(page, 'Initial').locator('[data-label="production"]').waitFor();
		await expect.poll(() => page.getByTestId('label-history').locator('li').count()).toBe(2);
		expect(await page.getByTestId('label-history').textContent()).toMatch(
			new RegExp(`production: [0-9a-f]{8} → ${initialId} anonymous`)
		);

		// Compare the first version with the merge: lines, words, tokens; metadata listed.
		await row(page, 'Initial').getByRole('checkbox').check();
		await mergeRow.getByRole('checkbox').check();
		await page.getByRole('button', { name: /Compare selected/ }).click();
		await page.getByTestId('metadata-changes').waitFor();
		expect(await page.getByTestId('metadata-changes').textContent()).toMatch(
			/modelConfig\.temperature:\s*0\.5 → 0\.7/
		);
		expect(await page.getByTestId('diff-side-by-side').textContent()).toContain(
			'Line two from both'
		);
		await page.getByRole('button', { name: 'Words' }).click();
		expect(await page.locator('pre .insert').first().textContent()).toContain('from both');
		await page.getByRole('button', { name: 'Tokens' }).click();
		expect(await page.locator('.tok.insert').count()).toBeGreaterThan(0);
		expect(await page.getByTestId('token-delta').textContent()).toMatch(
			/\d+ → \d+ tokens \(\+\d+\)/
		);
		await page.getByRole('button', { name: 'Inline' }).click();
		await page.getByTestId('diff-inline').waitFor();
		await page.getByRole('button', { name: 'Words' }).click();
		await screenshot(page, 'compare');

		// Open the first version read-only and roll back to it.
		await page.getByRole('link', { name: '← History' }).click();
		await row(page, 'Initial').getByRole('link', { name: 'View' }).click();
		await expect.poll(() => page.getByTestId('version-id').textContent()).toBe(initialId);
		await expect
			.poll(() => page.getByTestId('version-evaluations').textContent())
			.toContain('No evaluations yet');
		await page.getByRole('button', { name: 'Roll back to this version' }).click();
		await page.getByRole('alertdialog').getByRole('button', { name: 'Roll back' }).click();
		await row(page, `Roll back to ${initialId}`).waitFor();
		await page.getByRole('link', { name: '← vcs-demo' }).click();
		await expect.poll(() => editor(page).textContent()).toBe('Line oneLine twoLine three');
		expect(await page.getByLabel('Temperature').inputValue()).toBe('0.5');
		if (SCREENSHOTS) {
			await openHistory(page);
			await screenshot(page, 'history');
		}

		// Reload, go offline: the whole history is still there.
		await page.reload();
		await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
		await page.context().setOffline(true);
		await page.goto(`${promptUrl}/history`);
		await page.getByTestId('history-graph').waitFor();
		await expect.poll(() => page.locator('li[data-message]').count()).toBe(5);
		await row(page, 'Initial').locator('[data-label="production"]').waitFor();
		expect(await page.getByTestId('label-history').locator('li').count()).toBe(2);
		expect(await page.getByTestId('current-branch').textContent()).toBe('main');
		await page.context().setOffline(false);
		expect(pageErrors(page)).toEqual([]);
	});
});
