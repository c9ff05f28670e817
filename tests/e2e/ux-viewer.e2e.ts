import { describe, expect, inject, it } from 'vitest';
import { enrollFromCli } from '../../sync-server/src/collab/registry';
import type { Locator, Page } from 'playwright-core';
import { commitPrompt, connectAs, contextPerTest, createTextPrompt, pageErrors } from './browser';

const app = contextPerTest({ viewport: { width: 1400, height: 1000 } });

/** The control is disabled and its tooltip says why (the viewer's role). */
async function refused(control: Locator) {
	await control.waitFor();
	// After a reload the role is known once the saved connection is back: wait for it.
	await expect.poll(() => control.isDisabled()).toBe(true);
	await expect.poll(() => control.getAttribute('title')).toMatch(/you are a viewer in/);
}

async function go(page: Page, path: string) {
	await page.goto(new URL(path, page.url()).href);
	await page.locator('main').getByText('Opening your library…').waitFor({ state: 'detached' });
}

describe('a viewer', () => {
	it('cannot reach any write action: each is disabled with the reason', async () => {
		const workspace = `viewer-${Date.now().toString(36)}`;
		const dataDir = inject('relayDataDir');
		await enrollFromCli(dataDir, workspace, 'olga', 'owner');
		await enrollFromCli(dataDir, workspace, 'vic', 'viewer');
		const owner = await app.open('/');
		await connectAs(owner, workspace, 'owner', 'olga');
		const id = await createTextPrompt(owner, 'shared-doc', 'Read me');
		await commitPrompt(owner, 'Published');

		const vic = await app.openElsewhere('/');
		await connectAs(vic, workspace, 'viewer', 'vic');
		await vic.getByRole('link', { name: 'All prompts' }).click();
		await vic.locator('[data-prompt="shared-doc"]').waitFor({ timeout: 15000 });

		await refused(vic.getByRole('button', { name: '+ Text prompt' }));
		await refused(vic.getByRole('button', { name: '+ Chat prompt' }));

		await go(vic, `/prompts/${id}`);
		for (const name of ['Rename', 'Duplicate', 'Delete', 'Commit'])
			await refused(vic.getByRole('button', { name, exact: true }));
		await expect
			.poll(() => vic.getByLabel('Prompt template').getAttribute('aria-readonly'))
			.toBe('true');

		await go(vic, `/prompts/${id}/history`);
		const row = vic.locator('li[data-message="Published"]');
		await row.waitFor();
		for (const name of ['Branch', 'Label', 'Roll back'])
			await refused(row.getByRole('button', { name, exact: true }));

		await row.getByRole('link', { name: 'View' }).click();
		await refused(vic.getByRole('button', { name: 'Branch from here' }));
		await refused(vic.getByRole('button', { name: 'Roll back to this version' }));

		await go(vic, '/trash');
		await refused(vic.getByRole('button', { name: 'Empty trash' }));

		await go(vic, '/backup');
		await refused(vic.getByLabel('Library file (.json, .yaml)'));
		expect(pageErrors(vic)).toEqual([]);

		// The owner is asked before removing a member, with what they lose; Cancel keeps them.
		await go(owner, '/workspace');
		const member = owner.getByTestId('member-vic');
		let asked = '';
		owner.once('dialog', (d) => {
			asked = d.message();
			void d.dismiss();
		});
		await member.getByRole('button', { name: 'Remove' }).click();
		await expect.poll(() => asked).toMatch(/^Remove vic from the workspace\? vic loses access/);
		expect(await member.count()).toBe(1);
		expect(pageErrors(owner)).toEqual([]);
	}, 120_000);
});
