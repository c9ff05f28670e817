import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createToken } from '../../sync-server/src/index';
import { enrollFromCli } from '../../sync-server/src/collab/registry';
import { makeInviteLink } from '../../src/lib/core/sync/invite';
import { appUrl, commitPrompt, createTextPrompt, deviceScope, pageErrors } from './browser';

const devices = deviceScope(beforeAll, afterAll, { width: 1400, height: 1100 });

const SCREENSHOTS = process.env.COLLAB_SCREENSHOTS;

const toast = (page: Page, role: 'status' | 'alert', text: string | RegExp) =>
	expect
		.poll(() => page.getByRole(role).filter({ hasText: text }).count(), { timeout: 10000 })
		.toBeGreaterThan(0);

/** Opens the workspace page from an invite link on a new device of `user` and joins. */
async function joinWith(user: string, link: string, role: string): Promise<Page> {
	const page = await devices.open(user, '/workspace' + link.slice(link.indexOf('#')));
	await page.getByRole('button', { name: 'Join' }).click();
	await expect.poll(() => page.getByTestId('my-role').textContent()).toBe(role);
	return page;
}

async function invite(owner: Page, user: string, role: string): Promise<string> {
	await owner.getByLabel('Invitee name').fill(user);
	await owner.getByLabel('Invitee role').selectOption(role);
	await owner.getByRole('button', { name: 'Create invite link' }).click();
	await owner.getByTestId(`member-${user}`).waitFor();
	return owner.getByLabel('Invite link').inputValue();
}

describe('collaboration in the browser', () => {
	it('refuses an unapproved production move, runs the review, moves the label, and detects audit tampering', async () => {
		const dataDir = inject('relayDataDir');
		const relay = inject('relayUrl');
		const workspace = `e2e-${Date.now().toString(36)}`;
		await enrollFromCli(dataDir, workspace, 'olga', 'owner');
		const ownerToken = await createToken({ dataDir, workspace, role: 'owner', user: 'olga' });
		const ownerLink = makeInviteLink(appUrl('/workspace'), { relay, workspace, token: ownerToken });

		// The owner joins and invites an editor and a reviewer through the page.
		const owner = await joinWith('olga', ownerLink, 'owner');
		const edLink = await invite(owner, 'ed', 'editor');
		const ritaLink = await invite(owner, 'rita', 'reviewer');
		expect(edLink).toContain('#invite=');

		// The editor writes and commits a prompt.
		const ed = await joinWith('ed', edLink, 'editor');
		await createTextPrompt(ed, 'checkout-greeting', 'Welcome back, {{ name }}!');
		await commitPrompt(ed, 'First greeting');
		await expect.poll(() => ed.getByTestId('head-id').textContent()).toMatch(/^[0-9a-f]{8}$/);

		// Moving production without an approved review is refused with a clear message.
		await ed.getByRole('link', { name: 'History' }).click();
		await ed.getByTestId('history-graph').waitFor();
		const historyUrl = ed.url();
		await ed
			.locator('li[data-message="First greeting"]')
			.getByRole('button', { name: 'Label' })
			.click();
		await ed.getByRole('dialog').getByRole('button', { name: 'Set label' }).click();
		await toast(ed, 'alert', /"production" is a protected label: moving it needs a review/);
		expect(await ed.locator('[data-label="production"]').count()).toBe(0);

		// The editor requests a review.
		await ed.getByRole('link', { name: /Workspace/ }).click();
		await ed.getByLabel('Prompt to review').selectOption({ label: 'checkout-greeting' });
		await expect.poll(() => ed.getByLabel('Version').inputValue()).toMatch(/^[0-9a-f]{64}$/);
		await ed.getByRole('button', { name: 'Request review' }).click();
		await toast(ed, 'status', 'Review requested');
		await expect.poll(() => ed.getByTestId('review').getAttribute('data-status')).toBe('pending');
		// The requester cannot approve their own request.
		expect(await ed.getByRole('button', { name: 'Approve' }).count()).toBe(0);

		// The reviewer approves it with a comment.
		const rita = await joinWith('rita', ritaLink, 'reviewer');
		await rita.getByTestId('review').waitFor();
		await rita.getByLabel('Review comment').fill('Reads well, ship it');
		await rita.getByRole('button', { name: 'Approve' }).click();
		await expect
			.poll(() => rita.getByTestId('review').getAttribute('data-status'))
			.toBe('approved');
		if (SCREENSHOTS)
			await rita.screenshot({ path: `${SCREENSHOTS}/workspace-reviewer.png`, fullPage: true });

		// Back on the editor's device the approved move is applied and production points at it.
		await ed.reload();
		await toast(ed, 'status', 'Approved label move applied: production');
		await expect.poll(() => ed.getByTestId('review').getAttribute('data-status')).toBe('applied');
		await ed.goto(historyUrl);
		await ed.getByTestId('history-graph').waitFor();
		await expect
			.poll(() => ed.locator('[data-label="production"]').count(), { timeout: 10000 })
			.toBeGreaterThan(0);

		// Audit: verified OK, then a stored record is tampered with and Verify pinpoints it.
		await ed.getByRole('link', { name: /Workspace/ }).click();
		await expect
			.poll(() => ed.getByTestId('audit-result').textContent())
			.toMatch(/OK — all \d+ entries verified/);
		const actions = await ed.getByTestId('audit-row').locator('td:nth-child(4)').allTextContents();
		expect(actions).toEqual(
			expect.arrayContaining(['prompt.create', 'commit', 'review.request', 'label.move'])
		);
		if (SCREENSHOTS)
			await ed.screenshot({ path: `${SCREENSHOTS}/workspace-editor.png`, fullPage: true });
		await ed.evaluate(
			() =>
				new Promise<void>((resolve, reject) => {
					const open = indexedDB.open('promptloom');
					open.onerror = () => reject(open.error);
					open.onsuccess = () => {
						const tx = open.result.transaction('audit', 'readwrite');
						const store = tx.objectStore('audit');
						const get = store.get(2);
						get.onsuccess = () => {
							const entry = get.result as { actor: string };
							store.put({ ...entry, actor: entry.actor.replace(/^./, 'E') });
						};
						tx.oncomplete = () => {
							open.result.close();
							resolve();
						};
						tx.onerror = () => reject(tx.error);
					};
				})
		);
		await ed.getByRole('button', { name: 'Verify' }).click();
		await expect
			.poll(() => ed.getByTestId('audit-result').textContent())
			.toMatch(/Tampering detected at entry #2 \(seq 2\): content changed \(hash mismatch\)/);
		expect(await ed.locator('tr.broken').getAttribute('data-seq')).toBe('2');
		if (SCREENSHOTS)
			await ed.screenshot({ path: `${SCREENSHOTS}/workspace-tampered.png`, fullPage: true });

		for (const p of [owner, ed, rita]) expect(pageErrors(p)).toEqual([]);
	}, 120_000);
});
