import { readFile } from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';
import { addProvider, commitPrompt, contextPerTest, createTextPrompt, pageErrors } from './browser';

const app = contextPerTest();

const CARD = '4111 1111 1111 1111';
const KEY = 'ghp_Zx81Lm0qPw72ReTy5UiOpA9sDfGh3Jk4Lz6X';

describe('security in the browser', () => {
	it('redacts a card number and an API key before sending and restores them in the answer', async () => {
		const llmUrl = inject('llmUrl');
		const page = await app.open('/settings');
		const errors = pageErrors(page);
		await addProvider(page, {
			kind: 'OpenAI-compatible server',
			name: 'Mock OpenAI',
			id: 'mock',
			baseUrl: `${llmUrl}/v1`,
			models: 'echo-1',
			key: 'sk-e2e-security'
		});
		// Settings → Security policy: personal data is redacted too (secrets are by default).
		await page.getByLabel('Personal data (PII)').selectOption('redact');
		await expect.poll(() => page.getByText('Security policy saved').count()).toBeGreaterThan(0);
		await page.reload();
		await expect.poll(() => page.getByLabel('Personal data (PII)').inputValue()).toBe('redact');

		await createTextPrompt(page, 'billing-helper', 'Repeat after me: {{ note }}');
		await page.getByRole('link', { name: /Open in playground/ }).click();
		await page.getByRole('group', { name: 'Variables' }).waitFor();
		await page.locator('#var-note').fill(`card ${CARD} and key ${KEY}`);
		await page.getByRole('button', { name: 'Render preview' }).click();

		// Before anything is sent, the page shows what the model will receive.
		const outbound = page.getByTestId('outbound-preview');
		await expect
			.poll(() => outbound.getByTestId('redactions').textContent())
			.toMatch(
				/<CREDIT_CARD_1>\s*←\s*pii\s+CREDIT_CARD[\s\S]*<GITHUB_TOKEN_1>\s*←\s*secret\s+GITHUB_TOKEN/
			);
		await outbound.getByText('What the model receives').click();
		expect(await outbound.getByTestId('sent-message').textContent()).toBe(
			'Repeat after me: card <CREDIT_CARD_1> and key <GITHUB_TOKEN_1>'
		);

		await page.getByLabel('Model 1').fill('mock:echo-1');
		await page.getByRole('button', { name: 'Run', exact: true }).click();
		const column = page.getByTestId('model-column').first();
		await expect.poll(() => column.getAttribute('data-state')).toBe('done');
		// The echo model repeated the placeholders; the answer shows the real values.
		expect(await column.getByTestId('column-output').textContent()).toBe(
			`Repeat after me: card ${CARD} and key ${KEY}`
		);
		expect(await column.getByTestId('column-security').textContent()).toMatch(
			/2 values redacted before\s+sending, restored in the answer/
		);

		// The model server never received either value.
		const requests = (await (await fetch(`${llmUrl}/__mock/requests`)).json()) as {
			body: unknown;
		}[];
		const bodies = requests.map((r) => JSON.stringify(r.body)).join('\n');
		expect(bodies).toContain('card <CREDIT_CARD_1> and key <GITHUB_TOKEN_1>');
		expect(bodies).not.toContain(CARD);
		expect(bodies).not.toContain(KEY);
		expect(errors).toEqual([]);
	});

	it('marks a secret in the editor and lists it on the Scan library page', async () => {
		const page = await app.open('/');
		await createTextPrompt(page, 'leaky', `Call the API with ${KEY} please.`);
		// The scanner's finding is an error diagnostic over the key in the editor.
		await expect.poll(() => page.locator('.cm-lintRange-error').allTextContents()).toContain(KEY);

		// Production gate: the version with the key needs an owner's waiver, which is audit-logged.
		await commitPrompt(page, 'with a key');
		await page.getByRole('link', { name: 'History' }).click();
		await page.getByTestId('history-graph').waitFor();
		const version = page.locator('li[data-message="with a key"]');
		const asked: string[] = [];
		page.once('dialog', (d) => {
			asked.push(d.message());
			void d.accept('Demo key, already revoked');
		});
		await version.getByRole('button', { name: 'Label' }).click();
		await page.getByRole('dialog').getByRole('button', { name: 'Set label' }).click();
		await version.locator('[data-label="production"]').waitFor();
		expect(asked[0]).toMatch(/"production" cannot point at version .*secret GITHUB_TOKEN/);
		await page.locator('#sidebar').getByRole('link', { name: 'Workspace', exact: true }).click();
		await expect
			.poll(async () => (await page.locator('body').textContent()) ?? '')
			.toContain('security.waiver');

		await page.locator('#sidebar').getByRole('link', { name: 'Scan library', exact: true }).click();
		const result = page.locator('[data-testid="scan-results"] li[data-name="leaky"]');
		await expect.poll(() => result.count()).toBe(1);
		const finding = result.locator('[data-type="GITHUB_TOKEN"]');
		expect(await finding.textContent()).toMatch(/GITHUB_TOKEN\s*ghp_…/);
		// The key itself is not shown in full on the page.
		expect(await page.getByTestId('scan-results').textContent()).not.toContain(KEY);

		// The compliance report: where the findings are, never the values.
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('button', { name: 'Compliance report (JSON)' }).click()
		]);
		const report = JSON.parse(await readFile((await download.path())!, 'utf8'));
		expect(report.format).toBe('promptloom-compliance-report');
		expect(report.scan.byType.GITHUB_TOKEN).toBeGreaterThanOrEqual(1);
		expect(report.scan.items.some((i: { name: string }) => i.name === 'leaky')).toBe(true);
		expect(JSON.stringify(report)).not.toContain(KEY);
	});
});
