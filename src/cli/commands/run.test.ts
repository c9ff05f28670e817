import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliFolder, runCli } from '../../../tests/support/cli';
import { startMockLlm, type MockLlmServer } from '../../../tests/support/mock-llm/server';

let llm: MockLlmServer;
beforeAll(async () => {
	llm = await startMockLlm({ port: 0 });
});
afterAll(async () => {
	await llm.close();
});
const cli = cliFolder('run', { scope: 'all' });
beforeAll(async () => {
	const files: Record<string, string> = {
		'ask.j2': 'reply with exactly: Hello {{ name }}',
		'vars.json': '{"name": "Ann"}',
		'chat.yaml':
			'- role: system\n  content: Be brief.\n- role: user\n  content: "reply with exactly: hi {{ name }}"\n',
		'syntax.j2': 'line one\n  {{ name + }}',
		'loop.j2': '{% for i in range(100000000) %}x{% endfor %}'
	};
	for (const [name, text] of Object.entries(files)) await writeFile(join(cli.dir, name), text);
});

const run = (args: string[], env: Record<string, string> = {}) =>
	runCli(['run', ...args], cli.dir, {
		OPENAI_BASE_URL: `${llm.url}/v1`,
		OPENAI_API_KEY: 'sk-test',
		ANTHROPIC_BASE_URL: llm.url,
		ANTHROPIC_API_KEY: 'sk-ant-test',
		...env
	});

describe('promptloom run', () => {
	it('streams the answer to stdout and prints usage and cost to stderr', async () => {
		const r = await run(['ask.j2', '--vars', 'vars.json', '--model', 'openai:gpt-4o-mini']);
		expect(r).toMatchObject({ code: 0, stdout: 'Hello Ann\n' });
		expect(r.stderr).toMatch(
			/^-- openai:gpt-4o-mini · \d+ in \/ \d+ out tokens · \$0\.\d{6} · \d+ ms\n$/
		);
	});

	it('sends a chat file to Anthropic and prints JSON on request', async () => {
		const r = await run([
			'chat.yaml',
			'--chat',
			'--vars',
			'vars.json',
			'--model',
			'anthropic:claude-3-5-haiku-latest',
			'--format',
			'json'
		]);
		expect(r.code).toBe(0);
		const out = JSON.parse(r.stdout);
		expect(out.output).toBe('hi Ann');
		expect(out.costUsd).toBeGreaterThan(0);
		expect(out.usage.outputTokens).toBeGreaterThan(0);
		const sent = llm.requests.at(-1)?.body as { system?: unknown };
		expect(JSON.stringify(sent.system)).toContain('Be brief.');
	});

	it('exits 1 with the specific provider error', async () => {
		const bad = await run(['ask.j2', '--model', 'openai:gpt-4o-mini'], {
			OPENAI_API_KEY: 'bad-key'
		});
		expect(bad.code).toBe(1);
		expect(bad.stderr).toMatch(/rejected the API key \(401\)/);
		expect(bad.stderr).not.toContain('bad-key');
		const unknown = await run(['ask.j2', '--model', 'openai:unknown-model']);
		expect(unknown.code).toBe(1);
		expect(unknown.stderr).toMatch(/does not know model "unknown-model"/);
	});

	it('exits 1 with file:line:col for a template syntax error and for a render limit', async () => {
		const syntax = await run(['syntax.j2', '--model', 'openai:gpt-4o-mini']);
		expect(syntax.code).toBe(1);
		expect(syntax.stderr).toMatch(/^syntax\.j2:2:\d+: /);
		const loop = await run(['loop.j2', '--model', 'openai:gpt-4o-mini']);
		expect(loop.code).toBe(1);
		expect(loop.stderr).toMatch(/render limit exceeded/);
		expect(llm.requests.some((q) => JSON.stringify(q.body).includes('line one'))).toBe(false);
	});

	it('exits 2 on usage errors', async () => {
		expect((await run(['ask.j2'])).code).toBe(2);
		expect((await run(['ask.j2', '--model', 'nomodel'])).stderr).toMatch(
			/cannot tell the provider/
		);
		expect((await run(['--model', 'openai:x'])).code).toBe(2);
		expect((await run(['ask.j2', '--model', 'openai:x', '--max-tokens', 'lots'])).code).toBe(2);
		const missing = await run(['nope.j2', '--model', 'openai:x']);
		expect(missing).toMatchObject({ code: 1 });
		expect(missing.stderr).toMatch(/cannot read prompt file "nope.j2": no such file/);
	});
});
