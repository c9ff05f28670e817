import { describe, expect, it } from 'vitest';
import { TemplateError } from './errors';
import { checkTemplate } from './lint';
import { parseTemplate } from './parse';

function syntaxError(source: string, options = {}): TemplateError {
	try {
		parseTemplate(source, options);
	} catch (e) {
		expect(e).toBeInstanceOf(TemplateError);
		return e as TemplateError;
	}
	throw new Error('expected a syntax error');
}

describe('parseTemplate syntax errors', () => {
	it('reports the line and column of an unexpected token', () => {
		const e = syntaxError('first line\nsecond\n  {{ a + }}');
		expect(e.code).toBe('template_syntax');
		expect([e.line, e.column]).toEqual([3, 10]);
		expect(e.message).toMatch(/^line 3, column 10: unexpected "}}"/);
	});

	it('locates a character the lexer rejects', () => {
		const e = syntaxError('ok\n{{ a $ b }}');
		expect([e.line, e.column]).toEqual([2, 6]);
		expect(e.message).toContain('unexpected character');
	});

	it('reports an unclosed block at the end of the template', () => {
		const e = syntaxError('{% if x %}\nyes');
		expect(e.message).toContain('unexpected end of template');
		expect(e.line).toBe(2);
	});

	it('keeps original positions when lstrip_blocks and trim_blocks remove text', () => {
		const e = syntaxError('{% if a %}\n    {% for %}\n{% endif %}', {
			lstripBlocks: true,
			trimBlocks: true
		});
		expect([e.line, e.column]).toEqual([2, 12]);
	});

	it('explains that {% include %} is written as a call', () => {
		expect(syntaxError('{% include "x" %}').message).toContain(
			'{{ include("name", label="production") }}'
		);
	});

	it('rejects include() with a non-literal name', () => {
		expect(syntaxError('{{ include(name) }}').message).toContain('include() takes the prompt name');
	});

	it('parses valid templates and lists their includes', () => {
		const p = parseTemplate(
			'{{ include("style", label="production") }} {{ include("x", version="v1") }}'
		);
		expect(p.includes).toEqual([
			{ name: 'style', label: 'production' },
			{ name: 'x', version: 'v1' }
		]);
	});
});

describe('checkTemplate (editor lint)', () => {
	it('returns null for a valid template', () => {
		expect(checkTemplate('Hello {{ name | default("you") }}')).toBeNull();
	});
	it('returns a diagnostic with line and column', () => {
		expect(checkTemplate('a\n{% for x in %}{% endfor %}')).toMatchObject({
			code: 'template_syntax',
			line: 2
		});
	});
	it('does not flag names that are only data (tool_call.function.arguments, __proto__)', () => {
		expect(
			checkTemplate('{{ tool_call.function.arguments | tojson }}{{ x.__proto__ }}')
		).toBeNull();
	});
});
