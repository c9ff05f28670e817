import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createToken } from '../../sync-server/src/index';
import { enrollFromCli } from '../../sync-server/src/collab/registry';
import { commitPrompt, connectSync, createTextPrompt, deviceScope, pageErrors } from './browser';

const devices = deviceScope(beforeAll, afterAll);

/** Set AUDIT_SCREENSHOTS=<dir> to keep pictures of the workspace audit log. */
const SCREENSHOTS = process.env.AUDIT_SCREENSHOTS;

/** Connects a member's device to the workspace through the Sync page. */
async function connect(page: Page, workspace: string, user: string, role: 'owner' | 'editor') {
	const token = await createToken({ dataDir: inject('relayDataDir'), workspace, role, user });
	await connectSync(page, workspace, token);
}

/** Creates a text prompt and commits it; returns the prompt id. */
async function createAndCommit(page: Page, name: string, text: string): Promise<string> {
	const id = await createTextPrompt(page, name, text);
	await commitPrompt(page, `add ${name}`);
	await expect.poll(() => page.getByTestId('head-id').textContent()).toMatch(/^[0-9a-f]{8}$/);
	return id;
}

const actorsOfRows = (page: Page) =>
	page
		.getByTestId('audit-row')
		.evaluateAll((rows) =>
			rows.map((r) => `${r.getAttribute('data-actor')}:${r.children[3].textContent}`)
		);

describe('workspace audit log in the browser', () => {
	it('shows every device’s entries on both devices, verifies them, and pinpoints tampered stored data', async () => {
		const workspace = `audit-${Date.now().toString(36)}`;
		const dataDir = inject('relayDataDir');
		await enrollFromCli(dataDir, workspace, 'ana', 'owner');
		await enrollFromCli(dataDir, workspace, 'ben', 'editor');
		const ana = await devices.open('ana');
		const ben = await devices.open('ben');
		await connect(ana, workspace, 'ana', 'owner');
		await connect(ben, workspace, 'ben', 'editor');

		// Each device makes its own changes.
		const benPrompt = await createAndCommit(ben, 'farewell', 'Goodbye, {{ name }}.');
		await createAndCommit(ana, 'greeting', 'Hello, {{ name }}.');

		// Each sees the other's entries, and the merged log verifies on both.
		for (const page of [ana, ben]) {
			await page.getByRole('link', { name: /Workspace/ }).click();
			await expect
				.poll(() => actorsOfRows(page), { timeout: 15000 })
				.toEqual(
					expect.arrayContaining([
						'ana:prompt.create',
						'ana:commit',
						'ben:prompt.create',
						'ben:commit'
					])
				);
			await expect
				.poll(() => page.getByTestId('audit-result').textContent())
				.toMatch(/OK — \d+ entries from 2 devices verified/);
		}
		const rowsOnAna = (await actorsOfRows(ana)).sort();
		expect((await actorsOfRows(ben)).sort()).toEqual(rowsOnAna);
		expect(await ana.getByTestId('audit-scope').textContent()).toContain(
			`workspace “${workspace}”`
		);
		if (SCREENSHOTS) await ana.screenshot({ path: `${SCREENSHOTS}/audit-workspace.png` });

		// One byte of Ben's entry changes in Ana's stored copy of the workspace (y-indexeddb).
		const flipped = await ana.evaluate(
			({ db, needle }) =>
				new Promise<number>((resolve, reject) => {
					const open = indexedDB.open(db);
					open.onerror = () => reject(open.error);
					open.onsuccess = () => {
						const tx = open.result.transaction('updates', 'readwrite');
						const store = tx.objectStore('updates');
						const bytes = new TextEncoder().encode(needle);
						let count = 0;
						const cursor = store.openCursor();
						cursor.onsuccess = () => {
							const c = cursor.result;
							if (!c) return;
							const update = new Uint8Array(c.value as Uint8Array);
							for (let i = 0; i + bytes.length <= update.length; i++) {
								if (bytes.every((b, j) => update[i + j] === b)) {
									update[i + bytes.length - 1] ^= 1;
									count++;
								}
							}
							if (count) c.update(update);
							c.continue();
						};
						tx.oncomplete = () => {
							open.result.close();
							resolve(count);
						};
						tx.onerror = () => reject(tx.error);
					};
				}),
			{ db: `promptloom-sync:${workspace}/index`, needle: `prompt:${benPrompt}` }
		);
		expect(flipped).toBeGreaterThan(0);

		await ana.reload();
		await ana.locator('main').getByText('Opening your library…').waitFor({ state: 'detached' });
		await expect
			.poll(() => ana.getByTestId('audit-result').textContent(), { timeout: 15000 })
			.toMatch(
				/Tampering detected at entry #\d+ \(device [0-9a-f]{8} \(ben\), seq 1\): content changed \(hash mismatch\)/
			);
		const broken = ana.locator('tr.broken');
		expect(await broken.count()).toBe(1);
		expect(await broken.getAttribute('data-actor')).toBe('ben');
		expect(await broken.getAttribute('data-seq')).toBe('1');
		if (SCREENSHOTS) await ana.screenshot({ path: `${SCREENSHOTS}/audit-tampered.png` });

		// Ben's own copy is untouched and still verifies.
		await ben.getByRole('button', { name: 'Verify' }).click();
		await expect
			.poll(() => ben.getByTestId('audit-result').textContent())
			.toMatch(/OK — \d+ entries from 2 devices verified/);
		for (const p of [ana, ben]) expect(pageErrors(p)).toEqual([]);
	}, 120_000);
});
