import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestCore } from '../../../../../tests/support/core';
import type { AppCore } from '../../app-core';
import { parseDatasetFile } from '../dataset/parse';
import { planCases, validatePlan, type EvalPlan } from './plan';

let core: AppCore;
beforeEach(async () => {
	core = await openTestCore();
});
afterEach(() => core.close());

const dataset = parseDatasetFile('city,expected\nParis,P\nRome,R\n', 'csv', { id: 'd', name: 'd' });

describe('evaluation plans', () => {
	it('freezes a working copy with a content id, and versions by their own id', async () => {
		const p = await core.library.createPrompt({ name: 'greet', content: 'Hi {{ city }}' });
		const wc1 = await core.evals.variant(p.id, null);
		expect(wc1.id).toMatch(/^wc-[0-9a-f]{16}$/);
		expect((await core.evals.variant(p.id, null)).id).toBe(wc1.id);
		expect(await core.evals.variantChoices(p.id)).toMatchObject([{ versionId: null }]);
		const v = await core.vcs.commit(p.id, 'first');
		const variant = await core.evals.variant(p.id, v.id);
		expect(variant).toMatchObject({ id: v.id, source: { type: 'text', content: 'Hi {{ city }}' } });
		await core.library.updatePrompt(p.id, { content: 'Hello {{ city }}' });
		expect((await core.evals.variant(p.id, null)).id).not.toBe(wc1.id);
	});

	it('resolves includes when the variant is frozen', async () => {
		await core.library.createPrompt({ name: 'style', content: 'Be brief.' });
		const p = await core.library.createPrompt({
			name: 'main',
			content: "{{ include('style') }} Hi {{ city }}"
		});
		const variant = await core.evals.variant(p.id, null);
		expect(Object.values(variant.includes ?? {})[0]).toMatchObject({ source: 'Be brief.' });
		const est = await core.evals.estimate({
			name: 'x',
			variants: [variant],
			dataset,
			models: [{ spec: 'openai:gpt-4o-mini' }],
			assertions: []
		});
		expect(est).toMatchObject({ calls: 2, renderErrors: 0, unpriced: [] });
	});

	it('expands variants × rows × models with the expected column', async () => {
		const p = await core.library.createPrompt({ name: 'g', content: '{{ city }}' });
		const plan: EvalPlan = {
			name: 'p',
			variants: [await core.evals.variant(p.id, null)],
			dataset,
			models: [
				{ spec: 'openai:gpt-4o-mini' },
				{ spec: 'anthropic:messages:claude-3-5-haiku-latest' }
			],
			assertions: [{ type: 'equals' }]
		};
		const cases = planCases(plan);
		expect(cases).toHaveLength(4);
		expect(cases[0]).toMatchObject({ vars: { city: 'Paris' }, expected: 'P' });
		expect(cases[1].model).toMatchObject({
			provider: 'anthropic',
			model: 'claude-3-5-haiku-latest'
		});
	});

	it('rejects plans with nothing to run or bad parts, naming the part', () => {
		const base: EvalPlan = {
			name: 'p',
			variants: [],
			dataset,
			models: [{ spec: 'openai:gpt-4o-mini' }],
			assertions: []
		};
		expect(() => validatePlan(base)).toThrow(/variants: pick at least one prompt version/);
		const v = {
			id: 'v',
			promptId: 'p',
			promptName: 'p',
			label: 'p',
			source: {
				type: 'text' as const,
				content: '',
				messages: [],
				templateOptions: { trimBlocks: false, lstripBlocks: false }
			}
		};
		expect(() => validatePlan({ ...base, variants: [v], models: [] })).toThrow(
			/pick at least one model/
		);
		expect(() =>
			validatePlan({ ...base, variants: [v], assertions: [{ type: 'regex', value: '(' }] })
		).toThrow(/assert\[0\]/);
		expect(() => validatePlan({ ...base, variants: [v], concurrency: 0 })).toThrow(/concurrency/);
	});
});
