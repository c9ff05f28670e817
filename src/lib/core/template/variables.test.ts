import { describe, expect, it } from 'vitest';
import { extractVariables } from './variables';

describe('extractVariables', () => {
	it('infers kinds from usage: iterated → list, attributes → object, arithmetic → number', () => {
		const vars = extractVariables(
			'{% for m in messages %}{{ m.role }}{% endfor %}{{ user.name }} {{ user["email"] }} {{ count + 1 }} {{ n > 3 }} {{ topic }}'
		);
		expect(vars).toEqual([
			{ name: 'messages', kind: 'list', required: true },
			{ name: 'user', kind: 'object', required: true, fields: ['name', 'email'] },
			{ name: 'count', kind: 'number', required: true },
			{ name: 'n', kind: 'number', required: true },
			{ name: 'topic', kind: 'text', required: true }
		]);
	});

	it('reads defaults and marks defaulted or guarded variables optional', () => {
		expect(
			extractVariables(
				'{{ tone | default("friendly") }}{{ k | default(3) }}{% if extra is defined %}{{ extra }}{% endif %}{% if notes %}{{ notes }}{% endif %}'
			)
		).toEqual([
			{ name: 'tone', kind: 'text', required: false, default: 'friendly' },
			{ name: 'k', kind: 'number', required: false, default: 3 },
			{ name: 'extra', kind: 'text', required: false },
			{ name: 'notes', kind: 'text', required: false }
		]);
	});

	it('leaves out loop variables, set names, macros and their parameters, and built-ins', () => {
		const vars = extractVariables(
			'{% set greeting = "hi" %}{% macro line(text, sep="-") %}{{ sep }}{{ text }}{{ suffix }}{% endmacro %}' +
				'{% for a, b in pairs %}{{ loop.index }}{{ a }}{{ b }}{{ line(a) }}{% endfor %}{{ greeting }}{{ range(3) | length }}{{ true }}'
		);
		expect(vars.map((v) => v.name)).toEqual(['suffix', 'pairs']);
	});

	it('treats bos_token and eos_token as optional text', () => {
		expect(extractVariables('{{ bos_token }}{{ x }}')[0]).toEqual({
			name: 'bos_token',
			kind: 'text',
			required: false,
			default: ''
		});
	});

	it('merges the variables of several templates (chat messages)', () => {
		expect(extractVariables(['{{ a }}', '{{ b }}{{ a.x }}']).map((v) => [v.name, v.kind])).toEqual([
			['a', 'object'],
			['b', 'text']
		]);
	});

	it('throws the syntax error of a broken template', () => {
		expect(() => extractVariables('{{ a + }}')).toThrow(/line 1, column 8/);
	});
});
