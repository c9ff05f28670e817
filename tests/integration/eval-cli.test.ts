/** `promptloom eval` end to end through main(): a promptfoo config in a temp folder, the test LLM server. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { cliFolder } from '../support/cli';
import { startMockLlm, type MockLlmServer } from '../support/mock-llm/server';

let llm: MockLlmServer;

beforeAll(async () => {
	llm = await startMockLlm({ port: 0 });
});
afterAll(async () => {
	await llm.close();
});
beforeEach(() => llm.reset());

// The answer cache goes to the XDG cache folder; here a folder inside the test's own.
const cli = cliFolder('eval-cli', {
	env: () => ({ CI: '1', XDG_CACHE_HOME: join(cli.dir, 'xdg-cache') })
});
const run = cli.run;

const chatCalls = () => llm.requests.filter((r) => /\/(chat\/completions|messages)$/.test(r.path));

async function writeConfig(tests: string, extra = '') {
	await writeFile(join(cli.dir, 'style.txt'), 'Answer politely. reply with exactly: {{ answer }}');
	await writeFile(
		join(cli.dir, 'tests.csv'),
		['answer,__expected', ...tests.trim().split('\n')].join('\n')
	);
	await writeFile(
		join(cli.dir, 'promptfooconfig.yaml'),
		`description: capitals
prompts:
  - "Topic {{ topic }}. reply with exactly: {{ answer }}"
  - file://style.txt
providers:
  - id: openai:chat:gpt-4o-mini
    config:
      apiBaseUrl: ${llm.url}/v1
      apiKey: test-key
      temperature: 0
  - id: anthropic:messages:claude-3-5-haiku-latest
    label: haiku
    config:
      apiBaseUrl: ${llm.url}
      apiKey: test-key
defaultTest:
  vars:
    topic: geography
  assert:
    - type: javascript
      value: output.length < 40
tests: file://tests.csv
${extra}`
	);
}

describe('promptloom eval', () => {
	it('runs tests × prompts × providers, prints a summary, writes results and exits 1 on a failure', async () => {
		await writeConfig('Paris,Paris\nRome,contains: Ro\nOslo,icontains: bergen');
		const res = await run('eval', 'promptfooconfig.yaml', '--output', 'out.json');
		expect(res.code).toBe(1);
		expect(res.stderr).toMatch(/Running 12 cases \(3 tests × 2 prompts × 2 providers\)/);
		expect(res.stderr).toMatch(/progress: 12\/12 done, 12 ok, 0 failed/);
		expect(res.stdout).toMatch(/prompt\s+provider\s+pass\s+fail/);
		expect(res.stdout).toMatch(/haiku/);
		expect(res.stdout).toMatch(/8 passed, 4 failed \(0 errors\) of 12/);
		expect(chatCalls()).toHaveLength(12);
		expect(chatCalls().filter((r) => r.wire === 'anthropic')).toHaveLength(6);

		const out = JSON.parse(await readFile(join(cli.dir, 'out.json'), 'utf8'));
		expect(out.results).toHaveLength(12);
		const oslo = out.results.find(
			(r: { vars: { answer: string }; provider: { label: string }; prompt: { id: string } }) =>
				r.vars.answer === 'Oslo' &&
				r.provider.label === 'haiku' &&
				r.prompt.id === 'file://style.txt'
		);
		expect(oslo).toMatchObject({
			vars: { answer: 'Oslo', topic: 'geography' },
			output: 'Oslo',
			pass: false,
			provider: { id: 'anthropic:messages:claude-3-5-haiku-latest' }
		});
		expect(oslo.assertions.map((a: { type: string; pass: boolean }) => [a.type, a.pass])).toEqual([
			['javascript', true],
			['icontains', false]
		]);
		expect(oslo.tokens.input).toBeGreaterThan(0);
		expect(oslo.cost).toBeGreaterThan(0);
		expect(typeof oslo.latencyMs).toBe('number');
		expect(out.stats).toMatchObject({ total: 12, passed: 8, failed: 4 });
	});

	it('answers a rerun from the file cache at no cost, and calls again with --no-cache', async () => {
		await writeConfig('Paris,Paris\nRome,contains: Ro');
		expect((await run('eval', 'promptfooconfig.yaml')).code).toBe(0);
		expect(chatCalls()).toHaveLength(8);
		expect((await readdir(join(cli.dir, 'xdg-cache', 'promptloom', 'eval'))).length).toBe(8);
		// Nothing is written beside the config (it is often inside a Git checkout).
		expect((await readdir(cli.dir)).sort()).toEqual([
			'promptfooconfig.yaml',
			'style.txt',
			'tests.csv',
			'xdg-cache'
		]);

		const again = await run('eval', 'promptfooconfig.yaml', '--output', 'again.json');
		expect(again.code).toBe(0);
		expect(chatCalls()).toHaveLength(8);
		expect(again.stdout).toMatch(/8 answered from cache; spent \$0\.0000 on 0 tokens/);
		const out = JSON.parse(await readFile(join(cli.dir, 'again.json'), 'utf8'));
		expect(out.results.every((r: { cached: boolean }) => r.cached)).toBe(true);

		const fresh = await run('eval', 'promptfooconfig.yaml', '--no-cache', '--max-concurrency', '2');
		expect(fresh.code).toBe(0);
		expect(chatCalls()).toHaveLength(16);
	});

	it('with --no-cache reads and writes no cache at all', async () => {
		await writeConfig('Paris,Paris');
		const res = await run('eval', 'promptfooconfig.yaml', '--no-cache');
		expect(res.code).toBe(0);
		expect(chatCalls()).toHaveLength(4);
		expect((await readdir(cli.dir)).sort()).toEqual([
			'promptfooconfig.yaml',
			'style.txt',
			'tests.csv'
		]);
	});

	it('refuses an output path it cannot write before calling any model (exit 2)', async () => {
		await writeConfig('Paris,Paris');
		const missing = await run('eval', 'promptfooconfig.yaml', '--output', 'no-such-dir/out.json');
		expect(missing.code).toBe(2);
		expect(missing.stderr).toMatch(
			/cannot write results to ".*no-such-dir\/out\.json": .*no such/i
		);
		const dir = await run('eval', 'promptfooconfig.yaml', '--output', '.');
		expect(dir.code).toBe(2);
		expect(dir.stderr).toMatch(/it is a directory/);
		expect(chatCalls()).toHaveLength(0);
	});

	it('exits 2 on a billion-laughs config, quickly', async () => {
		const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
		for (let i = 1; i < 9; i++) {
			const prev = String.fromCharCode(96 + i);
			const name = String.fromCharCode(97 + i);
			levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
		}
		await writeFile(
			join(cli.dir, 'laughs.yaml'),
			`${levels.join('\n')}\nprompts: ["hi"]\nproviders: [openai:chat:gpt-4o]\n`
		);
		const res = await run('eval', 'laughs.yaml');
		expect(res.code).toBe(2);
		expect(res.stderr).toMatch(/refused: Excessive alias count/);
	});

	it('says a provider on a port fetch blocks cannot be reached, without retrying (exit 2)', async () => {
		await writeFile(
			join(cli.dir, 'blocked.yaml'),
			'prompts: ["hi"]\nproviders:\n  - id: openai:chat:gpt-4o\n    config: { apiBaseUrl: "http://127.0.0.1:9/v1", apiKey: k }\ntests: [{vars: {}}]\n'
		);
		const res = await run('eval', 'blocked.yaml');
		expect(res.code).toBe(2);
		expect(res.stderr).toMatch(/port 9, which browsers and Node's fetch block/);
		expect(res.stderr).not.toMatch(/retried/);
	});

	it('gives up on a provider that never answers after --timeout', async () => {
		const sockets = new Set<Socket>();
		const silent = createServer((s) => sockets.add(s));
		await new Promise<void>((ok) => silent.listen(0, '127.0.0.1', ok));
		const port = (silent.address() as AddressInfo).port;
		try {
			await writeFile(
				join(cli.dir, 'silent.yaml'),
				`prompts: ["hi"]\nproviders:\n  - id: openai:chat:gpt-4o\n    config: { apiBaseUrl: "http://127.0.0.1:${port}/v1", apiKey: k }\ntests: [{vars: {}}]\n`
			);
			const started = Date.now();
			const res = await run('eval', 'silent.yaml', '--timeout', '0.3');
			expect(res.code).toBe(1);
			expect(res.stderr).toMatch(/did not answer within 300 ms/);
			expect(Date.now() - started).toBeLessThan(15_000);
			expect((await run('eval', 'silent.yaml', '--timeout', 'soon')).code).toBe(2);
		} finally {
			for (const s of sockets) s.destroy();
			await new Promise((ok) => silent.close(ok));
		}
	});

	it('exits 2 naming unsupported keys, bad options and missing files', async () => {
		await writeConfig(
			'Paris,Paris',
			'extensions: [file://hooks.js:beforeAll]\nnunjucksFilters: { shout: file://shout.js }\n'
		);
		const bad = await run('eval', 'promptfooconfig.yaml');
		expect(bad.code).toBe(2);
		expect(bad.stderr).toMatch(/unsupported promptfoo keys: extensions, nunjucksFilters/);
		expect(chatCalls()).toHaveLength(0);

		expect((await run('eval', 'missing.yaml')).stderr).toMatch(/cannot read config .*no such file/);
		expect((await run('eval')).code).toBe(2);
		expect((await run('eval', 'x.yaml', '--max-concurrency', '0')).code).toBe(2);
		await writeFile(
			join(cli.dir, 'p.yaml'),
			'prompts: ["hi"]\nproviders: ["mistral:chat:small"]\n'
		);
		const provider = await run('eval', 'p.yaml');
		expect(provider.code).toBe(2);
		expect(provider.stderr).toMatch(/unsupported provider "mistral:chat:small"/);
	});

	it('records provider errors as failed results and exits 1', async () => {
		await writeConfig('Paris,Paris');
		await writeFile(
			join(cli.dir, 'promptfooconfig.yaml'),
			`prompts: ["reply with exactly: {{ answer }}"]
providers:
  - id: openai:chat:unknown-model
    config: { apiBaseUrl: "${llm.url}/v1", apiKey: k }
tests: file://tests.csv
`
		);
		const res = await run('eval', 'promptfooconfig.yaml', '-o', 'o.json');
		expect(res.code).toBe(1);
		expect(res.stderr).toMatch(/error: t1 × openai:chat:unknown-model: .*unknown-model/);
		const out = JSON.parse(await readFile(join(cli.dir, 'o.json'), 'utf8'));
		expect(out.results[0]).toMatchObject({ pass: false, output: null });
		expect(out.results[0].error).toMatch(/does not exist|not found/i);
	});
});
