import { describe, expect, inject, it } from 'vitest';
import { addProvider, contextPerTest, createTextPrompt, pageErrors } from './browser';

const app = contextPerTest();

const SECRET = 'sk-e2e-super-secret-key';

describe('the playground in the browser', () => {
	it('configures providers, renders with a trace, and runs two models side by side', async () => {
		const llmUrl = inject('llmUrl');
		const page = await app.open('/settings');
		const cspViolations: string[] = [];
		page.on('console', (m) => {
			if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
		});
		await addProvider(page, {
			kind: 'OpenAI-compatible server',
			name: 'Mock OpenAI',
			id: 'mock',
			baseUrl: `${llmUrl}/v1`,
			models: 'gpt-4o-mini',
			key: SECRET
		});
		await addProvider(page, {
			kind: 'Anthropic',
			name: 'Mock Claude',
			id: 'claude',
			baseUrl: llmUrl,
			models: 'claude-3-5-haiku-latest',
			key: 'sk-ant-e2e'
		});
		await expect
			.poll(() => page.locator('[data-provider="mock"]').textContent())
			.toContain('device key');
		expect(await page.content()).not.toContain(SECRET);

		await createTextPrompt(
			page,
			'greeter',
			'reply with exactly: Hello {{ name | upper }} from {{ city }}'
		);
		await page.getByRole('link', { name: /Open in playground/ }).click();
		await page.getByRole('group', { name: 'Variables' }).waitFor();
		expect(new URL(page.url()).pathname).toBe('/playground');

		// The generated form: both variables, required.
		await page.locator('#var-name').fill('ada');
		await page.locator('#var-city').fill('Paris');
		await page.getByRole('button', { name: 'Render preview' }).click();
		const preview = page.getByTestId('render-preview');
		await expect
			.poll(() => preview.locator('pre').first().textContent())
			.toBe('reply with exactly: Hello ADA from Paris');
		await expect.poll(() => page.getByTestId('render-trace').textContent()).toContain('upper');

		await page.getByLabel('Model 1').fill('mock:gpt-4o-mini');
		await page.getByLabel('Model 2').fill('claude:claude-3-5-haiku-latest');
		await page.getByRole('button', { name: 'Run', exact: true }).click();
		const columns = page.getByTestId('model-column');
		await expect.poll(() => columns.count()).toBe(2);
		for (const i of [0, 1]) {
			const col = columns.nth(i);
			await expect.poll(() => col.getAttribute('data-state')).toBe('done');
			expect(await col.getByTestId('column-output').textContent()).toBe('Hello ADA from Paris');
			const stats = await col.getByTestId('column-stats').textContent();
			expect(stats).toMatch(/\d+ in \/ \d+ out/);
			expect(stats).toMatch(/\$0\.\d+/);
			expect(stats).toMatch(/\d+ ms/);
		}
		// The run is in the prompt's history.
		await expect.poll(() => page.getByTestId('run-history').locator('li').count()).toBe(1);

		// Conversation mode: the next turn goes to each model with the history fed back.
		await page.getByLabel('Model 1').fill('mock:echo-model');
		await page.getByLabel('Model 2').fill('mock:unknown-model-z');
		await page.getByRole('button', { name: 'Run', exact: true }).click();
		await expect.poll(() => columns.nth(1).getAttribute('data-state')).toBe('error');
		expect(await columns.nth(1).getByTestId('column-error').textContent()).toMatch(
			/does not know model "unknown-model-z"/
		);
		await expect.poll(() => columns.nth(0).getAttribute('data-state')).toBe('done');
		await page.getByLabel('Next user message').fill('and then?');
		await page.getByRole('button', { name: 'Send turn 2' }).click();
		await expect.poll(() => columns.count()).toBe(1);
		await expect.poll(() => columns.nth(0).getAttribute('data-state')).toBe('done');
		expect(await columns.nth(0).getByTestId('column-output').textContent()).toBe('and then?');
		await expect.poll(() => page.getByTestId('run-history').locator('li').count()).toBe(3);

		expect(cspViolations).toEqual([]);
		expect(await page.content()).not.toContain(SECRET);
		expect(pageErrors(page)).toEqual([]);
	});

	it('shows syntax errors with line and column, and stops a runaway loop without freezing', async () => {
		const page = await app.open();
		await createTextPrompt(page, 'broken', 'Hi {{ name + }}');
		await page.getByRole('link', { name: /Open in playground/ }).click();
		const syntax = page.getByTestId('syntax-error');
		await expect.poll(() => syntax.textContent()).toMatch(/line 1, column \d+/);

		await createTextPrompt(
			page,
			'runaway',
			'{% for i in range(10000) %}{% for j in range(10000) %}x{% endfor %}{% endfor %}'
		);
		await page.getByRole('link', { name: /Open in playground/ }).click();
		await page.getByRole('group', { name: 'Variables' }).waitFor();
		await page.getByRole('button', { name: 'Render preview' }).click();
		// The page keeps answering while the worker grinds: typing works at once.
		await page.getByLabel('Max tokens').fill('123');
		expect(await page.getByLabel('Max tokens').inputValue()).toBe('123');
		await expect
			.poll(() => page.getByTestId('render-error').textContent(), { timeout: 15000 })
			.toMatch(/render limit exceeded/);
		// And the renderer works again afterwards.
		await page.getByLabel('Prompt').selectOption({ label: 'broken' });
		await expect.poll(() => syntax.textContent()).toMatch(/line 1, column/);
		expect(pageErrors(page)).toEqual([]);
	});
});
