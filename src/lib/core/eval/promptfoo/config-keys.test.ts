import { describe, expect, it } from 'vitest';
import { parsePromptfooConfig } from './config';
import { globMatcher } from './glob';
import { promptSelected } from './prompts';

function files(map: Record<string, string>) {
	return {
		readFile: async (path: string) => {
			if (!(path in map)) throw new Error(`ENOENT: no such file ${path}`);
			return map[path];
		}
	};
}
const HEAD = 'prompts: ["{{q}}"]\nproviders: [openai:gpt-4o-mini]\n';

describe('promptfoo config keys', () => {
	it('options.transform, postprocess and assertion transforms are kept as code', async () => {
		const cfg = await parsePromptfooConfig(
			`${HEAD}defaultTest:\n  options: { transform: output.trim(), transformVars: "{ shout: vars.q.toUpperCase() }" }\ntests:\n  - vars: { q: a }\n  - vars: { q: b }\n    options: { postprocess: JSON.parse(output) }\n    assert:\n      - { type: contains-any, transform: output.tags, value: [x] }\n  - vars: { q: c }\n    options: { transform: file://t.js }\n    assert: [{ type: javascript, value: file://check.js }]\n`,
			files({
				't.js': 'output.toUpperCase()',
				'check.js': 'module.exports = (output) => output.length > 1;'
			})
		);
		expect(cfg.tests.map((t) => t.options.transform)).toEqual([
			'output.trim()',
			'JSON.parse(output)',
			'output.toUpperCase()'
		]);
		expect(cfg.tests[2].assert[0].value).toMatch(
			/^const module = \{ exports: \{\} \};\nmodule\.exports = \(output\) => output\.length > 1;\n.*return fn\(output, context\);$/s
		);
		expect(cfg.tests[0].options.transformVars).toBe('{ shout: vars.q.toUpperCase() }');
		expect(cfg.tests[1].assert[0]).toEqual({
			type: 'contains-any',
			transform: 'output.tags',
			value: ['x']
		});
	});

	it('defaultTest from a file merges under each test', async () => {
		const cfg = await parsePromptfooConfig(
			`${HEAD}defaultTest: file://default.yaml\ntests:\n  - vars: { q: a, tone: dry }\n`,
			files({
				'default.yaml':
					'vars: { tone: warm, lang: en }\nassert: [{ type: not-contains, value: sorry }]\noptions: { temperature: 0 }\n'
			})
		);
		expect(cfg.tests[0].vars).toEqual({ tone: 'dry', lang: 'en', q: 'a' });
		expect(cfg.tests[0].assert).toEqual([{ type: 'not-contains', value: 'sorry' }]);
		expect(cfg.tests[0].options.params).toEqual({ temperature: 0 });
	});

	it('per-test options other than promptfoo’s own become provider parameters (response_format)', async () => {
		const cfg = await parsePromptfooConfig(
			`${HEAD}defaultTest:\n  options: { temperature: 0.2, seed: 1 }\ntests:\n  - vars: { q: a }\n    options:\n      response_format: file://format.json\n      temperature: 0\n      prefix: "> "\n      suffix: " <"\n`,
			files({ 'format.json': '{"type":"json_schema","json_schema":{"name":"x","schema":{}}}' })
		);
		expect(cfg.tests[0].options).toEqual({
			params: {
				temperature: 0,
				seed: 1,
				response_format: { type: 'json_schema', json_schema: { name: 'x', schema: {} } }
			},
			prefix: '> ',
			suffix: ' <'
		});
	});

	it('storeOutputAs names a variable', async () => {
		const cfg = await parsePromptfooConfig(
			`${HEAD}tests:\n  - vars: { q: a }\n    options: { storeOutputAs: fruit }\n`,
			files({})
		);
		expect(cfg.tests[0].options.storeOutputAs).toBe('fruit');
		await expect(
			parsePromptfooConfig(
				`${HEAD}tests:\n  - options: { storeOutputAs: "not a name" }\n`,
				files({})
			)
		).rejects.toThrow('tests[0].options.storeOutputAs: "not a name" is not a variable name');
	});

	it('reads file:// values in a provider config (response_format)', async () => {
		const cfg = await parsePromptfooConfig(
			'prompts: ["x"]\nproviders:\n  - id: openai:gpt-4o-mini\n    config: { temperature: 0, response_format: file://format.json }\n',
			files({ 'format.json': '{"type":"json_object"}' })
		);
		expect(cfg.providers[0].params).toEqual({
			temperature: 0,
			response_format: { type: 'json_object' }
		});
	});

	it('per-provider prompts select prompts by label or id; per-test providers are kept', async () => {
		const cfg = await parsePromptfooConfig(
			`prompts:\n  - { raw: "a {{q}}", label: short }\n  - { raw: "b {{q}}", label: long }\nproviders:\n  - { id: openai:gpt-4o-mini, prompts: [short] }\n  - openai:gpt-4o\ntests:\n  - vars: { q: x }\n    providers: [openai:gpt-4o]\n`,
			files({})
		);
		expect(cfg.providers[0].prompts).toEqual(['short']);
		expect(cfg.providers[1].prompts).toBeUndefined();
		expect(cfg.prompts.map((p) => promptSelected(p, cfg.providers[0].prompts))).toEqual([
			true,
			false
		]);
		expect(cfg.tests[0].providers).toEqual(['openai:gpt-4o']);
	});

	it('a chat JSON file that is a nunjucks template is kept as a template (dump → tojson)', async () => {
		const cfg = await parsePromptfooConfig(
			'prompts: [file://chat.json, file://plain.json]\nproviders: [openai:m]\n',
			files({
				'chat.json':
					'[{% for m in messages %}{"role": "{{ m.role }}", "content": {{ m.content | dump }}}{% if not loop.last %},{% endif %}{% endfor %}]',
				'plain.json': '[{"role": "user", "content": "{{ messages | dump }}"}]'
			})
		);
		expect(cfg.prompts[0]).toMatchObject({ jsonTemplate: true, messages: null });
		expect(cfg.prompts[0].raw).toContain('{{ m.content | tojson }}');
		expect(cfg.prompts[1].messages).toEqual([{ role: 'user', content: '{{ messages | tojson }}' }]);
	});

	it('content parts: text parts are the message text, images and audio its attachments', async () => {
		const cfg = await parsePromptfooConfig(
			'prompts: [file://parts.json]\nproviders: [openai:m]\n',
			files({
				'parts.json':
					'[{"role":"user","content":[{"type":"text","text":"Describe"},{"type":"image_url","image_url":{"url":"{{ url }}"}},{"type":"text","text":"{{ thing }}"}]}]'
			})
		);
		expect(cfg.prompts[0].messages).toEqual([
			{
				role: 'user',
				content: 'Describe\n{{ thing }}',
				attachments: [{ type: 'image_url', image_url: { url: '{{ url }}' } }]
			}
		]);
		await expect(
			parsePromptfooConfig(
				'prompts: [file://doc.json]\nproviders: [openai:m]\n',
				files({ 'doc.json': '[{"role":"user","content":[{"type":"hologram","x":1}]}]' })
			)
		).rejects.toThrow(/\.content: "hologram" content parts are not supported/);
	});

	it('prompts from a CSV file and from a YAML list of prompts', async () => {
		const cfg = await parsePromptfooConfig(
			'prompts: [file://prompts.csv, file://configs/prompts.yaml]\nproviders: [openai:m]\n',
			files({
				'prompts.csv': 'prompt,label\n"Hi {{name}}",greet\nBye {{name}},\n',
				'configs/prompts.yaml':
					'- file://system.txt\n- id: custom\n  label: Custom\n  raw: "Answer: {{question}}"\n- "Plain {{q}}"\n',
				'system.txt': 'You are {{role}}.'
			})
		);
		expect(cfg.prompts.map((p) => [p.id, p.label, p.raw])).toEqual([
			['file://prompts.csv#1', 'greet', 'Hi {{name}}'],
			['file://prompts.csv#2', 'file://prompts.csv#2', 'Bye {{name}}'],
			['file://system.txt', 'file://system.txt', 'You are {{role}}.'],
			['custom', 'Custom', 'Answer: {{question}}'],
			['file://configs/prompts.yaml#prompt-3', 'Plain {{q}}', 'Plain {{q}}']
		]);
	});

	it('providers from a file, and prompt functions refused by name', async () => {
		const cfg = await parsePromptfooConfig(
			'prompts: ["x"]\nproviders: file://configs/providers.yaml\n',
			files({
				'configs/providers.yaml':
					'- id: openai:gpt-4o-mini\n  label: fast\n  config: { temperature: 0 }\n- anthropic:messages:claude-3-5-haiku-latest\n'
			})
		);
		expect(cfg.providers.map((p) => [p.label, p.params])).toEqual([
			['fast', { temperature: 0 }],
			['anthropic:messages:claude-3-5-haiku-latest', {}]
		]);
		await expect(
			parsePromptfooConfig('prompts: [file://make.py:build]\nproviders: [openai:m]\n', files({}))
		).rejects.toThrow(
			'prompts[0]: file://make.py:build: prompt functions are not supported (they would run code outside the sandbox); use a template file'
		);
	});

	it('globs: prompts and tests from every matching file, in name order', async () => {
		const tree: Record<string, string> = {
			'prompts/b.txt': 'B {{q}}',
			'prompts/a.txt': 'A {{q}}',
			'tests/one.yaml': '- vars: { q: 1 }\n',
			'tests/deep/two.yaml': '- vars: { q: 2 }\n'
		};
		const cfg = await parsePromptfooConfig(
			'prompts: file://prompts/*.txt\nproviders: [openai:m]\ntests: [file://tests/**/*.yaml]\n',
			{
				...files(tree),
				listFiles: async (pattern) => Object.keys(tree).filter(globMatcher(pattern))
			}
		);
		expect(cfg.prompts.map((p) => p.raw)).toEqual(['A {{q}}', 'B {{q}}']);
		expect(cfg.tests.map((t) => t.vars.q)).toEqual([2, 1]);
		await expect(
			parsePromptfooConfig('prompts: file://none/*.txt\nproviders: [openai:m]\n', {
				...files(tree),
				listFiles: async () => []
			})
		).rejects.toThrow('prompts: file://none/*.txt matches no file');
		await expect(
			parsePromptfooConfig('prompts: file://p/*.txt\nproviders: [openai:m]\n', files(tree))
		).rejects.toThrow('file globs are not supported here');
	});

	it('glob matching: *, **, ?, {a,b} and folders', () => {
		expect(globMatcher('tests/*.yaml')('tests/a.yaml')).toBe(true);
		expect(globMatcher('tests/*.yaml')('tests/x/a.yaml')).toBe(false);
		expect(globMatcher('tests/**/*.yaml')('tests/x/y/a.yaml')).toBe(true);
		expect(globMatcher('tests/**/*.yaml')('tests/a.yaml')).toBe(true);
		expect(globMatcher('p?.{txt,md}')('p1.md')).toBe(true);
		expect(globMatcher('p?.{txt,md}')('p12.md')).toBe(false);
		expect(globMatcher('tests/')('tests/a.csv')).toBe(true);
		expect(globMatcher('./a.txt')('a.txt')).toBe(true);
	});

	it('env is kept as text for the run', async () => {
		const cfg = await parsePromptfooConfig(
			`${HEAD}env: { OPENAI_BASE_URL: "http://127.0.0.1:1/v1", RETRIES: 2 }\n`,
			files({})
		);
		expect(cfg.env).toEqual({ OPENAI_BASE_URL: 'http://127.0.0.1:1/v1', RETRIES: '2' });
		expect(cfg.warnings).toEqual([]);
	});

	it('evaluateOptions are checked and kept', async () => {
		const cfg = await parsePromptfooConfig(
			`${HEAD}evaluateOptions: { maxConcurrency: 2, delay: 100, repeat: 3, cache: false, timeoutMs: 5000, showProgressBar: false }\n`,
			files({})
		);
		expect(cfg.evaluateOptions).toEqual({
			maxConcurrency: 2,
			delay: 100,
			repeat: 3,
			cache: false,
			timeoutMs: 5000
		});
		expect(cfg.warnings).toEqual([
			'evaluateOptions.showProgressBar is not supported and was ignored'
		]);
		await expect(
			parsePromptfooConfig(`${HEAD}evaluateOptions: { repeat: 0 }\n`, files({}))
		).rejects.toThrow('evaluateOptions.repeat: expected a whole number ≥ 1');
	});

	it('scenarios cross every config entry with every test, after the plain tests', async () => {
		const cfg = await parsePromptfooConfig(
			`${HEAD}tests:\n  - vars: { q: plain }\nscenarios:\n  - config:\n      - vars: { lang: es }\n      - vars: { lang: fr }\n        assert: [{ type: contains, value: le }]\n    tests:\n      - description: hi\n        vars: { q: hello }\n        assert: [{ type: icontains, value: "{{lang}}" }]\n      - vars: { q: bye }\n  - config: file://de.yaml\n    tests: file://more.yaml\n`,
			files({ 'de.yaml': '- vars: { lang: de }\n', 'more.yaml': '- vars: { q: morning }\n' })
		);
		expect(cfg.tests.map((t) => t.vars)).toEqual([
			{ q: 'plain' },
			{ lang: 'es', q: 'hello' },
			{ lang: 'es', q: 'bye' },
			{ lang: 'fr', q: 'hello' },
			{ lang: 'fr', q: 'bye' },
			{ lang: 'de', q: 'morning' }
		]);
		expect(cfg.tests[3].assert).toEqual([
			{ type: 'contains', value: 'le' },
			{ type: 'icontains', value: '{{lang}}' }
		]);
		expect(cfg.tests[3].description).toBe('hi');
	});

	it('javascript assertions and the deterministic types parse, not- forms included', async () => {
		const types = [
			'equals',
			'contains',
			'icontains',
			'contains-any',
			'contains-all',
			'starts-with',
			'regex',
			'is-json',
			'contains-json',
			'javascript',
			'levenshtein',
			'latency',
			'cost',
			'not-equals',
			'not-contains',
			'not-regex',
			'not-is-json',
			'not-javascript'
		];
		const cfg = await parsePromptfooConfig(
			`${HEAD}tests:\n  - assert:\n${types.map((t) => `      - { type: ${t}, value: "x" }`).join('\n')}\n`,
			files({})
		);
		expect(cfg.tests[0].assert.map((a) => a.type)).toEqual(types);
	});

	it('reads vars and tests from CSV, JSON, JSONL, YAML and text files', async () => {
		const cfg = await parsePromptfooConfig(
			`${HEAD}tests:\n  - vars: file://vars.yaml\n  - vars: { q: file://q.txt, rows: file://rows.csv, items: file://items.json }\n  - file://more.jsonl\n`,
			files({
				'vars.yaml': 'q: from yaml\n',
				'q.txt': 'from txt',
				'rows.csv': 'a,b\n1,2\n',
				'items.json': '[{"k": 1}]',
				'more.jsonl':
					'{"vars": {"q": "line test"}, "assert": [{"type": "equals", "value": "x"}]}\n{"q": "row", "__expected": "contains: r"}\n'
			})
		);
		expect(cfg.tests.map((t) => t.vars)).toEqual([
			{ q: 'from yaml' },
			{ q: 'from txt', rows: [{ a: '1', b: '2' }], items: [{ k: 1 }] },
			{ q: 'line test' },
			{ q: 'row' }
		]);
		expect(cfg.tests[3].assert).toEqual([{ type: 'contains', value: 'r' }]);
	});

	it('lists of strings expand into tests; lists of objects (chat messages) do not', async () => {
		const cfg = await parsePromptfooConfig(
			`${HEAD}tests:\n  - vars:\n      q: [a, b]\n      messages: [{ role: user, content: hi }]\n  - vars: { q: [c, d] }\n    options: { disableVarExpansion: true }\n`,
			files({})
		);
		expect(cfg.tests.map((t) => t.vars.q)).toEqual(['a', 'b', ['c', 'd']]);
		expect(cfg.tests[0].vars.messages).toEqual([{ role: 'user', content: 'hi' }]);
	});

	it('skips a provider we do not have with a warning while others remain', async () => {
		const cfg = await parsePromptfooConfig(
			'prompts: ["x"]\nproviders: [azure:chat:deploy, openai:gpt-4o-mini, bedrock:claude]\n',
			files({})
		);
		expect(cfg.providers.map((p) => p.id)).toEqual(['openai:gpt-4o-mini']);
		expect(cfg.warnings).toHaveLength(2);
		expect(cfg.warnings[0]).toMatch(
			/^providers\[0\]: unsupported provider "azure:chat:deploy".*; skipped \(other providers remain\)$/
		);
		await expect(
			parsePromptfooConfig('prompts: ["x"]\nproviders: [azure:chat:deploy]\n', files({}))
		).rejects.toThrow(/^providers\[0\]: unsupported provider "azure:chat:deploy"/);
	});
});
