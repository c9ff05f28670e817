/**
 * `promptloom run` and `promptloom eval` apply the security policy before prompts leave the
 * machine: the test LLM server never sees a redacted value, answers come back restored.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cliFolder } from '../support/cli';
import { startMockLlm, type MockLlmServer } from '../support/mock-llm/server';

const CARD = '4111 1111 1111 1111';
const EMAIL = 'jane.miller@example.com';
const KEY = 'ghp_Zx81Lm0qPw72ReTy5UiOpA9sDfGh3Jk4Lz6X';

let llm: MockLlmServer;
beforeAll(async () => {
	llm = await startMockLlm({ port: 0 });
});
afterAll(async () => {
	await llm.close();
});
beforeEach(() => llm.reset());

const cli = cliFolder('security-cli', {
	env: () => ({
		CI: '1',
		XDG_CACHE_HOME: join(cli.dir, 'xdg-cache'),
		OPENAI_BASE_URL: `${llm.url}/v1`,
		OPENAI_API_KEY: 'sk-test'
	})
});
const sent = () => llm.requests.map((r) => JSON.stringify(r.body)).join('\n');

describe('promptloom run with the security policy', () => {
	beforeEach(async () => {
		await writeFile(join(cli.dir, 'p.j2'), 'Card {{ card }} for {{ email }}, token {{ token }}');
		await writeFile(
			join(cli.dir, 'vars.json'),
			JSON.stringify({ card: CARD, email: EMAIL, token: KEY })
		);
	});

	it('--redact pii sends placeholders and prints the answer with the values restored', async () => {
		const r = await cli.run(
			'run',
			'p.j2',
			'--vars',
			'vars.json',
			'--model',
			'openai:echo-1',
			'--redact',
			'pii'
		);
		expect(r.code).toBe(0);
		expect(r.stdout).toBe(`Card ${CARD} for ${EMAIL}, token ${KEY}\n`);
		for (const v of [CARD, EMAIL, KEY]) expect(sent()).not.toContain(v);
		expect(sent()).toContain('Card <CREDIT_CARD_1> for <EMAIL_1>, token <GITHUB_TOKEN_1>');
		expect(r.stderr).toContain(
			'security: redacted 3 values in 1 call before sending (CREDIT_CARD 1, EMAIL_ADDRESS 1, GITHUB_TOKEN 1)'
		);
	});

	it('redacts secrets by default, and --format json restores them too', async () => {
		const r = await cli.run(
			'run',
			'p.j2',
			'--vars',
			'vars.json',
			'--model',
			'openai:echo-1',
			'--format',
			'json'
		);
		expect(r.code).toBe(0);
		expect(JSON.parse(r.stdout).output).toBe(`Card ${CARD} for ${EMAIL}, token ${KEY}`);
		expect(sent()).not.toContain(KEY);
		expect(sent()).toContain(CARD);
	});

	it('a policy that blocks sends nothing and exits 1 with the reason', async () => {
		await writeFile(join(cli.dir, 'policy.json'), JSON.stringify({ kinds: { pii: 'block' } }));
		const r = await cli.run(
			'run',
			'p.j2',
			'--vars',
			'vars.json',
			'--model',
			'openai:echo-1',
			'--policy',
			'policy.json'
		);
		expect(r.code).toBe(1);
		expect(r.stderr).toMatch(
			/Blocked by the workspace security policy: pii CREDIT_CARD, pii EMAIL_ADDRESS/
		);
		expect(llm.requests).toEqual([]);
	});

	it('exits 2 for a bad policy file or --redact kind', async () => {
		await writeFile(join(cli.dir, 'bad.json'), JSON.stringify({ kinds: { pii: 'shred' } }));
		const bad = await cli.run('run', 'p.j2', '--model', 'openai:echo-1', '--policy', 'bad.json');
		expect(bad.code).toBe(2);
		expect(bad.stderr).toMatch(/--policy bad\.json: kinds\.pii/);
		const kind = await cli.run('run', 'p.j2', '--model', 'openai:echo-1', '--redact', 'names');
		expect(kind.code).toBe(2);
		expect(kind.stderr).toContain('--redact: unknown kind "names"');
	});
});

describe('promptloom eval with the security policy', () => {
	it('--redact pii: no value reaches the server, assertions see the restored answers', async () => {
		await writeFile(
			join(cli.dir, 'tests.csv'),
			`email,card\n${EMAIL},${CARD}\nbob@example.org,5555 5555 5555 4444\n`
		);
		await writeFile(
			join(cli.dir, 'promptfooconfig.yaml'),
			`prompts:
  - "Refund {{ card }} and confirm to {{ email }}"
providers:
  - id: openai:chat:echo-1
    config:
      apiBaseUrl: ${llm.url}/v1
      apiKey: test-key
defaultTest:
  assert:
    - type: contains
      value: "@example."
tests: file://tests.csv
`
		);
		const r = await cli.run('eval', 'promptfooconfig.yaml', '--no-cache', '--redact', 'pii');
		expect(r.stdout).toMatch(/2 passed, 0 failed/);
		expect(r.code).toBe(0);
		for (const v of [EMAIL, CARD, 'bob@example.org', '5555 5555 5555 4444'])
			expect(sent()).not.toContain(v);
		expect(r.stderr).toContain('security: redacted 4 values in 2 calls before sending');
	});
});
