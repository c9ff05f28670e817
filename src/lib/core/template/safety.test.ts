import { Template } from '@huggingface/jinja';
import { afterEach, describe, expect, it } from 'vitest';
import { TemplateError } from './errors';
import { renderRequest } from './render';
import type { RenderRequest } from './types';

function failure(req: RenderRequest): TemplateError {
	try {
		renderRequest(req);
	} catch (e) {
		expect(e).toBeInstanceOf(TemplateError);
		return e as TemplateError;
	}
	throw new Error('expected the render to fail');
}

const g = globalThis as Record<string, unknown>;
afterEach(() => {
	delete g.__pwned;
});

describe('escape attempts fail with template_unsafe', () => {
	it.each([
		['range.constructor', '{{ range.constructor("globalThis.__pwned = 1")() }}'],
		['string constructor chain', "{{ ''.constructor.constructor('globalThis.__pwned = 1')() }}"],
		['__proto__ attribute', '{{ user.__proto__ }}'],
		['prototype attribute', '{{ user.prototype }}'],
		['subscript with a literal key', '{{ user["constructor"] }}'],
		['dunder attribute', '{{ user.__class__ }}'],
		['namespace __proto__ write', '{% set ns = namespace(a=1) %}{% set ns.__proto__ = 1 %}'],
		['attr filter', '{{ user | attr("constructor") }}'],
		['map attribute path', '{{ users | map(attribute="a.constructor") | join }}'],
		['object literal key', '{{ {"__proto__": 1} }}'],
		['variable named constructor', '{{ constructor }}']
	])('%s', (_label, template) => {
		const e = failure({ template, variables: { user: { name: 'a' }, users: [{ a: {} }] } });
		expect(e.code).toBe('template_unsafe');
		expect(e.message).toMatch(/not allowed/);
		expect(g.__pwned).toBeUndefined();
	});

	it('checks dynamic keys at render time (obj[name] with name = "constructor")', () => {
		const e = failure({
			template: '{{ obj[name] }}',
			variables: { obj: { a: 1 }, name: 'constructor' }
		});
		expect(e.code).toBe('template_unsafe');
		expect(e.message).toContain('"constructor"');
	});

	it('still allows ordinary dynamic keys', () => {
		expect(
			renderRequest({ template: '{{ obj[name] }}', variables: { obj: { a: 1 }, name: 'a' } }).output
		).toBe('1');
	});

	it('the library alone never reaches a JavaScript function (defence below the validator)', () => {
		expect(() =>
			new Template('{{ range.constructor("globalThis.__pwned = 1")() }}').render({})
		).toThrow(/not a function/);
		expect(new Template('{{ x.__proto__ }}{{ x["constructor"] }}').render({ x: {} })).toBe('');
		expect(g.__pwned).toBeUndefined();
	});
});

describe('context is plain data only', () => {
	it('rejects functions in variables', () => {
		const e = failure({ template: '{{ f() }}', variables: { f: () => process.env } });
		expect(e.code).toBe('template_unsafe');
		expect(e.message).toContain('"f" is a function');
	});

	it('rejects nested class instances and cycles', () => {
		expect(failure({ template: '', variables: { m: { x: new Map() } } }).message).toContain(
			'Map instance'
		);
		const a: Record<string, unknown> = {};
		a.self = a;
		expect(failure({ template: '', variables: { a } }).message).toContain('circular');
	});

	it('copies __proto__ keys as data, never as prototypes', () => {
		const vars = JSON.parse('{"o": {"__proto__": {"polluted": true}, "k": 1}}');
		const out = renderRequest({ template: '{{ o.k }}{{ o.polluted }}', variables: vars }).output;
		expect(out).toBe('1');
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it('rejects deeply nested variables with template_limit', () => {
		let deep: unknown = 1;
		for (let i = 0; i < 200; i++) deep = [deep];
		const e = failure({ template: '{{ d }}', variables: { d: deep } });
		expect(e.code).toBe('template_limit');
		expect(e.message).toContain('nested deeper');
	});

	it('rejects passing a built-in name such as raise_exception', () => {
		const e = failure({ template: '', variables: { raise_exception: 'x' } });
		expect(e.code).toBe('validation');
		expect(e.message).toContain('"raise_exception" is a built-in name');
	});
});

describe('resource limits (in-process budget)', () => {
	it.each([
		['huge range', '{% for i in range(100000000) %}x{% endfor %}', 'range() of 100000000 items'],
		['huge string repetition', "{{ 'x' * 10**9 }}", 'a string of 1000000000 characters'],
		[
			'string doubling',
			"{% set s = 'x' %}{% for i in range(40) %}{% set s = s ~ s %}{% endfor %}{{ s }}",
			'longer than'
		],
		['recursive macro', '{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}', 'nested deeper'],
		[
			'nested loops',
			'{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(1000) %}{% endfor %}{% endfor %}{% endfor %}',
			'steps'
		],
		[
			'huge output',
			'{% for a in range(20000) %}{{ "0123456789" * 2 }}{% endfor %}',
			'output is longer'
		]
	])('%s', (_label, template, detail) => {
		const limits = { maxSteps: 100_000, maxOutputChars: 100_000, timeoutMs: 60_000 };
		const e = failure({ template, options: { limits } });
		expect(e.code).toBe('template_limit');
		expect(e.message).toContain('render limit exceeded');
		expect(e.message).toContain(detail);
	});

	it('stops on the time limit', () => {
		const e = failure({
			template: '{% for a in range(20000) %}{% for b in range(1000) %}{% endfor %}{% endfor %}',
			options: { limits: { timeoutMs: 100, maxSteps: Number.MAX_SAFE_INTEGER } }
		});
		expect(e.message).toBe('render limit exceeded: took longer than 100 ms');
	});

	it('stops deeply nested template expressions without crashing', () => {
		const template = '{{ ' + '('.repeat(5000) + '1' + ')'.repeat(5000) + ' }}';
		expect(failure({ template }).code).toBe('template_limit');
	});
});
