import { describe, expect, it } from 'vitest';
import { TemplateError } from './errors';
import { renderRequest, renderWithTrace } from './render';
import type { RenderRequest } from './types';

const text = (req: RenderRequest) => {
	const r = renderRequest(req);
	if (r.kind !== 'text') throw new Error('expected text');
	return r.output;
};

describe('whitespace options', () => {
	const template = 'a\n  {% if true %}\n  b\n  {% endif %}\nc';
	it('keeps Jinja2 defaults (trim_blocks and lstrip_blocks off)', () => {
		expect(text({ template })).toBe('a\n  \n  b\n  \nc');
	});
	it('applies trim_blocks and lstrip_blocks when asked', () => {
		expect(text({ template, options: { trimBlocks: true, lstripBlocks: true } })).toBe('a\n  b\nc');
	});
});

describe('prompt filters', () => {
	it('json serialises data like tojson', () => {
		expect(text({ template: '{{ x | json }}', variables: { x: { a: [1, 'b'] } } })).toBe(
			'{"a": [1, "b"]}'
		);
		expect(text({ template: '{{ x | json(indent=2) }}', variables: { x: [1] } })).toBe('[\n  1\n]');
	});
	it('trim strips whitespace or given characters', () => {
		expect(
			text({ template: '[{{ s | trim }}][{{ s | trim(" x") }}]', variables: { s: ' x hi x ' } })
		).toBe('[x hi x][hi]');
	});
	it('indent indents all lines but the first by default', () => {
		expect(
			text({ template: '{{ s | indent(2) }}|{{ s | indent(2, true) }}', variables: { s: 'a\nb' } })
		).toBe('a\n  b|  a\n  b');
	});
	it('truncate_tokens keeps the first n o200k tokens', () => {
		expect(
			text({ template: '{{ s | truncate_tokens(2) }}', variables: { s: 'hello world again' } })
		).toBe('hello world');
		expect(text({ template: '{{ s | truncate_tokens(50) }}', variables: { s: 'short' } })).toBe(
			'short'
		);
	});
	it('repeats strings like Python Jinja2', () => {
		expect(text({ template: "{{ '-' * 3 }}{{ 2 * 'ab' }}" })).toBe('---abab');
	});
});

describe('chat template globals', () => {
	it('raise_exception fails the render with the template message', () => {
		try {
			renderRequest({
				template: '{% if not ok %}{{ raise_exception("roles must alternate") }}{% endif %}'
			});
			throw new Error('expected failure');
		} catch (e) {
			expect(e).toBeInstanceOf(TemplateError);
			expect((e as TemplateError).code).toBe('template_runtime');
			expect((e as TemplateError).message).toBe('raise_exception: roles must alternate');
		}
	});
	it('strftime_now formats the (fixed) clock', () => {
		expect(
			text({ template: '{{ strftime_now("%d %b %Y") }}', options: { now: '2024-07-04T12:00:00' } })
		).toBe('04 Jul 2024');
	});
	it('bos_token and eos_token come from the variables (empty when absent)', () => {
		expect(
			text({ template: '{{ bos_token }}x{{ eos_token }}', variables: { bos_token: '<s>' } })
		).toBe('<s>x');
	});
});

describe('variables at render time', () => {
	it('warns about missing and unused variables', () => {
		const r = renderRequest({ template: 'Hi {{ name }}', variables: { extra: 1 } });
		expect(r.warnings.map((w) => [w.code, w.variable])).toEqual([
			['missing_variable', 'name'],
			['unused_variable', 'extra']
		]);
	});
	it('fails in strict mode with template_variable', () => {
		expect(() => renderRequest({ template: '{{ a }}{{ b }}', options: { strict: true } })).toThrow(
			expect.objectContaining({ code: 'template_variable', message: 'missing variables: a, b' })
		);
	});
	it('does not warn for defaulted variables', () => {
		expect(renderRequest({ template: '{{ a | default("x") }}' }).warnings).toEqual([]);
	});
});

describe('chat prompts and few-shot sets', () => {
	const fewShotSets = [
		{
			name: 'sentiment',
			examples: [
				{ input: 'great!', output: 'positive' },
				{ input: 'meh', output: 'neutral' }
			]
		}
	];
	it('renders each message content and expands few-shot pairs', () => {
		const r = renderRequest({
			messages: [
				{ role: 'system', content: 'Classify for {{ team }}.' },
				{ fewshot: 'sentiment' },
				{ role: 'user', content: '{{ text }}' }
			],
			variables: { team: 'ops', text: 'fine' },
			fewShotSets
		});
		expect(r.output).toEqual([
			{ role: 'system', content: 'Classify for ops.' },
			{ role: 'user', content: 'great!' },
			{ role: 'assistant', content: 'positive' },
			{ role: 'user', content: 'meh' },
			{ role: 'assistant', content: 'neutral' },
			{ role: 'user', content: 'fine' }
		]);
	});
	it('inserts a set as a text block with fewshot()', () => {
		expect(text({ template: '{{ fewshot("sentiment") }}', fewShotSets })).toBe(
			'Input: great!\nOutput: positive\n\nInput: meh\nOutput: neutral'
		);
		expect(
			text({
				template: '{{ fewshot("sentiment", input_label="Q", output_label="A", separator="\\n") }}',
				fewShotSets
			})
		).toBe('Q: great!\nA: positive\nQ: meh\nA: neutral');
	});
	it('names the failing message and the unknown set', () => {
		expect(() =>
			renderRequest({
				messages: [
					{ role: 'user', content: 'ok' },
					{ role: 'user', content: '{{ x + }}' }
				]
			})
		).toThrow(/^messages\[1\]: line 1, column 8/);
		expect(() => renderRequest({ template: '{{ fewshot("nope") }}', fewShotSets })).toThrow(
			'few-shot set "nope" not found (known sets: "sentiment")'
		);
	});
	it('does not leak set variables from one message into the next', () => {
		const r = renderRequest({
			messages: [
				{ role: 'user', content: '{% set x = 1 %}{{ x }}' },
				{ role: 'user', content: '[{{ x }}]' }
			]
		});
		expect(r.output).toEqual([
			{ role: 'user', content: '1' },
			{ role: 'user', content: '[]' }
		]);
	});
});

describe('renderWithTrace', () => {
	it('records variables, branches, loop iterations with output, filters and messages', () => {
		const { trace, output } = renderWithTrace({
			messages: [
				{
					role: 'user',
					content: '{% for x in xs %}{% if x > 1 %}{{ x | string | upper }}{% endif %}{% endfor %}'
				}
			],
			variables: { xs: [1, 2] }
		});
		expect(output).toEqual([{ role: 'user', content: '2' }]);
		expect(trace.truncated).toBe(false);
		expect(trace.steps).toEqual([
			{ kind: 'variable', name: 'xs', preview: '[1, 2]' },
			{ kind: 'if', condition: 'x > 1', branch: 'else', output: '' },
			{ kind: 'filter', filter: 'string', args: [], input: '2', output: '2' },
			{ kind: 'filter', filter: 'upper', args: [], input: '2', output: '2' },
			{ kind: 'if', condition: 'x > 1', branch: 'then', output: '2' },
			{ kind: 'for', loop: 'x in xs', iteration: 2, item: '2', output: '2' },
			{ kind: 'message', index: 0, role: 'user', content: '2' }
		]);
	});
	it('is off unless asked for', () => {
		expect(renderRequest({ template: 'x' }).trace).toBeUndefined();
	});
});

describe('Python Jinja2 semantics where the library differs (expected values from Python Jinja2 3.1)', () => {
	it.each([
		[
			'prints None, True and floats like Python',
			'{{ none }}|{{ true }}|{{ false }}|{{ 1.5 }}|{{ 2.0 }}|{{ missing }}',
			{},
			'None|True|False|1.5|2.0|'
		],
		[
			'prints lists, dicts and tuples as Python reprs',
			"{{ [1, 'a', none, true, f] }}|{{ {'k': [1], \"it's\": {}} }}|{{ (1, 'b') }}",
			{ f: 1.5e-7 },
			"[1, 'a', None, True, 1.5e-07]|{'k': [1], \"it's\": {}}|(1, 'b')"
		],
		[
			'quotes and escapes strings inside a repr like Python',
			"{{ \"it's\" }}|{{ [\"it's\", 'say \"hi\"', 'tab\\t', 'é\\x00'] }}",
			{},
			"it's|[\"it's\", 'say \"hi\"', 'tab\\t', 'é\\x00']"
		],
		[
			'prints a namespace like Jinja2',
			'{% set ns = namespace(a=1) %}{{ ns }}',
			{},
			"<Namespace {'a': 1}>"
		],
		[
			'~, string and join use str()',
			"{{ 'a' ~ none ~ 1 ~ [2] }}|{{ none | string }}|{{ ['a', none, 1] | join('-') }}",
			{},
			'aNone1[2]|None|a-None-1'
		],
		[
			'== compares by content, undefined is not none',
			"{{ [1, 2] == [1, 2] }}|{{ {'a': 1} == {'a': 1} }}|{{ x == none }}|{{ 1 == 1.0 }}|{{ true == 1 }}|{{ [1] != [2] }}",
			{},
			'True|True|False|True|True|True'
		],
		[
			'+ with a safe (Markup) string escapes the other string',
			"{{ '<b>' | safe + '<i>' }}|{{ '<i>' + '<b>' | safe }}|{{ '<&>\"' | e }}|{{ ('x' | safe) ~ '<' }}",
			{},
			'<b>&lt;i&gt;|&lt;i&gt;<b>|&lt;&amp;&gt;&#34;|x<'
		],
		[
			'select and reject take a test',
			"{{ ['a', '', 'b'] | select | list }}|{{ [1, 2, 3] | reject('equalto', 2) | list }}|{{ ['x', 'y'] | select('equalto', 'y') | join }}",
			{},
			"['a', 'b']|[1, 3]|y"
		],
		[
			'a key a value cannot have is undefined; undefined and dicts are iterable',
			'{{ d[1] is defined }}|{{ d[missing] is defined }}|{{ l[missing] is defined }}|{{ missing is iterable }}|{{ d is iterable }}|{{ 3 is iterable }}',
			{ d: { a: 1 }, l: [1] },
			'False|False|False|True|True|False'
		]
	] as [string, string, Record<string, unknown>, string][])(
		'%s',
		(_label, template, variables, expected) => {
			expect(text({ template, variables })).toBe(expected);
		}
	);
});

describe('undefined values', () => {
	it('loops over an undefined variable zero times, like Jinja2', () => {
		expect(text({ template: '[{% for x in missing %}{{ x }}{% else %}none{% endfor %}]' })).toBe(
			'[none]'
		);
	});
});
