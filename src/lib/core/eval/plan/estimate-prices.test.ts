import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestCore } from '../../../../../tests/support/core';
import { startMockLlm, type MockLlmServer } from '../../../../../tests/support/mock-llm/server';
import type { AppCore } from '../../app-core';
import { parseDatasetFile } from '../dataset/parse';
import { DEFAULT_PRICES, type PriceTable } from '../../providers/prices';
import type { EvalPlan } from './plan';

let core: AppCore;
let llm: MockLlmServer;
beforeAll(async () => {
	llm = await startMockLlm({ port: 0 });
});
afterAll(() => llm.close());
beforeEach(async () => {
	core = await openTestCore();
});
afterEach(async () => {
	await core.evals.dispose();
	core.close();
});

const dataset = parseDatasetFile('city\nParis\nRome\nOslo\n', 'csv', { id: 'd', name: 'd' });

/** The shipped table with `gpt-4o-mini` at new prices (USD per 1M tokens). */
function withMiniPrice(inputPer1M: number, outputPer1M: number): PriceTable {
	const table = structuredClone(DEFAULT_PRICES);
	const row = table.entries.find((e) => e.model === 'gpt-4o-mini')!;
	row.inputPer1M = inputPer1M;
	row.outputPer1M = outputPer1M;
	return table;
}

async function plan(spec: string): Promise<EvalPlan> {
	const p = await core.library.createPrompt({
		name: 'greet',
		content: 'reply with exactly: Hi {{ city }}'
	});
	return {
		name: 'prices',
		variants: [await core.evals.variant(p.id, null)],
		dataset,
		models: [{ spec }],
		assertions: []
	};
}

describe('evaluation costs use the price table as edited in Settings', () => {
	it('the estimate follows an edited price, and the shipped one again after a reset', async () => {
		const pl = await plan('openai:gpt-4o-mini');
		const shipped = await core.evals.estimate(pl);
		const { inputTokens, outputTokens } = shipped;
		expect(shipped.totalUsd).toBeCloseTo((inputTokens * 0.15 + outputTokens * 0.6) / 1e6, 12);

		await core.providers.setPrices(withMiniPrice(100, 1000));
		const edited = await core.evals.estimate(pl);
		expect(edited.inputTokens).toBe(inputTokens);
		expect(edited.totalUsd).toBeCloseTo((inputTokens * 100 + outputTokens * 1000) / 1e6, 12);
		expect(edited.byModel[0].usd).toBe(edited.totalUsd);

		await core.providers.resetPrices();
		expect((await core.evals.estimate(pl)).totalUsd).toBe(shipped.totalUsd);
	});

	it('prices a model the user added to the table, which the shipped table leaves unpriced', async () => {
		const pl = await plan('openai:house-model-7');
		expect((await core.evals.estimate(pl)).unpriced).toEqual(['openai:house-model-7']);
		const table = structuredClone(DEFAULT_PRICES);
		table.entries.push({ model: 'house-model-7', inputPer1M: 2, outputPer1M: 4 });
		await core.providers.setPrices(table);
		const est = await core.evals.estimate(pl);
		expect(est.unpriced).toEqual([]);
		expect(est.totalUsd).toBeCloseTo((est.inputTokens * 2 + est.outputTokens * 4) / 1e6, 12);
	});

	it('the live cost of a run is charged at the edited prices', async () => {
		await core.providers.add(
			{ id: 'mock', name: 'Mock OpenAI', kind: 'openai-compatible', baseUrl: `${llm.url}/v1` },
			{ apiKey: 'sk-good-key' }
		);
		await core.providers.setPrices(withMiniPrice(100, 1000));
		const id = await core.evals.start(await plan('mock:gpt-4o-mini'));
		const run = await core.evals.whenDone(id);
		expect(run.status).toBe('completed');
		const results = await core.evals.results(id);
		expect(results).toHaveLength(3);
		for (const r of results)
			expect(r.costUsd).toBeCloseTo((r.tokensIn * 100 + r.tokensOut * 1000) / 1e6, 12);
		const total = results.reduce((s, r) => s + (r.costUsd ?? 0), 0);
		expect((await core.evals.getRun(id)).progress.costUsd).toBeCloseTo(total, 12);
	});
});
