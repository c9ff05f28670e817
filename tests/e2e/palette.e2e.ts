/** The command palette (Ctrl/Cmd+K): prompts through the core search, pages, actions, shortcuts. */
import { describe, expect, it } from 'vitest';
import { contextPerTest, pageErrors } from './browser';

const app = contextPerTest({ viewport: { width: 1440, height: 900 } });

describe('command palette', () => {
	it('jumps to a prompt found by the search, to a page, and runs an action, listing the shortcuts', async () => {
		const page = await app.open('/');
		await page.getByRole('button', { name: 'Load example prompts' }).click();
		await page.locator('[data-prompt="code-review"]').waitFor();

		await page.keyboard.press('Control+k');
		const palette = page.getByRole('dialog', { name: 'Command palette' });
		await palette.waitFor();
		const shortcuts = palette.getByRole('region', { name: 'Keyboard shortcuts' });
		expect(await shortcuts.textContent()).toContain('Ctrl/⌘ K');
		expect(await shortcuts.textContent()).toContain('Ctrl/⌘ Z');

		// A prompt, found by words of its name through the core's full-text search.
		await page.keyboard.type('code review');
		const first = palette.getByRole('option').first();
		await expect.poll(() => first.getAttribute('data-kind')).toBe('prompt');
		expect(await first.textContent()).toContain('code-review');
		await page.keyboard.press('Enter');
		await page.getByTestId('prompt-name').waitFor();
		expect(page.url()).toMatch(/\/prompts\/[^/]+$/);
		expect(await palette.count()).toBe(0);

		// A page, chosen with the arrow keys.
		await page.keyboard.press('Control+k');
		await page.keyboard.type('analytics');
		await page.keyboard.press('ArrowDown');
		await page.keyboard.press('ArrowUp');
		await page.keyboard.press('Enter');
		await expect.poll(() => new URL(page.url()).pathname).toBe('/analytics');

		// An action: a new chat prompt, named in a dialog, then opened.
		await page.keyboard.press('Control+k');
		await page.keyboard.type('new chat');
		await page.keyboard.press('Enter');
		const dialog = page.getByRole('dialog', { name: 'New chat prompt' });
		await dialog.getByRole('textbox').fill('Palette Made');
		await dialog.getByRole('button', { name: 'OK' }).click();
		await page.getByTestId('prompt-name').waitFor();
		await expect.poll(() => page.getByTestId('prompt-name').textContent()).toBe('palette-made');

		// Escape closes it without doing anything.
		await page.keyboard.press('Control+k');
		await palette.waitFor();
		await page.keyboard.press('Escape');
		expect(await palette.count()).toBe(0);
		expect(pageErrors(page)).toEqual([]);
	});
});
