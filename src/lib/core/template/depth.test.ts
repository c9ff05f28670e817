import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliFolder } from '../../../../tests/support/cli';
import { TemplateError } from './errors';
import { effectiveLimits } from './limits';
import { parseTemplate } from './parse';
import { renderRequest } from './render';
import { DEFAULT_LIMITS, type RenderRequest } from './types';

function failure(req: RenderRequest): TemplateError {
	try {
		renderRequest(req);
	} catch (e) {
		if (!(e instanceof TemplateError)) throw e;
		return e;
	}
	throw new Error('expected the render to fail');
}

const N = DEFAULT_LIMITS.maxDepth;

/** Templates nested `n` levels deep in different ways (brackets, blocks, operator chains …). */
const shapes: Record<string, (n: number) => string> = {
	parentheses: (n) => '{{ ' + '('.repeat(n) + '1' + ')'.repeat(n) + ' }}',
	lists: (n) => '{{ ' + '['.repeat(n) + '1' + ']'.repeat(n) + ' }}',
	dicts: (n) => '{{ ' + '{"a": '.repeat(n) + '1' + '}'.repeat(n) + ' }}',
	'call arguments': (n) => '{{ ' + 'f('.repeat(n) + '1' + ')'.repeat(n) + ' }}',
	'if blocks': (n) => '{% if true %}'.repeat(n) + 'x' + '{% endif %}'.repeat(n),
	'for blocks': (n) => '{% for i in [1] %}'.repeat(n) + 'x' + '{% endfor %}'.repeat(n),
	'not chain': (n) => '{{ ' + 'not '.repeat(n) + 'x }}',
	'minus chain': (n) => '{{ ' + '-'.repeat(n) + '1 }}',
	'plus chain': (n) => '{{ 1' + ' + 1'.repeat(n) + ' }}',
	'attribute chain': (n) => '{{ x' + '.a'.repeat(n) + ' }}',
	'filter chain': (n) => '{{ x' + ' | trim'.repeat(n) + ' }}',
	'conditional chain': (n) => '{{ ' + '1 if x else '.repeat(n) + '2 }}'
};

describe('a template nested too deeply fails the same way at any depth', () => {
	it.each(Object.keys(shapes))('%s', (shape) => {
		const at = (n: number, maxDepth?: number) =>
			failure({
				template: shapes[shape](n),
				options: { limits: { maxDepth, maxTemplateChars: 5_000_000 } }
			});
		const first = at(N + 1);
		expect(first.code).toBe('template_limit');
		expect(first.message).toContain(`nested deeper than ${N} levels`);
		for (const n of [5000, 50_000]) {
			const e = at(n);
			expect([e.code, e.message]).toEqual([first.code, first.message]);
		}
		// A lower limit: the same error at depth 200 as at 5,000.
		const low = at(200, 100);
		expect(low.message).toContain('nested deeper than 100 levels');
		expect(at(5000, 100).message).toBe(low.message);
	});

	it('renders nesting up to the limit', () => {
		for (const shape of ['parentheses', 'lists', 'if blocks', 'plus chain', 'filter chain'])
			expect(() =>
				renderRequest({ template: shapes[shape](N - 10), variables: { x: 'a' } })
			).not.toThrow();
	});

	it('points at where the template gets too deep', () => {
		const e = failure({ template: 'ok\n' + shapes.lists(5000) });
		expect([e.line, e.column]).toEqual([2, N + 4]);
		expect(() => parseTemplate(shapes.lists(5000))).toThrow(`nested deeper than ${N} levels`);
	});

	it('values built deeper than the limit while rendering fail the same way', () => {
		const loop = (n: number) =>
			failure({
				template: `{% set ns = namespace(x=1) %}{% for i in range(${n}) %}{% set ns.x = [ns.x] %}{% endfor %}{{ ns.x }}`
			});
		expect(loop(5000).code).toBe('template_limit');
		expect(loop(5000).message).toContain(`nested deeper than ${N} levels`);
		const cycle = failure({
			template: '{% set ns = namespace(x=1) %}{% set ns.x = [ns] %}{{ ns }}'
		});
		expect([cycle.code, cycle.message]).toEqual([loop(5000).code, loop(5000).message]);
	});

	it('a limit above what the stack holds is capped', () => {
		expect(effectiveLimits({ maxDepth: 1_000_000, maxContextDepth: 1_000_000 })).toMatchObject({
			maxDepth: N,
			maxContextDepth: N
		});
		const e = failure({
			template: shapes.parentheses(5000),
			options: { limits: { maxDepth: 1_000_000 } }
		});
		expect(e.message).toContain(`nested deeper than ${N} levels`);
	});
});

/** Variables nested `n` levels deep: lists in lists, or objects in objects. */
const nestedList = (n: number) => '{"d": ' + '['.repeat(n) + '1' + ']'.repeat(n) + '}';
const nestedObject = (n: number) => '{"d": ' + '{"a": '.repeat(n) + '1' + '}'.repeat(n) + '}';

describe('variables nested too deeply fail the same way at any depth', () => {
	it.each([
		['lists', nestedList],
		['objects', nestedObject]
	])('%s', (_label, nested) => {
		const at = (n: number) => failure({ template: '{{ d }}', variables: JSON.parse(nested(n)) });
		const first = at(200);
		expect(first.code).toBe('template_limit');
		expect(first.message).toContain(`nested deeper than ${DEFAULT_LIMITS.maxContextDepth} levels`);
		for (const n of [5000, 50_000]) expect(at(n).message).toBe(first.message);
	});
});

describe('promptloom render exits 2 with the same error at depth 200 and 5,000', () => {
	const cli = cliFolder('render-depth', { scope: 'all' });
	const render = async (...args: string[]) => cli.run('render', ...args);

	it('for variables', async () => {
		await writeFile(join(cli.dir, 'd.j2'), '{{ d }}');
		for (const n of [200, 5000]) {
			await writeFile(join(cli.dir, `list-${n}.json`), nestedList(n));
			await writeFile(join(cli.dir, `object-${n}.json`), nestedObject(n));
		}
		const results = [];
		for (const file of ['list-200', 'list-5000', 'object-200', 'object-5000'])
			results.push(await render('d.j2', '--vars', `${file}.json`));
		for (const r of results) {
			expect(r.code).toBe(2);
			expect(r.stderr).toMatch(
				/^promptloom render: render limit exceeded: "d.*" is nested deeper than 64 levels\n$/
			);
		}
		expect(results[1].stderr).toBe(results[0].stderr);
		expect(results[3].stderr).toBe(results[2].stderr);
	});

	it('for templates', async () => {
		for (const n of [N + 1, 5000]) {
			await writeFile(join(cli.dir, `lists-${n}.j2`), shapes.lists(n));
			await writeFile(join(cli.dir, `attrs-${n}.j2`), shapes['attribute chain'](n));
		}
		for (const shape of ['lists', 'attrs']) {
			const small = await render(`${shape}-${N + 1}.j2`);
			const big = await render(`${shape}-5000.j2`);
			expect(small.code).toBe(2);
			expect(small.stderr).toContain(`nested deeper than ${N} levels`);
			expect(big).toEqual(small);
		}
	});
});
