/** `promptloom eval --plugin`: plugin scorers in a promptfoo config, against the test LLM server. */
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCORERS } from '../../src/lib/core/eval/scorers/registry';
import { cliFolder } from '../support/cli';
import { startMockLlm, type MockLlmServer } from '../support/mock-llm/server';

const EXAMPLES = resolve(import.meta.dirname, '../../plugins/examples');
let llm: MockLlmServer;
beforeAll(async () => {
	llm = await startMockLlm({ port: 0 });
});
afterAll(() => llm.close());

const cli = cliFolder('plugins-cli', {
	env: () => ({ CI: '1', XDG_CACHE_HOME: join(cli.dir, 'xdg-cache') })
});

const config = (asserts: string) => `prompts:
  - "reply with exactly: {{ answer }}"
providers:
  - id: openai:chat:gpt-4o-mini
    config:
      apiBaseUrl: ${llm.url}/v1
      apiKey: test-key
tests:
  - vars: { answer: "The cat sat on the mat." }
  - vars: { answer: "Notwithstanding considerable institutional heterogeneity, interoperability necessitates standardisation." }
defaultTest:
  assert:
${asserts}
`;

describe('promptloom eval --plugin', () => {
	it('scores with a plugin scorer named plugin:<id>/<name>', async () => {
		await writeFile(
			join(cli.dir, 'promptfooconfig.yaml'),
			config('    - type: plugin:reading-level/flesch\n      value: 60')
		);
		const r = await cli.run(
			'eval',
			'promptfooconfig.yaml',
			'--plugin',
			join(EXAMPLES, 'reading-level'),
			'--output',
			'out.json'
		);
		expect(r.stdout).toMatch(/1 passed, 1 failed \(0 errors\) of 2/);
		expect(r.code).toBe(1);
		const out = await readFile(join(cli.dir, 'out.json'), 'utf8');
		expect(out).toMatch(/reading ease [\d.]+ \(needs 60\)/);
		// the plugin's scorers are gone once the command ends
		expect(SCORERS.has('plugin:reading-level/flesch')).toBe(false);
	});

	it('reports a plugin scorer that loops in its cells and carries on with the others', async () => {
		await cp(join(EXAMPLES, 'reading-level'), join(cli.dir, 'loops'), { recursive: true });
		const manifestPath = join(cli.dir, 'loops/promptloom-plugin.json');
		const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
		manifest.limits.timeoutMs = 200;
		await writeFile(manifestPath, JSON.stringify(manifest));
		await writeFile(
			join(cli.dir, 'loops/plugin.js'),
			'export const scorers = { flesch: () => { for (;;) {} } };\nexport const lintRules = { "banned-phrases": () => [] };'
		);
		await writeFile(
			join(cli.dir, 'promptfooconfig.yaml'),
			config('    - type: plugin:reading-level/flesch\n    - type: contains\n      value: "."')
		);
		const r = await cli.run(
			'eval',
			'promptfooconfig.yaml',
			'--plugin',
			'loops',
			'--output',
			'out.json'
		);
		expect(r.code).toBe(1);
		expect(r.stdout).toMatch(/0 passed, 2 failed \(0 errors\) of 2/);
		const out = JSON.parse(await readFile(join(cli.dir, 'out.json'), 'utf8'));
		const text = JSON.stringify(out);
		expect(text).toContain(
			'plugin reading-level (scorers/flesch) exceeded its time limit of 200 ms'
		);
		expect(out.results).toHaveLength(2);
	});

	it('exits 2 when a plugin cannot be read or an assertion names an unknown plugin', async () => {
		await writeFile(
			join(cli.dir, 'promptfooconfig.yaml'),
			config('    - type: plugin:reading-level/flesch')
		);
		const missing = await cli.run('eval', 'promptfooconfig.yaml', '--plugin', 'nowhere');
		expect(missing.code).toBe(2);
		expect(missing.stderr).toContain('cannot read');
		const unknown = await cli.run('eval', 'promptfooconfig.yaml');
		expect(unknown.code).toBe(2);
		expect(unknown.stderr).toContain('plugin:reading-level/flesch');
	});
});
