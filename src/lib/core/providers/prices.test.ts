import { describe, expect, it } from 'vitest';
import {
	DEFAULT_PRICES,
	costBreakdown,
	costOf,
	estimateCost,
	findPrice,
	type PriceTable
} from './prices';
import { countChatTokens, countTokens, loadTokenizer } from './tokens';

describe('findPrice', () => {
	it('matches exact ids, aliases, vendor paths and provider prefixes', () => {
		expect(findPrice('gpt-4o-mini')).toMatchObject({ match: 'exact', entry: { inputPer1M: 0.15 } });
		expect(findPrice('openai:chat:gpt-4o-mini')?.entry.model).toBe('gpt-4o-mini');
		expect(findPrice('anthropic/claude-3.5-sonnet')).toMatchObject({
			match: 'alias',
			entry: { model: 'claude-3-5-sonnet' }
		});
		expect(findPrice('models/gemini-2.0-flash')?.entry.model).toBe('gemini-2.0-flash');
	});

	it('prefers the longest prefix for dated variants', () => {
		expect(findPrice('gpt-4o-mini-2024-07-18')).toMatchObject({
			match: 'prefix',
			entry: { model: 'gpt-4o-mini' }
		});
		expect(findPrice('gpt-4o-2024-08-06')?.entry.model).toBe('gpt-4o');
		expect(findPrice('claude-3-5-haiku-latest')?.entry.model).toBe('claude-3-5-haiku');
		expect(findPrice('gemini-2.5-flash-lite-preview')?.entry.model).toBe('gemini-2.5-flash-lite');
	});

	it('does not match a prefix that is not at a word boundary', () => {
		expect(findPrice('gpt-4oxyz')).toBeNull();
		expect(findPrice('o3x')).toBeNull();
	});

	it('returns null for unknown models', () => {
		expect(findPrice('my-finetune')).toBeNull();
	});
});

describe('costOf', () => {
	it('prices input and output tokens per million', () => {
		const usage = { inputTokens: 1_000_000, outputTokens: 500_000 };
		expect(costOf(usage, 'gpt-4o-mini')).toBeCloseTo(0.15 + 0.3, 10);
	});

	it('gives null and priced=false for an unknown model, 0 for local Ollama models', () => {
		expect(costBreakdown({ inputTokens: 10, outputTokens: 10 }, 'my-finetune')).toMatchObject({
			costUsd: null,
			priced: false,
			asOf: DEFAULT_PRICES.asOf
		});
		expect(costOf({ inputTokens: 10, outputTokens: 10 }, 'llama3', { provider: 'ollama' })).toBe(0);
	});

	it('uses a user-edited table', () => {
		const table: PriceTable = {
			asOf: '2030-01-01',
			currency: 'USD',
			entries: [{ model: 'house-model', inputPer1M: 2, outputPer1M: 4 }]
		};
		expect(costOf({ inputTokens: 500_000, outputTokens: 250_000 }, 'house-model', { table })).toBe(
			2
		);
		expect(costOf({ inputTokens: 1, outputTokens: 1 }, 'gpt-4o', { table })).toBeNull();
	});
});

describe('estimateCost', () => {
	it('counts input tokens with the tokenizer and assumes maxTokens output', async () => {
		const messages = [
			{ role: 'system' as const, content: 'You are terse.' },
			{ role: 'user' as const, content: 'Summarize the plot of Hamlet.' }
		];
		const est = await estimateCost({ model: 'gpt-4o', messages, maxTokens: 100 });
		expect(est.inputTokens).toBe(countChatTokens(messages));
		expect(est.inputTokens).toBe(
			3 +
				2 * 3 +
				countTokens('system') +
				countTokens('user') +
				countTokens('You are terse.') +
				countTokens('Summarize the plot of Hamlet.')
		);
		expect(est.outputTokens).toBe(100);
		expect(est.costUsd).toBeCloseTo((est.inputTokens * 2.5 + 100 * 10) / 1e6, 12);
	});

	it('counts special-token text as plain text instead of throwing', async () => {
		await loadTokenizer();
		expect(countTokens('<|endoftext|>')).toBeGreaterThan(1);
	});
});
