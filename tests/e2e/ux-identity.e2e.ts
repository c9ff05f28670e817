import { describe, expect, inject, it } from 'vitest';
import { enrollFromCli } from '../../sync-server/src/collab/registry';
import type { Page } from 'playwright-core';
import { connectAs, contextPerTest, createTextPrompt, pageErrors, waitSaved } from './browser';

const app = contextPerTest({ viewport: { width: 1400, height: 1000 } });

/** The presence chips of the open prompt: name and colour of each person, me first. */
const chips = (page: Page) =>
	page
		.getByTestId('presence')
		.locator('li')
		.evaluateAll((lis) =>
			lis.map((li) => ({
				name: li.textContent?.trim() ?? '',
				color: getComputedStyle(li.querySelector('.dot')!).backgroundColor
			}))
		);

async function openPrompt(page: Page, name: string) {
	await page.getByRole('link', { name: 'All prompts' }).click();
	await page.locator(`[data-prompt="${name}"]`).getByRole('link').click();
	await expect.poll(() => page.getByTestId('prompt-name').textContent()).toBe(name);
}

describe('who I am to co-editors', () => {
	it('takes the name from the token, lets the person choose a name and colour, and shows each co-editor in a distinct colour', async () => {
		const workspace = `id-${Date.now().toString(36)}`;
		// Two people on two browsers, neither with a name set before connecting.
		const ada = await app.open('/');
		const bob = await app.openElsewhere('/');
		const dataDir = inject('relayDataDir');
		await enrollFromCli(dataDir, workspace, 'ada', 'owner');
		await enrollFromCli(dataDir, workspace, 'bob', 'editor');
		await connectAs(ada, workspace, 'owner', 'ada');
		await connectAs(bob, workspace, 'editor', 'bob');

		// Settings shows the token's user as the name until another is chosen; Ada picks hers.
		await ada.getByRole('link', { name: /Settings/ }).click();
		const you = ada.getByRole('region', { name: 'Your identity' });
		await expect.poll(() => you.getByLabel('Display name').inputValue()).toBe('ada');
		await you.getByLabel('Display name').fill('Ada Lovelace');
		await you.getByLabel('Colour #16a34a').check();
		await you.getByRole('button', { name: 'Save' }).click();
		await expect.poll(() => you.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);

		await createTextPrompt(ada, 'greeting', 'Hello {{ name }}');
		await openPrompt(bob, 'greeting');
		await bob.getByLabel('Prompt template').click();
		await bob.keyboard.press('Control+End');
		await bob.keyboard.type('!');
		await waitSaved(bob);

		// Each sees the other by name; Ada in the colour she chose; Bob in another colour.
		await expect
			.poll(() => chips(bob))
			.toEqual([
				{ name: 'bob (you)', color: expect.any(String) },
				{ name: 'Ada Lovelace', color: 'rgb(22, 163, 74)' }
			]);
		await expect
			.poll(async () => (await chips(ada)).map((c) => c.name))
			.toEqual(['Ada Lovelace (you)', 'bob']);
		const [bobSelf] = await chips(bob);
		const [, bobSeenByAda] = await chips(ada);
		expect(bobSelf.color).toBe(bobSeenByAda.color);
		expect(bobSelf.color).not.toBe('rgb(22, 163, 74)');
		// The remote cursor carries the name too.
		await expect.poll(() => ada.locator('.cm-ySelectionInfo').allTextContents()).toContain('bob');

		// Bob takes Ada's colour: on the prompt both then show, the two still differ.
		await bob.getByRole('link', { name: /Settings/ }).click();
		const bobYou = bob.getByRole('region', { name: 'Your identity' });
		await expect.poll(() => bobYou.getByLabel('Display name').inputValue()).toBe('bob');
		await bobYou.getByLabel('Colour #16a34a').check();
		await bobYou.getByRole('button', { name: 'Save' }).click();
		await expect.poll(() => bobYou.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
		await openPrompt(bob, 'greeting');
		await expect.poll(async () => (await chips(ada)).length).toBe(2);
		await expect
			.poll(async () => {
				const [me, other] = await chips(ada);
				return me.color !== other.color;
			})
			.toBe(true);

		// Commits carry the display name.
		await ada.getByRole('button', { name: 'Commit', exact: true }).click();
		await ada.getByRole('dialog').getByLabel('Commit message').fill('First greeting');
		await ada.getByRole('dialog').getByRole('button', { name: 'Commit' }).click();
		await ada.getByRole('link', { name: 'History' }).click();
		await expect
			.poll(() => ada.locator('li[data-message="First greeting"]').textContent())
			.toContain('Ada Lovelace');
		expect(pageErrors(ada)).toEqual([]);
		expect(pageErrors(bob)).toEqual([]);
	}, 120_000);
});
