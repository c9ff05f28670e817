/**
 * promptfoo's example configs (adapted, in fixtures/promptfoo) run by `promptloom eval` against the
 * test LLM server; pass counts computed by hand from its deterministic answers (see the fixtures'
 * README and the comments in each config).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../support/cli';
import { startMockLlm, type MockLlmServer } from '../support/mock-llm/server';

let llm: MockLlmServer;
let cache: string;

beforeAll(async () => {
	llm = await startMockLlm({ port: 0 });
	cache = await mkdtemp(join(tmpdir(), 'promptloom-pf-examples-'));
});
afterAll(async () => {
	await llm.close();
	await rm(cache, { recursive: true, force: true });
});
beforeEach(() => llm.reset());

const chatCalls = () => llm.requests.filter((r) => /\/chat\/completions$/.test(r.path));

function example(name: string) {
	return runCli(['eval', 'promptfooconfig.yaml'], resolve('fixtures/promptfoo', name), {
		CI: '1',
		XDG_CACHE_HOME: cache,
		OPENAI_BASE_URL: `${llm.url}/v1`,
		OPENAI_API_KEY: 'test-key'
	});
}

describe('promptfoo example configs', () => {
	it('getting-started: every answer fails its translation check; env supplies the API key', async () => {
		const res = await example('getting-started');
		expect(res.stdout).toMatch(/0 passed, 8 failed \(0 errors\) of 8/);
		expect(res.code).toBe(1);
		expect(chatCalls()).toHaveLength(8);
		expect(chatCalls().every((r) => r.headers.authorization === 'Bearer key-from-config')).toBe(
			true
		);
	});

	it('json-output: a transform parses the answer once; an assertion transform narrows it', async () => {
		const res = await example('json-output');
		expect(res.stderr).not.toMatch(/warning/);
		expect(res.stdout).toMatch(/2 passed, 1 failed \(0 errors\) of 3/);
		expect(res.code).toBe(1);
	});

	it('chat-template: a chat file rendered as a template, per-provider prompts, image content parts, defaultTest from a file, azure skipped', async () => {
		const res = await example('chat-template');
		expect(res.stderr).toMatch(
			/warning: providers\[2\]: unsupported provider "azure:chat:my-deployment".*skipped/
		);
		expect(res.stderr).toMatch(/Running 8 cases \(2 tests × 3 prompts × 2 providers\)/);
		expect(res.stdout).toMatch(/4 passed, 4 failed \(0 errors\) of 8/);
		const thread = chatCalls().find(
			(r) =>
				JSON.stringify(r.body).includes('Did he found') &&
				(r.body as { model: string }).model === 'echo-1'
		);
		expect((thread?.body as { messages: unknown }).messages).toEqual([
			{ role: 'system', content: 'Respond as a pirate' },
			{ role: 'user', content: 'Who founded Facebook?' },
			{ role: 'assistant', content: 'Mark Zuckerberg' },
			{ role: 'user', content: 'Did he found any other companies?' }
		]);
		// Content parts: the text, then the image with its URL rendered.
		const parts = chatCalls().find((r) => JSON.stringify(r.body).includes('image_url'));
		expect((parts?.body as { messages: unknown }).messages).toEqual([
			{
				role: 'user',
				content: [
					{ type: 'text', text: 'Part one.\nYear 2016.' },
					{ type: 'image_url', image_url: { url: 'https://example.com/2016.png' } }
				]
			}
		]);
		// The `thread`-only provider never saw the other prompts.
		expect(
			chatCalls().filter((r) => (r.body as { model: string }).model === 'echo-1')
		).toHaveLength(2);
	});

	it('multi-turn: storeOutputAs feeds later tests; repeat, delay, prefix, transform, transformVars and per-test parameters apply', async () => {
		const res = await example('multi-turn');
		expect(res.stderr).toMatch(/warning: sharing only matters to promptfoo's own reports/);
		expect(res.stderr).toMatch(
			/Running 10 cases \(10 tests × 1 prompts × 1 providers\), concurrency 1, cache off/
		);
		expect(res.stdout).toMatch(/8 passed, 2 failed \(2 errors\) of 10/);
		expect(res.stderr).toMatch(/t5 × .*: render failed: transformVars failed: .*TypeError/);
		// Repeats are fresh calls, and the second test's calls carry its response_format.
		expect(chatCalls()).toHaveLength(8);
		const withFormat = chatCalls().filter(
			(r) => (r.body as { response_format?: unknown }).response_format !== undefined
		);
		expect(withFormat).toHaveLength(2);
		expect(withFormat[0].body).toMatchObject({ response_format: { type: 'text' } });
	});

	it('conversation: a chat template replays _conversation per conversationId, one test after another', async () => {
		const res = await example('conversation');
		expect(res.stdout).toMatch(/5 passed, 0 failed \(0 errors\) of 5/);
		expect(res.code).toBe(0);
		const sent = (q: string) =>
			(
				chatCalls().find((r) =>
					JSON.stringify((r.body as { messages: unknown[] }).messages.at(-1)).includes(q)
				)?.body as { messages: { role: string; content: string }[] }
			).messages;
		const third = sent('Which state is that in?');
		expect(third.map((m) => m.role)).toEqual([
			'system',
			'user',
			'assistant',
			'user',
			'assistant',
			'user'
		]);
		expect(third[1].content).toBe('Who founded Facebook?');
		expect(third[2].content).toMatch(/^Mock reply [0-9a-f]{8}: /);
		expect(third[3].content).toBe('Where does he live?');
		// Another thread starts afresh.
		expect(sent('Do I need an umbrella today?').map((m) => m.content)).toEqual([
			'You are a helpful assistant',
			"What's the weather like in San Francisco?",
			expect.stringMatching(/^Mock reply /),
			'Do I need an umbrella today?'
		]);
	});

	it('modular: prompts, providers, defaultTest and tests from files and globs', async () => {
		const res = await example('modular');
		expect(res.stderr).toMatch(/Running 4 cases \(2 tests × 2 prompts × 1 providers\)/);
		expect(res.stdout).toMatch(/3 passed, 1 failed \(0 errors\) of 4/);
	});

	it('scenarios: every config entry × every test, assertion values rendered with the vars', async () => {
		const res = await example('scenarios');
		expect(res.stdout).toMatch(/4 passed, 1 failed \(0 errors\) of 5/);
		expect(res.code).toBe(1);
	});
});
