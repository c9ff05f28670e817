/** Launches Debian's Chromium through playwright-core with the flags this machine needs. */
import {
	chromium,
	type Browser,
	type BrowserContext,
	type BrowserContextOptions,
	type Page
} from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, inject } from 'vitest';
import { createToken } from '../../sync-server/src/index';

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
	await waitSaved(page);
	return page.url().split('/prompts/')[1].split(/[/?#]/)[0];
}

/**
 * Connects through the Sync page form with `token` (whose role the relay applies: the form has
 * no role picker) and waits until the workspace is in sync.
 */
export async function connectSync(page: Page, workspace: string, token: string): Promise<void> {
	await page.getByRole('link', { name: /^(⟳ )?Sync$/ }).click();
	await page.getByTestId('sync-relay').fill(inject('relayUrl'));
	await page.getByTestId('sync-workspace').fill(workspace);
	await page.getByTestId('sync-token').fill(token);
	await page.getByTestId('sync-connect').click();
	await waitSyncState(page, 'synced');
}

/** Waits until the sync badge shows `state` (synced, offline, error…). */
export async function waitSyncState(page: Page, state: string): Promise<void> {
	const badge = page.getByTestId('sync-status');
	await expect
		.poll(
			async () => {
				const now = await badge.getAttribute('data-state');
				// The badge's text says why (e.g. the relay's refusal), which a bare state hides.
				return now === state ? now : `${now}: ${await badge.getAttribute('title')}`;
			},
			{ timeout: 15000 }
		)
		.toBe(state);
}

/** Mints a relay token for `user` as `role` and connects with it through the Sync page. */
export async function connectAs(
	page: Page,
	workspace: string,
	role: 'owner' | 'editor' | 'reviewer' | 'viewer',
	user: string
): Promise<void> {
	const token = await createToken({ dataDir: inject('relayDataDir'), workspace, role, user });
	await connectSync(page, workspace, token);
}

/**
 * One browser for a test file and a new context (empty storage) for each test:
 * `const app = contextPerTest()` at the top of the file, then `await app.open('/settings')` in a
 * test; `page.context()` reaches the test's context (to go offline, say). `app.openElsewhere()`
 * opens the app in one more new context (a second browser profile), closed with the test.
 */
export function contextPerTest(options: BrowserContextOptions = {}) {
	let browser: Browser;
	let contexts: BrowserContext[] = [];
	const newContext = async () => {
		const c = await browser.newContext(options);
		contexts.push(c);
		return c;
	};
	beforeAll(async () => {
		browser = await launchBrowser();
	});
	afterAll(async () => {
		await browser.close();
	});
	beforeEach(async () => {
		await newContext();
	});
	afterEach(async () => {
		for (const c of contexts) await c.close();
		contexts = [];
	});
	return {
		open: (path = '/') => openApp(contexts[0], path),
		openElsewhere: async (path = '/') => openApp(await newContext(), path)
	};
}

/** The prompt editor's text as lines, without the remote carets and name labels drawn inside. */
export const editorText = (page: Page) =>
	page.getByLabel('Prompt template').evaluate((el) =>
		[...el.querySelectorAll('.cm-line')]
			.map((line) => {
				const copy = line.cloneNode(true) as HTMLElement;
				for (const c of copy.querySelectorAll('.cm-ySelectionCaret')) c.remove();
				return (copy.textContent ?? '').replace(/\u2060/g, '');
			})
			.join('\n')
	);

/** Waits until the editor says every change is saved. */
export async function waitSaved(page: Page): Promise<void> {
	await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('All changes saved');
}

/** Replaces the open text prompt's template with `text` and waits until it is saved. */
export async function replaceTemplate(page: Page, text: string): Promise<void> {
	await page.getByLabel('Prompt template').click();
	await page.keyboard.press('Control+A');
	await page.keyboard.type(text);
	await waitSaved(page);
}

/** Commits the open prompt; unless `expectNewHead` is false, waits until the head moves. */
export async function commitPrompt(page: Page, message: string, expectNewHead = true) {
	const head = page.getByTestId('head-id');
	const before = (await head.count()) ? await head.textContent() : null;
	await page.getByRole('button', { name: 'Commit', exact: true }).click();
	await page.getByRole('dialog').getByLabel('Commit message').fill(message);
	await page.getByRole('dialog').getByRole('button', { name: 'Commit' }).click();
	if (expectNewHead) {
		await expect
			.poll(async () => ((await head.count()) ? await head.textContent() : null))
			.not.toBe(before);
	}
}

/** Adds a provider through the Settings page form and waits until it is listed. */
export async function addProvider(
	page: Page,
	p: { kind: string; name: string; id: string; baseUrl: string; models: string; key: string }
): Promise<void> {
	await page.getByRole('button', { name: '+ Add provider' }).click();
	const form = page.getByRole('form', { name: 'Add provider' });
	await form.getByLabel('Kind').selectOption({ label: p.kind });
	await form.getByLabel('Name', { exact: true }).fill(p.name);
	await form.getByLabel('Id', { exact: true }).fill(p.id);
	await form.getByLabel('Base URL').fill(p.baseUrl);
	await form.getByLabel('Models').fill(p.models);
	await form.getByLabel('API key').fill(p.key);
	await form.getByRole('button', { name: 'Add provider' }).click();
	await page.locator(`[data-provider="${p.id}"]`).waitFor();
}
