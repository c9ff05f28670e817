import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockLlm, type MockLlmServer } from '../../../../../tests/support/mock-llm/server';
import type { ModelCall } from '../../eval/types';
import { createProvider } from '../../providers/create';
import type { ChatRole } from '../../providers/types';
import { createNodeRenderer } from '../../template/renderer.node.ts';
import type { Renderer } from '../../template/renderer';
import { lintPrompt } from '../lint/lint-prompt';
import { parseRewrite } from './request';
import { suggestRewrites, type SuggestRewritesOptions } from './suggest';

let server: MockLlmServer;
let renderer: Renderer;
let callModel: ModelCall;

beforeAll(async () => {
	server = await startMockLlm();
	renderer = createNodeRenderer();
	const provider = createProvider({ kind: 'openai', baseUrl: `${server.url}/v1`, apiKey: 'test' });
	callModel = async (req) => {
		const res = await provider.chat(
			{
				model: req.model,
				messages: req.messages.map((m) => ({ role: m.role as ChatRole, content: m.content })),
				params: req.params
			},
			{ signal: req.signal }
		);
		return { text: res.text, usage: res.usage, latencyMs: res.latencyMs, costUsd: res.costUsd };
	};
});
afterAll(async () => {
	renderer.dispose();
	await server.close();
});

const base = (over: Partial<SuggestRewritesOptions>): SuggestRewritesOptions => ({
	prompt: { type: 'text', content: 'Describe the loom in one sentence.', messages: [] },
	findings: [],
	count: 6,
	writer: { provider: 'openai', model: 'gpt-4o-mini' },
	callModel,
	renderer,
	// The echo model answers with the rendered prompt, so the score measures the prompt's text.
	rows: [
		{ id: 'a', vars: {} },
		{ id: 'b', vars: {} }
	],
	assertions: [{ type: 'icontains', value: 'loom' }],
	models: [{ provider: 'openai', model: 'echo-1' }],
	runId: 'rw',
	...over
});

describe('suggestRewrites against the test LLM server', () => {
	it('keeps exactly the rewrites that score at least the original, with their cost', async () => {
		const prompt = base({}).prompt;
		const report = await suggestRewrites(base({ findings: lintPrompt(prompt) }));
		expect(report.baseline).toMatchObject({ meanScore: 1, passRate: 1, errors: 0 });
		expect(report.suggestions.length + report.rejected.length).toBe(6);
		// Both outcomes occur with these deterministic answers, so the filter is really exercised.
		expect(report.suggestions.length).toBeGreaterThan(0);
		expect(report.rejected.length).toBeGreaterThan(0);
		for (const s of report.suggestions) {
			expect(s.text.toLowerCase()).toContain('loom');
			expect(s).toMatchObject({ scoreDelta: 0, meanScore: 1, passRateDelta: 0 });
			expect(s.generationCostUsd).toBeGreaterThan(0);
			expect(s.costUsd).toBeCloseTo(s.generationCostUsd + s.evalCostUsd, 12);
		}
		for (const r of report.rejected) {
			expect(r.text.toLowerCase()).not.toContain('loom');
			expect(r.scoreDelta).toBe(-1);
			expect(r.reason).toMatch(/scored 0\.000 vs 1\.000/);
		}
		const generation = [...report.suggestions, ...report.rejected].reduce(
			(s, r) => s + r.generationCostUsd,
			0
		);
		expect(report.totalCostUsd).toBeCloseTo(generation, 12); // echo-1 has no price
		// Deterministic: the same request gives the same report.
		const again = await suggestRewrites(base({ findings: lintPrompt(prompt), runId: 'rw2' }));
		expect(again.suggestions.map((s) => s.text)).toEqual(report.suggestions.map((s) => s.text));
	});

	it('rejects rewrites that drop a variable before spending anything on evaluating them', async () => {
		const before = server.requests.length;
		const report = await suggestRewrites(
			base({
				prompt: {
					type: 'text',
					content: 'Describe <topic>{{ topic }}</topic> like a loom.',
					messages: []
				},
				rows: [{ id: 'a', vars: { topic: 'the loom' } }],
				count: 3
			})
		);
		expect(report.suggestions).toEqual([]);
		expect(report.rejected.map((r) => r.reason)).toEqual(
			Array(3).fill('it drops the variable(s) topic')
		);
		// 3 rewrite requests + 1 evaluation of the original on the one row.
		expect(server.requests.length - before).toBe(4);
		expect(report.baseline.meanScore).toBe(1);
	});

	it('validates its options', async () => {
		await expect(suggestRewrites(base({ count: 0 }))).rejects.toThrow(/count/);
		await expect(suggestRewrites(base({ rows: [] }))).rejects.toThrow(/no rows/);
	});
});

describe('parseRewrite', () => {
	const chat = {
		type: 'chat' as const,
		content: '',
		messages: [
			{ role: 'system' as const, content: 'Be kind.' },
			{ role: 'user' as const, content: '<q>{{ q }}</q>' }
		]
	};
	it('reads chat messages back from role headers and strips a code fence', () => {
		const r = parseRewrite(
			'```\n[system]\nYou are kind.\n\n[user]\n<question>{{ q }}</question>\n```',
			chat
		);
		expect(r).toEqual({
			ok: true,
			prompt: {
				...chat,
				messages: [
					{ role: 'system', content: 'You are kind.' },
					{ role: 'user', content: '<question>{{ q }}</question>' }
				]
			}
		});
	});
	it('rejects lost headers, new variables and broken templates', () => {
		expect(parseRewrite('Just text {{ q }}', chat)).toMatchObject({ ok: false, reason: /headers/ });
		expect(parseRewrite('[user]\n{{ q }} {{ extra }}', chat)).toMatchObject({
			ok: false,
			reason: /adds unknown variable\(s\) extra/
		});
		expect(parseRewrite('[user]\n{{ q ', chat)).toMatchObject({ ok: false, reason: /invalid/ });
	});
});
