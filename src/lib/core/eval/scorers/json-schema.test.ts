import { describe, expect, it } from 'vitest';
import { compileSchema, jsonSchemaScorer } from './json-schema';
import { prepareAssertions, validateAssertions } from './registry';

describe('lazy JSON schema compiler', () => {
	it('refuses to compile before it is loaded, then prepareAssertions loads it for nested schemas', async () => {
		expect(() => compileSchema({ type: 'string' })).toThrow(/await loadSchemaCompiler\(\)/);
		// JSON syntax errors need no compiler and are reported as before.
		expect(() => compileSchema('{not json')).toThrow(/not valid JSON/);
		const nested = [
			{ type: 'contains', value: 'x' },
			{ type: 'assert-set', assert: [{ type: 'not-json-schema', value: { type: 'nonsense' } }] }
		];
		await prepareAssertions(nested);
		expect(() => validateAssertions(nested)).toThrow(
			/assert\[1\]\.assert\[0\] \(not-json-schema\): invalid JSON schema/
		);
		expect(compileSchema({ type: 'string' })('text')).toBe(true);
	});

	it('loads the compiler by itself when scoring', async () => {
		const out = await jsonSchemaScorer.score(
			{ type: 'json-schema', value: { type: 'object', required: ['a'] } },
			{ output: '{"b": 1}', vars: {} },
			'json-schema'
		);
		expect(out.pass).toBe(false);
		expect(out.reason).toMatch(/required property "a"/);
	});
});
