/** Launches Debian's Chromium through playwright-core with the flags this machine needs. */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';

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
