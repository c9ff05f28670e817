import { describe, expect, it } from 'vitest';
import { formatCost, initialText, parseFormValues } from './variable-values';
import type { TemplateVariable } from '$lib/core/template/types';

const vars: TemplateVariable[] = [
	{ name: 'topic', kind: 'text', required: true },
	{ name: 'n', kind: 'number', required: false, default: 3 },
	{ name: 'items', kind: 'list', required: true },
	{ name: 'user', kind: 'object', required: false, fields: ['name'] }
];

describe('the generated variables form', () => {
	it('parses each input by kind and leaves empty optional inputs to their defaults', () => {
		const r = parseFormValues(vars, {
			topic: 'cats',
			n: '',
			items: 'a\nb\n',
			user: '{"name":"Ann"}'
		});
		expect(r).toEqual({
			values: { topic: 'cats', items: ['a', 'b'], user: { name: 'Ann' } },
			issues: {},
			blocking: false
		});
		expect(parseFormValues(vars, { topic: 'x', items: '[1, 2]', n: '4' }).values).toMatchObject({
			items: [1, 2],
			n: 4
		});
	});

	it('flags required, non-numeric and invalid JSON inputs', () => {
		const r = parseFormValues(vars, { n: 'many', items: '[1,', user: '[]' });
		expect(Object.keys(r.issues).sort()).toEqual(['items', 'n', 'topic', 'user']);
		expect(r.issues.topic).toMatch(/required/);
		expect(r.issues.n).toMatch(/must be a number/);
		expect(r.blocking).toBe(true);
	});

	it('formats defaults and costs for display', () => {
		expect(initialText({ name: 'x', kind: 'list', required: false, default: [1] })).toBe(
			'[\n  1\n]'
		);
		expect(initialText(vars[1])).toBe('3');
		expect(formatCost(null)).toBe('price unknown');
		expect(formatCost(0.0000123)).toBe('$0.000012');
	});
});
