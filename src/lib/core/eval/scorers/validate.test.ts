import { beforeAll, describe, expect, it } from 'vitest';
import { humanScore } from './human';
import { compileSchema, loadSchemaCompiler } from './json-schema';
import { resolveType, scorerTypeNames, validateAssertions } from './registry';

beforeAll(async () => {
	await loadSchemaCompiler();
});

describe('validateAssertions', () => {
	it('names the assertion and the reason for a bad regex', () => {
		expect(() =>
			validateAssertions([
				{ type: 'contains', value: 'x' },
				{ type: 'regex', value: '[a-' }
			])
		).toThrow(/^assert\[1\] \(regex\): invalid regex "\[a-"/);
	});

	it('rejects an invalid JSON schema with a specific error', () => {
		expect(() =>
			validateAssertions([{ type: 'json-schema', value: { type: 'nonsense' } }])
		).toThrow(/invalid JSON schema: .*type/);
		expect(() => validateAssertions([{ type: 'json-schema', value: '{not json' }])).toThrow(
			/not valid JSON/
		);
	});

	it('rejects unknown types, non-negatable types and missing thresholds', () => {
		expect(() => validateAssertions([{ type: 'contains-everything' }])).toThrow(
			/unknown assertion type "contains-everything"/
		);
		expect(() => validateAssertions([{ type: 'not-llm-rubric', value: 'x' }])).toThrow(
			/cannot be negated/
		);
		expect(() => validateAssertions([{ type: 'latency' }])).toThrow(/threshold in milliseconds/);
		expect(() => validateAssertions([{ type: 'contains', weight: -1 }])).toThrow(/weight must be/);
		expect(() =>
			validateAssertions([{ type: 'assert-set', assert: [{ type: 'regex', value: '(' }] }])
		).toThrow(/assert\[0\]\.assert\[0\]/);
	});

	it('compiles each distinct schema once', () => {
		expect(compileSchema({ type: 'string' })).toBe(compileSchema('{"type":"string"}'));
	});

	it('lists not- forms only for deterministic scorers', () => {
		const names = scorerTypeNames();
		expect(names).toContain('not-contains');
		expect(names).toContain('llm-rubric');
		expect(names).not.toContain('not-llm-rubric');
		expect(resolveType('not-regex')).toMatchObject({ baseType: 'regex', negate: true });
	});
});

describe('human scores', () => {
	it('maps thumbs and stars to scores with a comment', () => {
		expect(humanScore({ rating: { kind: 'thumbs', up: true }, comment: 'good' })).toMatchObject({
			pass: true,
			score: 1,
			reason: 'thumbs up: good'
		});
		expect(humanScore({ rating: { kind: 'stars', value: 2 } })).toMatchObject({
			pass: false,
			score: 0.25
		});
		expect(humanScore({ rating: { kind: 'stars', value: 3 } }).pass).toBe(true);
		expect(() => humanScore({ rating: { kind: 'stars', value: 7 as 5 } })).toThrow(/1 to 5/);
	});
});
