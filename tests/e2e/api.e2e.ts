/**
 * The relay's API from the app in Chromium: an owner creates an API key on the Workspace page,
 * the test reads the production prompt with it, production moves in the app and the API's answer
 * follows; the key is revoked after a confirmation naming it; the API page shows the relay.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { enrollFromCli } from '../../sync-server/src/collab/registry';
import { createToken } from '../../sync-server/src/index';
import {
	commitPrompt,
	connectSync,
	createTextPrompt,
	deviceScope,
	pageErrors,
	replaceTemplate
} from './browser';

const devices = deviceScope(beforeAll, afterAll, { width: 1400, height: 1100 });

/** Points production at the version committed with `message`, from the History page. */
async function setProduction(page: Page, message: string): Promise<void> {
	await page.getByRole('link', { name: 'History' }).click();
	await page.getByTestId('history-graph').waitFor();
	await page
		.locator(`li[data-message="${message}"]`)
		.getByRole('button', { name: 'Label' })
		.click();
	await page.getByRole('dialog').getByRole('button', { name: 'Set label' }).click();
	await expect
		.poll(() => page.locator(`li[data-message="${message}"] [data-label="production"]`).count(), {
			timeout: 10000
		})
		.toBeGreaterThan(0);
}

describe('API keys and the /v1 API from the app', () => {
	it('creates a key on the Workspace page, serves production, follows a label move, revokes', async () => {
		const dataDir = inject('relayDataDir');
		const relay = inject('relayUrl');
		const workspace = `api-${Date.now().toString(36)}`;
		await enrollFromCli(dataDir, workspace, 'olga', 'owner');
		const token = await createToken({ dataDir, workspace, role: 'owner', user: 'olga' });
		const page = await devices.open('olga');
		await connectSync(page, workspace, token);

		// A prompt with production on its first version.
		await createTextPrompt(page, 'checkout-greeting', 'Welcome back');
		await commitPrompt(page, 'first');
		const promptUrl = page.url();
		await setProduction(page, 'first');

		// The owner creates a read key; its secret is shown once.
		await page.locator('#sidebar').getByRole('link', { name: 'Workspace', exact: true }).click();
		await expect.poll(() => page.getByTestId('my-role').textContent()).toBe('owner');
		await page.getByTestId('apikey-name').fill('storefront');
		await page.getByTestId('apikey-create').click();
		const secret = (await page.getByTestId('apikey-secret').textContent())!.trim();
		expect(secret).toMatch(/^sk-pl-/);
		await expect.poll(() => page.getByTestId('apikey-row').count()).toBe(1);

		const get = () =>
			fetch(`${relay}/v1/prompts/checkout-greeting`, {
				headers: { authorization: `Bearer ${secret}` }
			});
		await expect
			.poll(
				async () => {
					const body = (await (await get()).json()) as { template?: string };
					return body.template ?? JSON.stringify(body);
				},
				{ timeout: 15000 }
			)
			.toBe('Welcome back');

		// A second version, and production moved to it in the app: the API follows.
		await page.goto(promptUrl);
		await replaceTemplate(page, 'Welcome back, friend');
		await commitPrompt(page, 'warmer');
		await setProduction(page, 'warmer');
		await expect
			.poll(
				async () => {
					const body = (await (await get()).json()) as {
						template?: string;
						version?: { number: number };
					};
					return `${body.version?.number}: ${body.template}`;
				},
				{ timeout: 15000 }
			)
			.toBe('2: Welcome back, friend');

		// The API page names the relay and shows examples for this workspace.
		await page.locator('#sidebar').getByRole('link', { name: 'API', exact: true }).click();
		await expect.poll(() => page.getByTestId('api-relay').textContent()).toBe(relay);
		expect(await page.getByTestId('api-curl').textContent()).toContain(`${relay}/v1/prompts/`);

		// Revoking asks for a confirmation naming the key; the API then refuses it.
		await page.locator('#sidebar').getByRole('link', { name: 'Workspace', exact: true }).click();
		let asked = '';
		page.once('dialog', (d) => {
			asked = d.message();
			void d.accept();
		});
		await page.getByTestId('apikey-row').getByRole('button', { name: 'Revoke' }).click();
		await expect.poll(() => page.getByTestId('apikey-row').count()).toBe(0);
		expect(asked).toContain('"storefront"');
		expect((await get()).status).toBe(401);
		expect(pageErrors(page)).toEqual([]);
	}, 120_000);
});
