import { describe, expect, it } from 'vitest';
import { estimateCasesCost, estimateRunCost } from './estimate';
import { expandCases } from './cases';

const countTokens = (messages: { content: string }[]) =>
	messages.reduce((n, m) => n + m.content.split(' ').length, 0);
const priceOf = (_p: string, model: string) =>
	model === 'cheap' ? { inputPerMTokUsd: 1, outputPerMTokUsd: 2 } : null;

describe('estimateRunCost', () => {
	it('multiplies counted input and assumed output tokens by the prices', () => {
		const msg = [{ role: 'user', content: 'one two three four' }];
		const est = estimateRunCost(
			[
				{ provider: 'openai', model: 'cheap', messages: msg },
				{ provider: 'openai', model: 'cheap', messages: msg, params: { max_tokens: 50 } },
				{ provider: 'ollama', model: 'local', messages: msg }
			],
			{ countTokens, priceOf, assumedOutputTokens: 100 }
		);
		expect(est.calls).toBe(3);
		expect(est.byModel[0]).toMatchObject({ calls: 2, inputTokens: 8, outputTokens: 150 });
		expect(est.totalUsd).toBeCloseTo((8 * 1 + 150 * 2) / 1e6, 12);
		expect(est.unpriced).toEqual(['ollama:local']);
		expect(est.assumption).toMatch(/assumes 100 output tokens per call/);
		expect(est.assumption).toMatch(/no price known for ollama:local/);
	});

	it('renders each version × row once for the estimate', async () => {
		let renders = 0;
		const cases = expandCases({
			versionIds: ['v1'],
			rows: [{ id: 'a', vars: { x: 'hi there' } }],
			models: [
				{ provider: 'openai', model: 'cheap' },
				{ provider: 'openai', model: 'other' }
			]
		});
		const est = await estimateCasesCost(
			cases,
			async (_v, vars) => {
				renders++;
				return [{ role: 'user', content: String(vars.x) }];
			},
			{ countTokens, priceOf, assumedOutputTokens: 10 }
		);
		expect(renders).toBe(1);
		expect(est.inputTokens).toBe(4);
		expect(est.renderErrors).toBe(0);
	});
});
