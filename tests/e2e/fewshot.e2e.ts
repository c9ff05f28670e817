import { describe, expect, it } from 'vitest';
import { contextPerTest, createTextPrompt, pageErrors } from './browser';

const app = contextPerTest();

describe('few-shot sets in the browser', () => {
	it('creates a set and inserts it into a playground render with fewshot("tone")', async () => {
		const page = await app.open();
		await page.getByRole('link', { name: /Few-shot sets/ }).click();
		await page.getByLabel('New set name').fill('tone');
		await page.getByRole('button', { name: '+ New set' }).click();
		await page.getByLabel('Input 1').fill('hi');
		await page.getByLabel('Output 1').fill('Hello there, friend!');
		await page.getByRole('button', { name: '+ Add example' }).click();
		await page.getByLabel('Input 2').fill('bye');
		await page.getByLabel('Output 2').fill('Farewell, friend!');
		await page.getByRole('button', { name: 'Save set' }).click();
		await expect
			.poll(() => page.locator('[data-set="tone"]').textContent())
			.toContain('2 examples');

		await createTextPrompt(page, 'friendly', '{{ fewshot("tone") }}\nInput: {{ q }}');
		await page.getByRole('link', { name: /Open in playground/ }).click();
		await page.getByRole('group', { name: 'Variables' }).waitFor();
		await page.locator('#var-q').fill('thanks');
		await page.getByRole('button', { name: 'Render preview' }).click();
		await expect
			.poll(() => page.getByTestId('render-preview').locator('pre').first().textContent())
			.toBe(
				'Input: hi\nOutput: Hello there, friend!\n\nInput: bye\nOutput: Farewell, friend!\nInput: thanks'
			);
		expect(pageErrors(page)).toEqual([]);
	});
});
