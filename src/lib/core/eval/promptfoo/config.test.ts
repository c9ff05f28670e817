import { describe, expect, it } from 'vitest';
import { parsePromptfooConfig, promptfooModels, promptfooRows } from './config';
import { parseExpectedShorthand } from './expected';

function files(map: Record<string, string>) {
	return {
		readFile: async (path: string) => {
			if (!(path in map)) throw new Error(`ENOENT: no such file ${path}`);
			return map[path];
		}
	};
}

describe('parsePromptfooConfig', () => {
	it('normalizes inline and file prompts, providers, tests, defaultTest and vars', async () => {
		const yaml = `
description: capitals
prompts:
  - "What is the capital of {{country}}?"
  - file://prompts/chat.json
  - file://prompts/two.txt
providers:
  - openai:chat:gpt-4o-mini
  - id: anthropic:messages:claude-3-5-haiku-latest
    label: haiku
    config: { temperature: 0, max_tokens: 100, apiBaseUrl: "http://127.0.0.1:9999" }
  - ollama:chat:llama3
defaultTest:
  vars: { tone: plain }
  assert:
    - type: latency
      threshold: 5000
  options:
    provider: openai:gpt-4o-mini
tests:
  - description: France
    vars: { country: France }
    assert:
      - type: icontains
        value: paris
      - type: not-contains
        value: London
        weight: 2
      - type: llm-rubric
        value: names a city
  - vars:
      country: [Italy, Spain]
      bio: file://bio.txt
    threshold: 0.5
`;
		const cfg = await parsePromptfooConfig(
			yaml,
			files({
				'prompts/chat.json':
					'[{"role":"system","content":"Be brief"},{"role":"user","content":"{{country}}?"}]',
				'prompts/two.txt': 'First {{country}}\n---\nSecond {{country}}\n',
				'bio.txt': 'A bio'
			})
		);
		expect(cfg.description).toBe('capitals');
		expect(cfg.prompts.map((p) => p.id)).toEqual([
			'prompt-1',
			'file://prompts/chat.json',
			'file://prompts/two.txt#1',
			'file://prompts/two.txt#2'
		]);
		expect(cfg.prompts[1].messages).toEqual([
			{ role: 'system', content: 'Be brief' },
			{ role: 'user', content: '{{country}}?' }
		]);
		expect(cfg.prompts[3].raw).toBe('Second {{country}}');
		expect(cfg.providers[1]).toEqual({
			id: 'anthropic:messages:claude-3-5-haiku-latest',
			label: 'haiku',
			provider: 'anthropic',
			model: 'claude-3-5-haiku-latest',
			params: { temperature: 0, max_tokens: 100 },
			apiBaseUrl: 'http://127.0.0.1:9999'
		});
		expect(promptfooModels(cfg).map((m) => m.label)).toEqual([
			'openai:chat:gpt-4o-mini',
			'haiku',
			'ollama:chat:llama3'
		]);
		expect(cfg.tests).toHaveLength(3);
		expect(cfg.tests[0].vars).toEqual({ tone: 'plain', country: 'France' });
		expect(cfg.tests[0].assert.map((a) => a.type)).toEqual([
			'latency',
			'icontains',
			'not-contains',
			'llm-rubric'
		]);
		expect(cfg.tests[0].judge).toBe('openai:gpt-4o-mini');
		expect(cfg.tests.slice(1).map((t) => t.vars)).toEqual([
			{ tone: 'plain', country: 'Italy', bio: 'A bio' },
			{ tone: 'plain', country: 'Spain', bio: 'A bio' }
		]);
		expect(cfg.tests[1].threshold).toBe(0.5);
		const rows = promptfooRows(cfg);
		expect(rows[0].assertions?.[3]).toEqual({
			type: 'llm-rubric',
			value: 'names a city',
			provider: 'openai:gpt-4o-mini'
		});
		expect(rows.map((r) => r.id)).toEqual(['t1', 't2', 't3']);
	});

	it('loads tests from a CSV with __expected columns', async () => {
		const csv =
			'country,__expected,__expected2,__description\nFrance,contains: Paris,,fr\nJapan,Tokyo,is-json,jp\n';
		const cfg = await parsePromptfooConfig(
			'prompts: ["{{country}}"]\nproviders: [openai:gpt-4o]\ntests: file://tests.csv\n',
			files({ 'tests.csv': csv })
		);
		expect(cfg.tests).toEqual([
			{
				description: 'fr',
				vars: { country: 'France' },
				assert: [{ type: 'contains', value: 'Paris' }],
				options: {}
			},
			{
				description: 'jp',
				vars: { country: 'Japan' },
				assert: [{ type: 'equals', value: 'Tokyo' }, { type: 'is-json' }],
				options: {}
			}
		]);
	});

	it('refuses together every key whose absence would change results, and warns about the rest', async () => {
		const yaml = `
prompts: ["x"]
providers: [openai:gpt-4o]
extensions: [file://hooks.js:beforeAll]
nunjucksFilters: { shout: file://shout.js }
tests:
  - vars: { a: 1 }
    provider: openai:gpt-4o
`;
		await expect(parsePromptfooConfig(yaml, files({}))).rejects.toThrow(
			'unsupported promptfoo keys: extensions, nunjucksFilters, tests[0].provider'
		);
		const cfg = await parsePromptfooConfig(
			'prompts: ["x"]\nproviders: [openai:gpt-4o]\nsharing: true\ncolors: 3\ntests:\n  - vars: { a: 1 }\n    labels: [x]\n',
			files({})
		);
		expect(cfg.warnings).toEqual([
			'colors is not supported and was ignored',
			'tests[0].labels is not supported and was ignored',
			"sharing only matters to promptfoo's own reports; ignored"
		]);
	});

	it('gives specific errors for bad providers, assertion types, files and YAML', async () => {
		const base = 'prompts: ["x"]\n';
		await expect(
			parsePromptfooConfig(`${base}providers: [bedrock:claude]`, files({}))
		).rejects.toThrow(/^providers\[0\]: unsupported provider "bedrock:claude"/);
		await expect(
			parsePromptfooConfig(
				`${base}providers: [openai:m]\ntests:\n  - assert: [{type: python, value: x}]`,
				files({})
			)
		).rejects.toThrow('tests[0].assert[0].type: unsupported assertion type "python"');
		await expect(
			parsePromptfooConfig('prompts: [file://missing.txt]\nproviders: [openai:m]', files({}))
		).rejects.toThrow(/prompts\[0\]: cannot read file:\/\/missing\.txt: ENOENT/);
		await expect(
			parsePromptfooConfig('prompts: [file://p.py]\nproviders: [openai:m]', files({ 'p.py': '' }))
		).rejects.toThrow(/prompt functions are not supported/);
		await expect(parsePromptfooConfig('prompts: [x\nproviders: [', files({}))).rejects.toThrow(
			/not valid YAML at line \d+, column \d+/
		);
		await expect(parsePromptfooConfig('providers: [openai:m]', files({}))).rejects.toThrow(
			'prompts: the config has no prompts'
		);
	});

	it('loads assertion values from files', async () => {
		const cfg = await parsePromptfooConfig(
			'prompts: ["x"]\nproviders: [openai:m]\ntests:\n  - assert: [{type: json-schema, value: file://schema.json}]',
			files({ 'schema.json': '{"type":"object"}' })
		);
		expect(cfg.tests[0].assert[0].value).toEqual({ type: 'object' });
	});
});

describe('parseExpectedShorthand', () => {
	it.each([
		['contains: Paris', { type: 'contains', value: 'Paris' }],
		['not-icontains:london', { type: 'not-icontains', value: 'london' }],
		['similar(0.8): a city', { type: 'similar', value: 'a city', threshold: 0.8 }],
		['levenshtein(3):kitten', { type: 'levenshtein', value: 'kitten', threshold: 3 }],
		['grade: is polite', { type: 'llm-rubric', value: 'is polite' }],
		['fn: output.length < 10', { type: 'javascript', value: 'output.length < 10' }],
		['regex: ^\\d+$', { type: 'regex', value: '^\\d+$' }],
		['contains-json', { type: 'contains-json' }],
		['Tokyo', { type: 'equals', value: 'Tokyo' }],
		['answer: 42', { type: 'equals', value: 'answer: 42' }],
		['contains', { type: 'equals', value: 'contains' }]
	])('%s', (cell, expected) => {
		expect(parseExpectedShorthand(cell)).toEqual(expected);
	});
});
