/**
 * promptfoo import in Chromium: the config, a prompt file and tests.csv picked together; the
 * summary; prompts in the library, the dataset in /datasets, and /evals/new prefilled.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { contextPerTest, pageErrors } from './browser';

const SCREENSHOTS = process.env.PF_SCREENSHOTS;

const app = contextPerTest();

async function screenshot(page: Page, name: string) {
	if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}

const CONFIG = `description: Capital cities
prompts:
  - file://prompts/capital.txt
  - id: terse
    label: Terse
    raw: "{{country}}: capital, one word."
providers:
  - openai:chat:gpt-4o-mini
  - id: ollama:chat:llama3
    label: local llama
defaultTest:
  assert:
    - type: not-icontains
      value: sorry
tests: file://tests.csv
`;
const PROMPT = 'What is the capital of {{country}}? Answer with the city only.';
const TESTS =
	'country,__expected\nFrance,icontains: paris\nItaly,icontains: rome\nPeru,icontains: lima\n';

const upload = (name: string, text: string) => ({
	name,
	mimeType: 'text/plain',
	buffer: Buffer.from(text)
});

describe('promptfoo import in the browser', () => {
	it('names a missing file, then imports prompts, a dataset and a prefilled evaluation', async () => {
		const page = await app.open('/evals');
		const input = page.getByLabel('promptfoo config and its files');

		// Without tests.csv: a specific error, nothing to import.
		await input.setInputFiles([
			upload('promptfooconfig.yaml', CONFIG),
			upload('capital.txt', PROMPT)
		]);
		await expect
			.poll(() => page.getByRole('alert').textContent())
			.toMatch(/missing file tests\.csv/);
		await expect(page.getByTestId('promptfoo-summary').count()).resolves.toBe(0);

		await input.setInputFiles([
			upload('promptfooconfig.yaml', CONFIG),
			upload('capital.txt', PROMPT),
			upload('tests.csv', TESTS)
		]);
		const summary = page.getByTestId('promptfoo-summary');
		await summary.waitFor();
		const text = await summary.textContent();
		expect(text).toContain('2 prompts');
		expect(text).toContain('capital');
		expect(text).toContain('terse');
		expect(text).toContain('3 rows');
		expect(text).toContain('openai:gpt-4o-mini');
		expect(text).toContain('ollama:llama3');
		expect(text).toContain('configure openai in Settings');
		expect(await page.getByRole('alert').count()).toBe(0);
		await screenshot(page, 'pf-summary');

		await summary.getByRole('button', { name: 'Import and open the draft' }).click();
		await page.waitForURL(/\/evals\/new\?draft=1$/);
		await expect
			.poll(() => page.getByLabel('Evaluation name').inputValue())
			.toBe('promptfoo: Capital cities');
		await expect
			.poll(() => page.getByTestId('draft-source').textContent())
			.toContain('promptfooconfig.yaml');
		const selected = page.locator('section[aria-label="Prompt versions"] .tag');
		await expect
			.poll(() => selected.allTextContents())
			.toEqual(['capital (working copy)', 'terse (working copy)']);
		await expect
			.poll(async () => page.getByLabel('Dataset').locator('option:checked').textContent())
			.toBe('Capital cities (promptfoo tests) (3 rows)');
		expect(await page.getByLabel('Model 1', { exact: true }).inputValue()).toBe(
			'openai:gpt-4o-mini'
		);
		expect(await page.getByLabel('Model 2', { exact: true }).inputValue()).toBe('ollama:llama3');
		// Scorers: the shared `not-icontains sorry`, then `icontains` reading the expected column.
		expect(await page.getByLabel('Scorer 1', { exact: true }).inputValue()).toBe('icontains');
		expect(await page.getByLabel('Negate scorer 1').isChecked()).toBe(true);
		expect(await page.getByLabel('Value of scorer 1').inputValue()).toBe('sorry');
		expect(await page.getByLabel('Scorer 2', { exact: true }).inputValue()).toBe('icontains');
		expect(await page.getByLabel('Negate scorer 2').isChecked()).toBe(false);
		expect(await page.getByLabel('Value of scorer 2').inputValue()).toBe('');
		await screenshot(page, 'pf-new-eval');

		// The draft is a valid plan: the cost estimate covers 2 prompts × 3 rows × 2 models.
		await page.getByRole('button', { name: 'Estimate cost' }).click();
		await expect.poll(() => page.getByTestId('estimate').textContent()).toMatch(/^12 calls/);

		await page.locator('#sidebar').getByRole('link', { name: 'Datasets', exact: true }).click();
		const ds = page.locator('[data-dataset="Capital cities (promptfoo tests)"]');
		await ds.waitFor();
		expect(await ds.textContent()).toContain('3 rows · country, expected');

		await page.getByRole('link', { name: 'All prompts' }).click();
		await page.locator('[data-prompt="capital"]').waitFor();
		await page.locator('[data-prompt="terse"]').waitFor();
		expect(pageErrors(page)).toEqual([]);
	});

	it('lists skipped providers, ignored keys and run-only options as warnings before importing', async () => {
		const page = await app.open('/evals');
		await page.getByLabel('promptfoo config and its files').setInputFiles([
			upload(
				'promptfooconfig.yaml',
				`description: With warnings
prompts:
  - file://thread.json
  - "Say {{q}}"
providers:
  - azure:chat:my-deployment
  - openai:chat:gpt-4o-mini
sharing: true
evaluateOptions: { repeat: 3 }
tests:
  - vars: { q: hi, messages: [{ role: user, content: hi }] }
    options: { transform: output.trim() }
    assert: [{ type: icontains, value: hi }]
`
			),
			upload(
				'thread.json',
				'[{% for m in messages %}{"role": "{{ m.role }}", "content": {{ m.content | dump }}}{% endfor %}]'
			)
		]);
		const warnings = page.getByRole('list', { name: 'Import warnings' });
		await warnings.waitFor();
		const items = await warnings.getByRole('listitem').allTextContents();
		expect(items).toEqual(
			expect.arrayContaining([
				expect.stringMatching(
					/providers\[0\]: unsupported provider "azure:chat:my-deployment".*skipped/
				),
				expect.stringContaining("sharing only matters to promptfoo's own reports"),
				expect.stringContaining('is a chat template written as JSON: imported as a text prompt'),
				expect.stringContaining('options.transform of test 1 was not imported'),
				expect.stringContaining('evaluateOptions (repeat) apply to promptloom eval')
			])
		);
		expect(await page.getByRole('alert').count()).toBe(0);
		await screenshot(page, 'pf-warnings');
		for (const width of [1440, 390]) {
			await page.setViewportSize({ width, height: 900 });
			await screenshot(page, `pf-warnings-${width}`);
		}
		await page
			.getByTestId('promptfoo-summary')
			.getByRole('button', { name: 'Import and open the draft' })
			.click();
		await page.waitForURL(/\/evals\/new\?draft=1$/);
		expect(pageErrors(page)).toEqual([]);
	});
});
