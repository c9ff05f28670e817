/**
 * @module JSON Schema validation with @cfworker/json-schema, an interpreter: it compiles no code,
 * so it runs under the app's strict Content-Security-Policy (ajv builds validators with
 * `new Function`, which that policy forbids). Each distinct schema is checked and prepared once;
 * the library is imported on first need ({@link loadSchemaCompiler}).
 */
import type { Validator } from '@cfworker/json-schema';
import { PromptloomError } from '../../model/errors';
import { checkSchemaShape } from './schema-shape';
import { passFail, valueOf, type Scorer } from './types';

/** Validates a value; after a failed call `errors` lists why (`/path message`). */
export type SchemaValidator = ((data: unknown) => boolean) & { errors: string[] };

let ValidatorClass: typeof Validator | undefined;
let loading: Promise<void> | undefined;
const compiled = new Map<string, SchemaValidator>();

/** Imports the validator once (later calls share the promise); a failed import is retried. */
export function loadSchemaCompiler(): Promise<void> {
	if (ValidatorClass) return Promise.resolve();
	loading ??= import('@cfworker/json-schema').then(
		(mod) => {
			ValidatorClass = mod.Validator;
		},
		(e: unknown) => {
			loading = undefined;
			throw e;
		}
	);
	return loading;
}

/**
 * Returns the cached validator for a schema (object or JSON text); a bad schema is a `validation`
 * error. Sync: call only after `await loadSchemaCompiler()` (throws otherwise).
 */
export function compileSchema(schema: unknown): SchemaValidator {
	let value = schema;
	if (typeof value === 'string') {
		try {
			value = JSON.parse(value);
		} catch (e) {
			throw new PromptloomError(
				'validation',
				`JSON schema is not valid JSON: ${(e as Error).message}`
			);
		}
	}
	const key = JSON.stringify(value);
	const hit = compiled.get(key);
	if (hit) return hit;
	if (!ValidatorClass)
		throw new Error('the JSON schema compiler is not loaded yet: await loadSchemaCompiler()');
	const problem = checkSchemaShape(value);
	if (problem) throw new PromptloomError('validation', `invalid JSON schema: ${problem}`);
	const validator = new ValidatorClass(value as object, '2020-12', false);
	const fn = ((data: unknown) => {
		const result = validator.validate(data);
		fn.errors = result.errors.map(
			(e) => `${e.instanceLocation.replace(/^#/, '') || '(root)'} ${e.error}`
		);
		return result.valid;
	}) as SchemaValidator;
	fn.errors = [];
	compiled.set(key, fn);
	return fn;
}

/** Validates a parsed value; returns null when valid, otherwise a readable list of errors. */
export function schemaErrors(validate: SchemaValidator, data: unknown): string | null {
	if (validate(data)) return null;
	return validate.errors.join('; ') || 'does not match the schema';
}

export const jsonSchemaScorer: Scorer = {
	types: ['json-schema'],
	deterministic: true,
	prepare: loadSchemaCompiler,
	validate(assertion) {
		if (assertion.value === undefined)
			throw new PromptloomError('validation', '"json-schema" needs a schema as its value');
		compileSchema(assertion.value);
	},
	async score(assertion, ctx) {
		await loadSchemaCompiler();
		const validate = compileSchema(valueOf(assertion, ctx));
		let data: unknown;
		try {
			data = JSON.parse(ctx.output);
		} catch (e) {
			return passFail(false, `output is not valid JSON: ${(e as Error).message}`);
		}
		const errors = schemaErrors(validate, data);
		return errors === null
			? passFail(true, 'output matches the JSON schema')
			: passFail(false, `schema: ${errors}`);
	}
};
