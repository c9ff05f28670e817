/**
 * Dotprompt import and export, proven against Google's own `dotprompt` package: every exported
 * file renders with it to the text our engine renders, and every imported file renders with our
 * engine to what the package renders.
 */
import { Dotprompt } from 'dotprompt';
import { describe, expect, it } from 'vitest';
import type { ChatMessage, Prompt } from '../model/prompt';
import { renderRequest } from '../template/render';
import { readDotprompt } from './dotprompt';
import { writeDotprompt } from './dotprompt-export';

const base: Prompt = {
	id: 'p',
	name: 'p',
	type: 'text',
	content: '',
	messages: [],
	description: '',
	tags: [],
	intent: '',
	author: '',
	modelConfig: { model: '', params: {} },
	customFields: [],
	templateOptions: { trimBlocks: false, lstripBlocks: false },
	folderId: null,
	projectId: null,
	createdAt: 0,
	updatedAt: 0,
	deletedAt: null
};

const text = (content: string, over: Partial<Prompt> = {}): Prompt => ({
	...base,
	content,
	...over
});
const chat = (messages: ChatMessage[]): Prompt => ({ ...base, type: 'chat', messages });

const vars = {
	name: 'Ana',
	city: 'Lisbon',
	items: ['tea', 'cake', 'jam'],
	users: [
		{ name: 'Bo', admin: true },
		{ name: 'Cy', admin: false }
	],
	prices: { tea: 2, cake: 5 },
	tone: 'formal',
	empty: [],
	flag: true,
	off: false,
	profile: { name: 'Ana', langs: ['pt', 'en'] },
	json: 'a variable named like a helper'
};

/** Our engine's output, as Dotprompt's messages (role, text). */
function ours(p: Prompt, includes: Record<string, string> = {}): { role: string; text: string }[] {
	const r = renderRequest({
		...(p.type === 'text' ? { template: p.content } : { messages: p.messages }),
		variables: vars,
		options: p.templateOptions,
		includes: Object.fromEntries(
			Object.entries(includes).map(([name, source]) => [
				name,
				{ ref: { name }, source, versionId: 'v' }
			])
		)
	});
	if (r.kind === 'text') return [{ role: 'user', text: r.output }];
	return r.output.map((m) => ({
		role: m.role === 'assistant' ? 'model' : m.role,
		text: m.content
	}));
}

/** The `dotprompt` package's output for a file. */
async function theirs(source: string, partials: Record<string, string> = {}) {
	const dp = new Dotprompt();
	for (const [name, src] of Object.entries(partials)) dp.definePartial(name, src);
	const rendered = await dp.render(source, { input: vars });
	return rendered.messages.map((m) => ({
		role: m.role,
		text: m.content.map((part) => ('text' in part ? part.text : '')).join('')
	}));
}

const TRANSLATABLE: Array<[string, Prompt]> = [
	['a variable', text('Hello {{ name }} from {{city}}!')],
	['paths into objects and lists', text('{{ profile.name }} speaks {{ profile.langs[0] }}.')],
	[
		'an if block on lines of its own',
		text(
			'Dear {{ name }},\n{% if flag %}\nYou are in.\n{% else %}\nYou are out.\n{% endif %}\nBye\n'
		)
	],
	[
		'indented block tags',
		text('List:\n  {% for item in items %}\n  - {{ item }}\n  {% endfor %}\nend')
	],
	[
		'if / elif / else on one line',
		text('{% if off %}a{% elif tone == "formal" %}b{% else %}c{% endif %}')
	],
	[
		'not and !=',
		text('{% if not off %}on{% endif %}|{% if tone != "casual" %}not casual{% endif %}')
	],
	[
		'a loop with loop.index0, first and last',
		text(
			'{% for item in items %}{{ loop.index0 }}:{{ item }}{% if not loop.last %}, {% endif %}{% endfor %}'
		)
	],
	[
		'a loop over objects and an outer variable',
		text('{% for u in users %}{{ u.name }} meets {{ name }}. {% endfor %}')
	],
	[
		'nested loops',
		text('{% for u in users %}[{% for i in items %}{{ u.name }}-{{ i }} {% endfor %}]{% endfor %}')
	],
	['a loop over a mapping', text('{% for k, v in prices.items() %}{{ k }}={{ v }};{% endfor %}')],
	['a for-else on an empty list', text('{% for x in empty %}{{ x }}{% else %}nothing{% endfor %}')],
	[
		'json',
		text('Data: {{ items | json(separators=(",", ":")) }} / {{ profile | tojson(indent=2) }}')
	],
	['a comment and whitespace control', text('A  {#- note -#}  B\n{{- name -}}\n C')],
	['braces written as a string', text('Use {{ "{{" }} mustache }} literally')],
	['a backslash before a variable', text('path\\{{ name }}')],
	['a variable named like a helper', text('{{ json }}')],
	['leading and trailing whitespace', text('\n  Hello {{ name }}  \n\n')],
	[
		'trim_blocks and lstrip_blocks',
		text('A\n    {% if flag %}\nB\n    {% endif %}\nC', {
			templateOptions: { trimBlocks: true, lstripBlocks: true }
		})
	],
	[
		'chat messages',
		chat([
			{ role: 'system', content: 'You are a {{ tone }} assistant.' },
			{
				role: 'user',
				content: 'Hi, I am {{ name }}.\n{% for i in items %}\n- {{ i }}\n{% endfor %}\n'
			},
			{ role: 'assistant', content: '  Hello {{ name }}!' },
			{ role: 'user', content: 'Thanks' }
		])
	]
];

describe('Dotprompt export', () => {
	it.each(TRANSLATABLE)('%s: the dotprompt package renders the same text', async (_, prompt) => {
		const out = writeDotprompt(prompt);
		expect(out.issues).toEqual([]);
		expect(await theirs(out.text)).toEqual(ours(prompt));
	});

	it('writes include() as a partial the package resolves', async () => {
		const prompt = text(
			'{{ include("signature") }}\n{% for i in items %}{{ include("signature") }}{% endfor %}'
		);
		const out = writeDotprompt(prompt);
		expect(out.partials).toEqual(['signature']);
		const sig = writeDotprompt(text('-- {{ name }}'));
		const sigBody = sig.text.replace(/^---\n[\s\S]*?---\n/, '').trimEnd();
		expect(await theirs(out.text, { signature: sigBody })).toEqual(
			ours(prompt, { signature: '-- {{ name }}' })
		);
	});

	it('keeps model, config, tags and an input schema in the front matter', async () => {
		const out = writeDotprompt(
			text('Hi {{ name }}, {{ count }} items', {
				description: 'Greets',
				tags: ['greeting'],
				modelConfig: {
					model: 'googleai/gemini-1.5-flash',
					temperature: 0.4,
					maxTokens: 300,
					params: { topK: 20 }
				}
			})
		);
		const parsed = new Dotprompt().parse(out.text);
		expect(parsed).toMatchObject({
			description: 'Greets',
			model: 'googleai/gemini-1.5-flash',
			config: { temperature: 0.4, maxOutputTokens: 300, topK: 20 },
			input: { schema: { name: 'string', count: 'string' } },
			ext: { promptloom: { tags: ['greeting'] } }
		});
	});

	it('reports what Dotprompt cannot express, with the line', () => {
		const out = writeDotprompt(
			text(
				'ok {{ name }}\n{{ name | upper }}\n{% set x = 1 %}\n{{ loop.index }}\n{% if a > 1 %}x{% endif %}'
			)
		);
		expect(out.issues.map((i) => `${i.line}:${i.column} ${i.message}`)).toEqual([
			'2:1 a filter cannot be written in Dotprompt (Handlebars)',
			'3:1 `{% set %}` cannot be written in Dotprompt (Handlebars)',
			'4:1 `loop` outside a for loop cannot be written in Dotprompt (Handlebars)',
			'5:1 the condition `> expression` (Dotprompt tests one value, or == and !=) cannot be written in Dotprompt (Handlebars)'
		]);
	});
});

describe('Dotprompt import', () => {
	const FILES: Array<[string, string]> = [
		[
			'greeting.prompt',
			[
				'---',
				'model: googleai/gemini-1.5-flash',
				'config:',
				'  temperature: 0.7',
				'  maxOutputTokens: 200',
				'  topK: 20',
				'input:',
				'  schema:',
				'    name: string',
				'    items(array): string',
				'  default:',
				'    name: Guest',
				'---',
				'{{role "system"}}',
				'You greet people in {{city}}.',
				'{{role "user"}}',
				'Hello, I am {{name}}.',
				'{{#if flag}}',
				'I like:',
				'{{#each items}}',
				'  {{@index}}. {{this}}{{#if @last}}!{{/if}}',
				'{{/each}}',
				'{{else}}',
				'Nothing.',
				'{{/if}}',
				'{{#each users as |u|}}{{u.name}}{{#unless @last}}, {{/unless}}{{/each}}',
				'{{#ifEquals tone "formal"}}Regards{{else}}Cheers{{/ifEquals}} {{json prices}}',
				'{{! a comment }}'
			].join('\n')
		],
		[
			'objects.prompt',
			'{{#each prices}}{{@key}}: {{this}}; {{/each}}{{#with profile}}{{name}} ({{langs.[1]}}){{/with}} {{#each users}}{{name}}/{{../tone}} {{/each}}'
		],
		['plain.prompt', '\n\n  Just text with {{{name}}} and \\{{escaped}}.  \n\n']
	];

	it.each(FILES)('%s: our render equals the dotprompt package', async (file, source) => {
		const r = readDotprompt(source, { fileName: file });
		if (!r.ok) throw new Error(JSON.stringify(r.issues));
		expect(ours(r.prompt)).toEqual(await theirs(source));
	});

	it('keeps model, config and the input schema, and maps the roles', () => {
		const r = readDotprompt(FILES[0][1], { fileName: 'greeting.prompt' });
		if (!r.ok) throw new Error(JSON.stringify(r.issues));
		expect(r.prompt).toMatchObject({
			name: 'greeting',
			type: 'chat',
			modelConfig: {
				model: 'googleai/gemini-1.5-flash',
				temperature: 0.7,
				maxTokens: 200,
				params: { topK: 20 }
			}
		});
		expect(r.prompt.messages.map((m) => m.role)).toEqual(['system', 'user']);
		const kept = JSON.parse(String(r.prompt.customFields[0].value));
		expect(kept.input).toEqual({
			schema: { name: 'string', 'items(array)': 'string' },
			default: { name: 'Guest' }
		});
	});

	it('turns partials into includes (a `_name.prompt` file is the partial)', () => {
		const r = readDotprompt('{{> header}}\nBody {{> myFooter}}', { fileName: 'page.prompt' });
		if (!r.ok) throw new Error(JSON.stringify(r.issues));
		// A partial alone on its line takes the line's newline with it (Handlebars' standalone rule).
		expect(r.prompt.content).toBe('{{ include("header") }}Body {{ include("myfooter") }}');
		expect(r.partials).toEqual(['header', 'myFooter']);
		const partial = readDotprompt('Hi', { fileName: 'dir/_header.prompt' });
		expect(partial.ok && partial.prompt.name).toBe('header');
	});

	it('reports each construct it cannot translate at its line, and Handlebars syntax errors', () => {
		const r = readDotprompt(
			[
				'---',
				'model: x',
				'---',
				'ok {{name}}',
				'{{history}}',
				'  {{media url=photo}}',
				'{{#if x}}{{role "user"}}{{/if}}',
				'{{> part arg}}',
				'{{shout name}}'
			].join('\n'),
			{ fileName: 'bad.prompt' }
		);
		expect(r.ok).toBe(false);
		expect(r.issues.map((i) => `${i.line}:${i.column}`)).toEqual([
			'5:1',
			'6:3',
			'7:10',
			'8:1',
			'9:1'
		]);
		expect(r.issues[0].message).toContain('`{{history}}`');
		const syntax = readDotprompt('---\nmodel: x\n---\nline one\n{{#if x}}\nno close', {
			fileName: 'x.prompt'
		});
		expect(syntax.ok).toBe(false);
		expect(syntax.issues[0].message).toMatch(/^Handlebars syntax/);
	});
});

describe('Dotprompt round trip', () => {
	it.each(TRANSLATABLE)('%s: export then import renders the same', (_, prompt) => {
		const out = writeDotprompt(prompt);
		const back = readDotprompt(out.text, { fileName: `${prompt.name}.prompt` });
		if (!back.ok) throw new Error(JSON.stringify(back.issues));
		expect(ours(back.prompt)).toEqual(ours(prompt).filter((m) => m.text.trim() !== ''));
		expect(back.prompt.modelConfig).toEqual(prompt.modelConfig);
		expect(back.prompt.templateOptions).toEqual({ trimBlocks: false, lstripBlocks: false });
	});
});
