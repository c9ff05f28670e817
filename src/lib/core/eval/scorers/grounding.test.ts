import { describe, expect, it } from 'vitest';
import type { ModelCall } from '../types';
import { runAssertion } from './assert';
import { claimsOf, contentWords, faithfulness } from './grounding';

const CONTEXT =
	'Order 4471 was shipped on 3 March by DHL. The customer paid 59.90 EUR by card. Returns are accepted within 30 days.';

describe('context-faithfulness', () => {
	it('scores the share of statements the context supports (numbers must match)', () => {
		expect(faithfulness('Order 4471 was shipped by DHL on 3 March.', CONTEXT)).toEqual({
			score: 1,
			unsupported: []
		});
		const f = faithfulness(
			'Order 4471 was shipped by DHL. Returns are accepted within 60 days. The parcel contains a free gift voucher.',
			CONTEXT
		);
		expect(f.score).toBeCloseTo(1 / 3);
		expect(f.unsupported).toEqual([
			'Returns are accepted within 60 days.',
			'The parcel contains a free gift voucher.'
		]);
	});

	it('runs as an assertion with the context from a variable or the value', async () => {
		const ok = await runAssertion(
			{ type: 'context-faithfulness' },
			{ output: 'The customer paid 59.90 EUR by card.', vars: { context: CONTEXT } }
		);
		expect(ok).toMatchObject({ pass: true, score: 1 });
		const bad = await runAssertion(
			{ type: 'context-faithfulness', value: CONTEXT, threshold: 0.9 },
			{ output: 'It shipped with UPS yesterday. Refunds take 90 days.', vars: {} }
		);
		expect(bad.pass).toBe(false);
		expect(bad.reason).toMatch(/2 statement\(s\) not supported by the context/);
		const missing = await runAssertion({ type: 'context-faithfulness' }, { output: 'x', vars: {} });
		expect(missing).toMatchObject({
			pass: false,
			reason: expect.stringMatching(/needs the context/)
		});
	});

	it('asks an LLM judge when the assertion names a provider', async () => {
		let asked = '';
		const judge: ModelCall = async (req) => {
			asked = req.messages.map((m) => m.content).join('\n');
			return {
				text: '{"pass": false, "score": 0.5, "reason": "the refund period is not in the context"}',
				usage: { inputTokens: 90, outputTokens: 20 },
				latencyMs: 3,
				costUsd: 0.0002
			};
		};
		const r = await runAssertion(
			{ type: 'context-faithfulness', provider: 'openai:chat:gpt-4o-mini' },
			{ output: 'Refunds take 90 days.', vars: { context: CONTEXT }, callModel: judge }
		);
		expect(r).toMatchObject({ pass: false, score: 0.5, costUsd: 0.0002 });
		expect(r.reason).toBe('judge: the refund period is not in the context');
		expect(asked).toContain('<Context>\nOrder 4471');
		expect(asked).toContain('<Answer>\nRefunds take 90 days.');
	});
});

describe('answer-relevance', () => {
	it('measures how much of the question the answer addresses (lexical without embeddings)', async () => {
		const good = await runAssertion(
			{ type: 'answer-relevance' },
			{
				output: 'Returns are accepted within 30 days of delivery.',
				vars: { question: 'How many days do I have for returns?' }
			}
		);
		expect(good.pass).toBe(true);
		const off = await runAssertion(
			{ type: 'answer-relevance' },
			{
				output: 'Our shop opens at nine.',
				vars: { question: 'How many days do I have for returns?' }
			}
		);
		expect(off).toMatchObject({ pass: false, score: 0 });
	});

	it('uses embeddings when a model is loaded, and the prompt when no question is given', async () => {
		const embed = async (texts: string[]) =>
			texts.map((t) => (t.includes('return') ? [1, 0] : [0.6, 0.8]));
		const r = await runAssertion(
			{ type: 'answer-relevance', threshold: 0.9 },
			{
				output: 'You can return it.',
				vars: {},
				messages: [{ role: 'user', content: 'Can I return a gift?' }],
				embed
			}
		);
		expect(r).toMatchObject({ pass: true, score: 1 });
		expect(r.reason).toMatch(/embedding similarity/);
	});

	it('tokenises content words and statements', () => {
		expect(contentWords('The parcels were shipped on 3 March')).toEqual([
			'parcel',
			'shipp',
			'3',
			'march'
		]);
		expect(claimsOf('Yes. It shipped on Monday!\nRefund: none')).toEqual([
			'It shipped on Monday!',
			'Refund: none'
		]);
	});
});
