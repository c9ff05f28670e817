import { describe, expect, it } from 'vitest';
import type { ModelCall, ModelCallRequest } from '../types';
import { runAssertion } from './assert';
import { buildJudgeMessages, parseJudgeReply } from './llm-rubric';

function judge(reply: string, seen: ModelCallRequest[] = []): ModelCall {
	return async (req) => {
		seen.push(req);
		return {
			text: reply,
			usage: { inputTokens: 120, outputTokens: 30 },
			latencyMs: 5,
			costUsd: 0.0004
		};
	};
}

describe('llm-rubric', () => {
	it('asks the judge with the rubric and output and counts its cost apart', async () => {
		const seen: ModelCallRequest[] = [];
		const r = await runAssertion(
			{ type: 'llm-rubric', value: 'is polite', provider: 'openai:chat:gpt-4o-mini' },
			{
				output: 'Thank you!',
				vars: {},
				callModel: judge('{"pass": true, "score": 0.9, "reason": "polite"}', seen)
			}
		);
		expect(r).toMatchObject({
			pass: true,
			score: 0.9,
			reason: 'polite',
			costUsd: 0.0004,
			tokensIn: 120,
			tokensOut: 30
		});
		expect(seen[0]).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini' });
		expect(seen[0].messages[1].content).toContain('is polite');
		expect(seen[0].messages[1].content).toContain('Thank you!');
	});

	it('fails when the judge says fail or the score is under the threshold', async () => {
		const base = { output: 'x', vars: {}, judge: { provider: 'openai', model: 'm' } };
		const fail = await runAssertion(
			{ type: 'llm-rubric', value: 'r' },
			{ ...base, callModel: judge('Sure. {"pass": false, "score": 0.1, "reason": "rude"}') }
		);
		expect(fail).toMatchObject({ pass: false, score: 0.1, reason: 'rude' });
		const low = await runAssertion(
			{ type: 'llm-rubric', value: 'r', threshold: 0.8 },
			{ ...base, callModel: judge('{"pass": true, "score": 0.6}') }
		);
		expect(low.pass).toBe(false);
	});

	it('uses an edited rubric prompt with variables', () => {
		const msgs = buildJudgeMessages(
			{
				type: 'llm-rubric',
				value: 'mentions the city',
				rubricPrompt: 'Grade {{ output }} for {{vars.city}}: {{rubric}}'
			},
			{ output: 'It is sunny', vars: { city: 'Oslo' } }
		);
		expect(msgs).toEqual([
			{ role: 'user', content: 'Grade It is sunny for Oslo: mentions the city' }
		]);
	});

	it('fails with the reason when the judge reply has no verdict JSON', async () => {
		const r = await runAssertion(
			{ type: 'llm-rubric', value: 'r', provider: 'openai:m' },
			{ output: 'x', vars: {}, callModel: judge('I think it is fine') }
		);
		expect(r.pass).toBe(false);
		expect(r.reason).toMatch(/no \{"pass", "score", "reason"\} JSON/);
		expect(r.costUsd).toBe(0.0004);
	});

	it('is skipped without a judge model', async () => {
		const r = await runAssertion({ type: 'llm-rubric', value: 'r' }, { output: 'x', vars: {} });
		expect(r.skipped).toBe(true);
	});

	it('parses verdicts inside code fences and with string scores', () => {
		expect(parseJudgeReply('```json\n{"reason":"ok","score":"0.7"}\n```')).toEqual({
			pass: true,
			score: 0.7,
			reason: 'ok'
		});
	});
});
