import { describe, expect, it } from 'vitest';
import { checkSchemaShape } from './schema-shape';
import { compileSchema, loadSchemaCompiler, schemaErrors } from './json-schema';

describe('JSON schema checks', () => {
	it('names the malformed keyword and where it is', () => {
		expect(checkSchemaShape({ type: 'object', properties: { a: { type: 'strnig' } } })).toMatch(
			/^#\/properties\/a\/type must be one of/
		);
		expect(checkSchemaShape({ required: 'a' })).toBe(
			'#/required must be an array of property names'
		);
		expect(checkSchemaShape({ anyOf: [] })).toMatch(/anyOf must be a non-empty array/);
		expect(checkSchemaShape({ minLength: -1 })).toMatch(/minLength must be a non-negative integer/);
		expect(checkSchemaShape({ pattern: '(' })).toMatch(/pattern is not a valid regular expression/);
		expect(checkSchemaShape({ type: ['string', 'null'], items: [{}, true] })).toBeNull();
	});

	it('validates without generating code, so a strict Content-Security-Policy allows it', async () => {
		await loadSchemaCompiler();
		const RealFunction = globalThis.Function;
		// What the browser does under CSP without 'unsafe-eval': any code generation throws.
		const forbidden = new Proxy(RealFunction, {
			construct: () => {
				throw new EvalError('code generation from strings disallowed');
			},
			apply: () => {
				throw new EvalError('code generation from strings disallowed');
			}
		});
		globalThis.Function = forbidden;
		try {
			const validate = compileSchema({
				type: 'object',
				required: ['city'],
				properties: { city: { type: 'string' }, population: { type: 'integer', minimum: 0 } }
			});
			expect(schemaErrors(validate, { city: 'Oslo', population: 700000 })).toBeNull();
			expect(schemaErrors(validate, { population: -1 })).toMatch(/required property "city"/);
		} finally {
			globalThis.Function = RealFunction;
		}
	});
});
