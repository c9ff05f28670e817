import { describe, expect, it } from 'vitest';
import { inProcessRenderer } from '../run/in-process-renderer';
import type { EvalVariant } from './plan';
import { renderCaseFor } from './render-case';

const variant: EvalVariant = {
	id: 'v1',
	promptId: 'p1',
	promptName: 'friendly',
	label: 'friendly@v1',
	source: {
		type: 'text',
		content: '{{ fewshot("tone", input_label="Q", output_label="A") }}\nQ: {{ q }}',
		messages: [],
		templateOptions: { trimBlocks: false, lstripBlocks: false }
	}
};

describe('evaluation renders with few-shot sets', () => {
	it('inserts the set into each case and reads the sets once', async () => {
		let reads = 0;
		const render = renderCaseFor([variant], inProcessRenderer(), async () => {
			reads++;
			return [{ name: 'tone', examples: [{ input: 'hi', output: 'Hello!' }] }];
		});
		expect(await render('v1', { q: 'one' })).toEqual([
			{ role: 'user', content: 'Q: hi\nA: Hello!\nQ: one' }
		]);
		expect(await render('v1', { q: 'two' })).toEqual([
			{ role: 'user', content: 'Q: hi\nA: Hello!\nQ: two' }
		]);
		expect(reads).toBe(1);
	});

	it('reports the unknown set when no sets are given', async () => {
		const render = renderCaseFor([variant], inProcessRenderer());
		await expect(render('v1', { q: 'x' })).rejects.toThrow(/few-shot set "tone" not found/);
	});
});
