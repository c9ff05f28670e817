import { Environment, Template } from '@huggingface/jinja';
import { afterEach, describe, expect, it } from 'vitest';
import { TemplateError } from './errors';
import { resolveIncludes } from './includes';
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

const text = (req: RenderRequest) => {
	const r = renderRequest(req);
	if (r.kind !== 'text') throw new Error('expected text');
	return r.output;
};

const g = globalThis as Record<string, unknown>;
const proto = Object.prototype as Record<string, unknown>;
afterEach(() => {
	delete g.__pwned;
	delete proto.polluted;
});

/**
 * Safety comes from what the interpreter can reach, not from forbidden names: variables are copied
 * into plain data, the interpreter holds them as its own values (Maps and arrays of values), and
 * member access reads only the entries of those values or the library's fixed builtins. So
 * `constructor`, `__proto__`, `arguments` … are ordinary names that are either data or undefined.
 */
describe('escape attempts reach nothing (by construction, not by a name list)', () => {
	const variables = { user: { name: 'a' }, users: [{ a: {} }], obj: { a: 1 }, name: 'constructor' };

	it.each([
		['range.constructor', '{{ range.constructor("globalThis.__pwned = 1")() }}'],
		['string constructor chain', "{{ ''.constructor.constructor('globalThis.__pwned = 1')() }}"],
		['return process', '{{ range.constructor("return process")().exit(1) }}'],
		['namespace constructor', '{{ namespace.constructor("globalThis.__pwned = 1")() }}'],
		[
			'macro constructor',
			'{% macro m() %}{% endmacro %}{{ m.constructor("globalThis.__pwned = 1")() }}'
		],
		['dynamic key constructor', '{{ obj[name][name]("globalThis.__pwned = 1")() }}'],
		['Python SSTI chain', "{{ ''.__class__.__mro__[1].__subclasses__() }}"],
		['Python globals chain', "{{ cycler.__init__.__globals__.os.popen('id').read() }}"],
		['attr filter to a function', '{{ (range | attr("constructor"))("globalThis.__pwned = 1")() }}']
	])('%s fails as a plain runtime error and runs nothing', (_label, template) => {
		const e = failure({ template, variables });
		expect(e.code).toBe('template_runtime');
		expect(g.__pwned).toBeUndefined();
	});

	it.each([
		['__proto__ attribute', '{{ user.__proto__ }}'],
		['prototype attribute', '{{ user.prototype }}'],
		['constructor attribute', '{{ user.constructor }}'],
		['subscript with a literal key', '{{ user["constructor"] }}'],
		['dynamic key', '{{ obj[name] }}'],
		['dunder attribute', '{{ user.__class__ }}{{ user.__dict__ }}'],
		[
			'arguments and callee',
			'{{ arguments }}{{ user.arguments }}{{ user.callee }}{{ range.caller }}'
		],
		['attr filter', '{{ user | attr("constructor") }}'],
		['self globals chain', '{{ self.__init__.__globals__ }}'],
		[
			'map attribute path',
			'{% for v in users | map(attribute="a.constructor") %}{{ v }}{% endfor %}'
		],
		[
			'globals of the host',
			'{{ self }}{{ globalThis }}{{ global }}{{ window }}{{ this }}{{ process }}{{ require }}{{ module }}{{ Function }}{{ eval }}'
		],
		['variable named constructor (not passed)', '{{ constructor }}{{ __proto__ }}{{ toString }}']
	])('%s is undefined', (_label, template) => {
		const out = text({ template, variables });
		expect(out).toMatch(/^0?$/);
		expect(g.__pwned).toBeUndefined();
	});

	it('attribute paths of filters read data only', () => {
		const template =
			'{{ users | selectattr("constructor") | list | length }}|' +
			'{{ users | map(attribute="__proto__") | select("defined") | list | length }}|' +
			'{{ users | sort(attribute="constructor") | length }}|' +
			'{{ users | map(attribute="a.constructor") | select("defined") | list | length }}';
		expect(text({ template, variables })).toBe('0|0|1|0');
	});

	it('writes to __proto__ are data of the namespace or dict, never prototypes', () => {
		const out = text({
			template:
				'{% set ns = namespace(a=1) %}{% set ns.__proto__ = {"polluted": 1} %}' +
				'{% set d = {"__proto__": {"polluted": 2}} %}' +
				'[{{ ns.polluted }}][{{ d.polluted }}][{{ ns.__proto__.polluted }}][{{ d["__proto__"].polluted }}]'
		});
		expect(out).toBe('[][][1][2]');
		expect(proto.polluted).toBeUndefined();
	});

	it('no JavaScript prototype member is reachable from any kind of value', () => {
		const py = (b: boolean) => (b ? 'True' : 'False');
		const LOOP_FIELDS = ['index', 'index0', 'revindex', 'revindex0', 'first', 'last', 'length'];
		const names = new Set<string>();
		for (const p of [
			Object.prototype,
			Function.prototype,
			String.prototype,
			Array.prototype,
			Number.prototype,
			Boolean.prototype,
			Map.prototype
		])
			for (const n of Object.getOwnPropertyNames(p)) names.add(n);
		for (const n of ['__bool__', 'builtins', '_builtins', 'value', 'type', 'parent', 'variables'])
			names.add(n);
		const samples: [string, unknown][] = [
			['s', 'text'],
			['n', 1],
			['f', 1.5],
			['b', true],
			['z', null],
			['l', [1]],
			['d', { k: 1 }]
		];
		const builtins = (v: unknown) => {
			const env = new Environment();
			return new Set(env.set('v', v).builtins.keys());
		};
		const exprs = samples
			.map(([k]) => k)
			.concat(['range', 'namespace', 'ns', 'm', 'loop', 'missing']);
		for (const name of names) {
			const key = JSON.stringify(name);
			const template =
				'{% set ns = namespace(k=1) %}{% macro m() %}{% endmacro %}{% for _ in [1] %}' +
				exprs
					.map((e) => `{{ ${e}[${key}] is defined }},{{ ${e} | attr(${key}) is defined }};`)
					.join('') +
				'{% endfor %}';
			const out = text({ template, variables: Object.fromEntries(samples) });
			const expected = exprs
				.map((e) => {
					const sample = samples.find(([k]) => k === e);
					// Only the library's own Jinja methods (e.g. "split" of a string, "length" of a list),
					// and the fields of the loop object.
					const like = e === 'loop' ? {} : sample?.[1];
					const own = like !== undefined && builtins(like).has(name);
					const field = e === 'loop' && LOOP_FIELDS.includes(name);
					return `${py(own || field)},${py(own)};`;
				})
				.join('');
			expect(out, `member ${key}`).toBe(expected);
		}
	});

	it('the library alone never reaches a JavaScript function (defence below our layer)', () => {
		expect(() =>
			new Template('{{ range.constructor("globalThis.__pwned = 1")() }}').render({})
		).toThrow(/not a function/);
		expect(new Template('{{ x.__proto__ }}{{ x["constructor"] }}').render({ x: {} })).toBe('');
		expect(g.__pwned).toBeUndefined();
	});
});

describe('JavaScript-internal names are ordinary data', () => {
	it('reads tool_call.function.arguments and other keys named like JavaScript internals', () => {
		const out = text({
			template:
				'{% for c in calls %}{{ c.function.name }}({{ c.function.arguments | tojson }}) ' +
				'{{ c["arguments"] }} {{ c.constructor }} {{ c.toString }} {{ c.__proto__.x }}{% endfor %}',
			variables: JSON.parse(
				'{"calls": [{"function": {"name": "f", "arguments": {"a": 1}}, "arguments": "raw", ' +
					'"constructor": "ctor", "toString": "ts", "__proto__": {"x": "px"}}]}'
			)
		});
		expect(out).toBe('f({"a": 1}) raw ctor ts px');
	});

	it('accepts variables named constructor, arguments or __proto__', () => {
		expect(
			text({
				template: '{{ constructor }}/{{ arguments }}/{{ __proto__.a }}',
				variables: JSON.parse('{"constructor": 1, "arguments": 2, "__proto__": {"a": 3}}')
			})
		).toBe('1/2/3');
		expect(proto.a).toBeUndefined();
	});

	it('includes a prompt named like a JavaScript internal, and reports a missing one plainly', async () => {
		const includes = await resolveIncludes(
			'{{ include("__proto__") }}{{ include("constructor") }}',
			async (ref) => ({
				source: `<${ref.name}>`,
				versionId: 'v1'
			})
		);
		expect(Object.keys(includes).sort()).toEqual(['__proto__', 'constructor']);
		expect(
			text({ template: '{{ include("__proto__") }}{{ include("constructor") }}', includes })
		).toBe('<__proto__><constructor>');
		const e = failure({ template: '{{ include("toString") }}' });
		expect(e.code).toBe('not_found');
		expect(e.message).toContain('"toString"');
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
		const out = renderRequest({
			template: '{{ o.k }}{{ o.polluted }}|{{ o.__proto__.polluted }}',
			variables: vars
		}).output;
		expect(out).toBe('1|True');
		expect(proto.polluted).toBeUndefined();
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
});
