import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestCore } from '../support/core';
import { createNodeRenderer } from '../../src/lib/core/template/renderer.node.ts';
import {
	appendAssistantReply,
	continueConversation,
	startConversation
} from '../../src/lib/core/template/index';
import type { AppCore } from '../../src/lib/core/app-core';
import type { Renderer } from '../../src/lib/core/template/renderer';
import { startMockLlm, type MockLlmServer } from '../support/mock-llm/server';

let llm: MockLlmServer;
let renderer: Renderer;
let core: AppCore;

beforeAll(async () => {
	llm = await startMockLlm({ port: 0 });
	renderer = createNodeRenderer();
});
afterAll(async () => {
	renderer.dispose();
	await llm.close();
});
beforeEach(async () => {
	llm.reset();
	core = await openTestCore();
	await core.providers.add(
		{ id: 'mock', name: 'Mock OpenAI', kind: 'openai-compatible', baseUrl: `${llm.url}/v1` },
		{ apiKey: 'sk-good-key' }
	);
	await core.providers.add(
		{ id: 'claude', name: 'Mock Anthropic', kind: 'anthropic', baseUrl: llm.url },
		{ apiKey: 'sk-ant-good' }
	);
});

describe('the playground renders a prompt and runs it side by side', () => {
	it('renders with includes and a trace, streams two models, and saves the run', async () => {
		await core.library.createPrompt({ name: 'house-style', content: 'Answer in {{ tone }}.' });
		const prompt = await core.library.createPrompt({
			name: 'greet',
			content: '{{ include("house-style") }} reply with exactly: Hi {{ user | upper }}'
		});
		const loaded = await core.playground.load(prompt.id);
		const rendered = await core.playground.render(
			{ ...loaded, variables: { user: 'ada', tone: 'plain words' } },
			renderer
		);
		expect(rendered.output).toBe('Answer in plain words. reply with exactly: Hi ADA');
		const steps = rendered.trace?.steps ?? [];
		expect(steps.some((s) => s.kind === 'include' && s.name === 'house-style')).toBe(true);
		expect(steps.some((s) => s.kind === 'filter' && s.filter === 'upper')).toBe(true);

		const messages = startConversation(rendered);
		const deltas: string[][] = [[], []];
		const run = await core.playground.run(
			{
				promptId: prompt.id,
				variables: { user: 'ada' },
				columns: [
					{ spec: 'mock:gpt-4o-mini', messages },
					{ spec: 'claude:claude-3-5-haiku-latest', messages }
				]
			},
			{ onDelta: (i, d) => deltas[i].push(d) }
		);
		expect(run.columns.map((c) => c.status)).toEqual(['done', 'done']);
		for (const [i, col] of run.columns.entries()) {
			expect(col.text).toBe('Hi ADA');
			expect(deltas[i].join('')).toBe('Hi ADA');
			expect(col.usage?.outputTokens).toBeGreaterThan(0);
			expect(col.costUsd).toBeGreaterThan(0);
			expect(col.latencyMs).toBeGreaterThanOrEqual(0);
			expect(col.estimatedInputTokens).toBe(col.usage?.inputTokens);
		}
		const history = await core.playground.history(prompt.id);
		expect(history.map((r) => r.id)).toEqual([run.id]);
		expect(history[0].columns[1].spec).toBe('claude:claude-3-5-haiku-latest');
	});

	it('shows each failure in its own column while the others succeed', async () => {
		await core.providers.add(
			{ id: 'badkey', name: 'Bad key server', kind: 'openai-compatible', baseUrl: `${llm.url}/v1` },
			{ apiKey: 'bad-key' }
		);
		const messages = [{ role: 'user' as const, content: 'reply with exactly: fine' }];
		const run = await core.playground.run({
			promptId: null,
			columns: [
				{ spec: 'mock:gpt-4o-mini', messages },
				{ spec: 'badkey:gpt-4o-mini', messages },
				{ spec: 'mock:unknown-model-x', messages },
				{ spec: 'mock:fail-cut', messages: [{ role: 'user', content: 'tell me a long story' }] },
				{ spec: 'nowhere:gpt-4o', messages }
			]
		});
		const [ok, bad, unknown, cut, missing] = run.columns;
		expect(ok).toMatchObject({ status: 'done', text: 'fine' });
		expect(bad.status).toBe('error');
		expect(bad.error).toMatchObject({ code: 'provider', kind: 'auth' });
		expect(bad.error?.message).toMatch(/rejected the API key \(401\)/);
		expect(bad.error?.message).not.toContain('bad-key');
		expect(unknown.error).toMatchObject({ kind: 'unknown_model' });
		expect(unknown.error?.message).toMatch(/does not know model "unknown-model-x"/);
		expect(cut.status).toBe('error');
		expect(cut.text.length).toBeGreaterThan(0);
		expect(cut.error?.kind).toMatch(/network|malformed/);
		expect(missing.error).toMatchObject({ code: 'not_found' });
	});

	it('retries a 429 and reports the attempts', async () => {
		llm.setFailures([{ type: 'rate_limit', retryAfter: 0 }]);
		const run = await core.playground.run({
			promptId: null,
			columns: [{ spec: 'mock:gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] }]
		});
		expect(run.columns[0]).toMatchObject({ status: 'done', attempts: 2 });
		expect(llm.requests.filter((r) => r.status === 429)).toHaveLength(1);
	});

	it('cancels a run and keeps the columns as cancelled', async () => {
		const controller = new AbortController();
		const pending = core.playground.run(
			{
				promptId: null,
				columns: [{ spec: 'mock:fail-hang', messages: [{ role: 'user', content: 'wait' }] }]
			},
			{},
			controller.signal
		);
		await expect.poll(() => llm.requests.length).toBe(1);
		controller.abort();
		const run = await pending;
		expect(run.columns[0].status).toBe('cancelled');
	});

	it('continues a conversation turn by turn with each column keeping its history', async () => {
		const prompt = await core.library.createPrompt({
			name: 'chatty',
			type: 'chat',
			messages: [
				{ role: 'system', content: 'You are {{ persona }}.' },
				{ role: 'user', content: 'reply with exactly: hello {{ persona }}' }
			]
		});
		const loaded = await core.playground.load(prompt.id);
		const rendered = await core.playground.render(
			{ ...loaded, variables: { persona: 'a pirate' } },
			renderer
		);
		expect(rendered.kind).toBe('chat');
		const opening = startConversation(rendered);
		const turn1 = await core.playground.run({
			promptId: prompt.id,
			columns: [{ spec: 'mock:echo-1', messages: opening }]
		});
		expect(turn1.columns[0].text).toBe('reply with exactly: hello a pirate');
		const history = appendAssistantReply(opening, turn1.columns[0].text);
		const next = continueConversation(history, 'second question');
		const turn2 = await core.playground.run({
			promptId: prompt.id,
			turn: 2,
			userTurn: 'second question',
			columns: [{ spec: 'mock:echo-1', messages: next }]
		});
		expect(turn2.columns[0].text).toBe('second question');
		const sent = llm.requests.at(-1)?.body as { messages: { role: string }[] };
		expect(sent.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
		expect((await core.playground.history(prompt.id)).map((r) => r.turn)).toEqual([2, 1]);
	});
});
