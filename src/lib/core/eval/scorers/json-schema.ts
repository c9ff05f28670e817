/**
 * @module JSON Schema validation with ajv: each distinct schema is compiled once and cached. ajv is
 * a large library, so it is imported on first need ({@link loadSchemaCompiler}).
 */
import type { Ajv, ValidateFunction } from 'ajv';
import { PromptloomError } from '../../model/errors';
import { passFail, valueOf, type Scorer } from './types';

let ajv: Ajv | undefined;
let loading: Promise<void> | undefined;
const compiled = new Map<string, ValidateFunction>();

/** Imports ajv once (later calls share the promise); a failed import is retried on the next call. */
export function loadSchemaCompiler(): Promise<void> {
	if (ajv) return Promise.resolve();
	loading ??= import('ajv').then(
		(mod) => {
			ajv = new mod.Ajv({ allErrors: true, strict: false, validateFormats: false, logger: false });
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
export function compileSchema(schema: unknown): ValidateFunction {
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
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		if (typeof value !== 'boolean')
			throw new PromptloomError('validation', 'JSON schema must be an object');
	}
	const key = JSON.stringify(value);
	const hit = compiled.get(key);
	if (hit) return hit;
	if (!ajv)
		throw new Error('the JSON schema compiler is not loaded yet: await loadSchemaCompiler()');
	try {
		const fn = ajv.compile(value as object);
		compiled.set(key, fn);
		return fn;
	} catch (e) {
		throw new PromptloomError('validation', `invalid JSON schema: ${(e as Error).message}`);
	}
}

/** Validates a parsed value; returns null when valid, otherwise a readable list of errors. */
export function schemaErrors(validate: ValidateFunction, data: unknown): string | null {
	if (validate(data)) return null;
	return (validate.errors ?? [])
		.map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`)
		.join('; ');
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
