/** Launches Debian's Chromium through playwright-core with the flags this machine needs. */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect, inject } from 'vitest';

export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync'
];

export function launchBrowser(): Promise<Browser> {
	return chromium.launch({
		executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
		args: CHROMIUM_ARGS
	});
}

export function appUrl(path = '/'): string {
	return new URL(path, inject('appUrl')).href;
}

/** A page with the app open and the library ready; page errors fail the test. */
export async function openApp(context: BrowserContext, path = '/'): Promise<Page> {
	const page = await context.newPage();
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	errorsByPage.set(page, errors);
	await page.goto(appUrl(path));
	await page.locator('main').getByText('Opening your library…').waitFor({ state: 'detached' });
	return page;
}

const errorsByPage = new WeakMap<Page, string[]>();

/** Uncaught errors the page has thrown since `openApp`. */
export function pageErrors(page: Page): string[] {
	return errorsByPage.get(page) ?? [];
}

/**
 * Browsers for a test file: `const devices = deviceScope(beforeAll, afterAll)`, then
 * `await devices.open('ana')` for a page of a new context whose author setting is that name.
 */
export function deviceScope(
	before: (fn: () => Promise<void>) => void,
	after: (fn: () => Promise<void>) => void,
	viewport = { width: 1400, height: 1000 }
) {
	let browser: Browser;
	const contexts: BrowserContext[] = [];
	before(async () => {
		browser = await launchBrowser();
	});
	after(async () => {
		for (const c of contexts) await c.close();
		await browser.close();
	});
	return {
		async open(author: string, path = '/'): Promise<Page> {
			const c = await browser.newContext({ viewport });
			await c.addInitScript((name) => localStorage.setItem('promptloom:author', name), author);
			contexts.push(c);
			const page = await openApp(c, path);
			page.setDefaultTimeout(15000);
			return page;
		}
	};
}

/** Creates a text prompt from the library and types its template; returns the prompt id. */
export async function createTextPrompt(page: Page, name: string, text: string): Promise<string> {
	await page.getByRole('link', { name: 'All prompts' }).click();
	await page.getByRole('button', { name: '+ Text prompt' }).click();
	await page.getByRole('dialog').getByLabel(/Name/).fill(name);
	await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
	await expect.poll(() => page.getByTestId('prompt-name').textContent()).toBe(name);
	await page.getByLabel('Prompt template').click();
	await page.keyboard.type(text);
	await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('All changes saved');
	return page.url().split('/prompts/')[1].split(/[/?#]/)[0];
}

/** Connects through the Sync page form with `token` and waits until the workspace is in sync. */
export async function connectSync(
	page: Page,
	workspace: string,
	token: string,
	role?: 'owner' | 'editor' | 'reviewer' | 'viewer'
): Promise<void> {
	await page.getByRole('link', { name: '⟳ Sync' }).click();
	await page.getByTestId('sync-relay').fill(inject('relayUrl'));
	await page.getByTestId('sync-workspace').fill(workspace);
	await page.getByTestId('sync-token').fill(token);
	if (role) await page.getByLabel('Role').selectOption(role);
	await page.getByTestId('sync-connect').click();
	await expect
		.poll(() => page.getByTestId('sync-status').getAttribute('data-state'), { timeout: 15000 })
		.toBe('synced');
}
