/**
 * @module Real browser storage: the built app in Debian's Chromium (real IndexedDB, the service
 * worker, the app's own import path). Imports a generated 10,000-prompt library on the Backup
 * page, then measures how long the prompt list takes to show: after a client-side navigation
 * with the app open (`app.list_10k_ms_chromium`), and after a reload from scratch until the first
 * rows are on screen (`app.first_list_10k_ms_chromium`). Builds the app when `build/` is missing.
 * Prints JSON; never asserts on time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { startStaticServer } from '../scripts/static-server.js';
import { generateLibrary } from '../src/lib/core/io/sample-library';
import { CHROMIUM_ARGS } from '../tests/e2e/browser';

const PROMPTS = 10_000;
const ROUNDS = 5;

function median(xs: number[]): number {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)];
}

export async function run(): Promise<Record<string, number>> {
	if (!existsSync('build/index.html')) {
		const b = spawnSync('npx', ['vite', 'build'], { stdio: 'inherit' });
		if (b.status !== 0) throw new Error('vite build failed');
	}
	const dir = await mkdtemp(join(tmpdir(), 'promptloom-browser-bench-'));
	const file = join(dir, 'library.json');
	await writeFile(file, JSON.stringify(generateLibrary({ prompts: PROMPTS, seed: 42 })));
	const server = await startStaticServer({ root: 'build', port: 0 });
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
		args: CHROMIUM_ARGS
	});
	try {
		const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
		const page = await context.newPage();
		const ready = () =>
			page.locator('main').getByText('Opening your library…').waitFor({ state: 'detached' });
		await page.goto(new URL('/backup', server.url).href);
		await ready();

		const t0 = performance.now();
		await page.getByLabel(/Library file/).setInputFiles(file);
		await page
			.getByRole('status')
			.filter({ hasText: `Imported ${PROMPTS} prompts` })
			.first()
			.waitFor({ timeout: 300_000 });
		const importMs = performance.now() - t0;

		const navigations: number[] = [];
		const reloads: number[] = [];
		for (let i = 0; i < ROUNDS; i++) {
			await page.goto(new URL('/backup', server.url).href);
			await ready();
			const n0 = performance.now();
			await page.getByRole('link', { name: 'All prompts' }).click();
			await page.locator('[data-prompt]').nth(49).waitFor({ timeout: 60_000 });
			navigations.push(performance.now() - n0);

			await page.goto(new URL('/', server.url).href);
			await page.locator('[data-prompt]').nth(49).waitFor({ timeout: 60_000 });
			// From the navigation's start, as the browser counts it.
			reloads.push(await page.evaluate(() => performance.now()));
		}
		return {
			'app.import_10k_ms_chromium': Math.round(importMs),
			'app.list_10k_ms_chromium': Math.round(median(navigations)),
			'app.first_list_10k_ms_chromium': Math.round(median(reloads))
		};
	} finally {
		await browser.close();
		await server.close();
		await rm(dir, { recursive: true, force: true });
	}
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
	console.log(JSON.stringify(await run(), null, 2));
