/** @module `is-json` (the whole output is JSON) and `contains-json` (some JSON value inside it), each optionally schema-checked. */
import { compileSchema, loadSchemaCompiler, schemaErrors } from './json-schema';
import { passFail, type Scorer } from './types';

/** Finds JSON objects/arrays embedded in text, in order of appearance. */
export function extractJsonValues(text: string): unknown[] {
	const found: unknown[] = [];
	for (let start = 0; start < text.length; start++) {
		const open = text[start];
		if (open !== '{' && open !== '[') continue;
		const end = matchingEnd(text, start);
		if (end < 0) continue;
		try {
			found.push(JSON.parse(text.slice(start, end + 1)));
			start = end;
		} catch {
			// not JSON from here; keep scanning
		}
	}
	return found;
}

function matchingEnd(text: string, start: number): number {
	let depth = 0;
	let inString = false;
	for (let i = start; i < text.length; i++) {
		const ch = text[i];
		if (inString) {
			if (ch === '\\') i++;
			else if (ch === '"') inString = false;
		} else if (ch === '"') inString = true;
		else if (ch === '{' || ch === '[') depth++;
		else if (ch === '}' || ch === ']') {
			depth--;
			if (depth === 0) return i;
		}
	}
	return -1;
}

export const jsonScorer: Scorer = {
	types: ['is-json', 'contains-json'],
	deterministic: true,
	prepare: loadSchemaCompiler,
	validate(assertion) {
		if (assertion.value !== undefined) compileSchema(assertion.value);
	},
	async score(assertion, ctx, type) {
		if (assertion.value !== undefined) await loadSchemaCompiler();
		const validate = assertion.value !== undefined ? compileSchema(assertion.value) : null;
		if (type === 'is-json') {
			let data: unknown;
			try {
				data = JSON.parse(ctx.output);
			} catch (e) {
				return passFail(false, `output is not valid JSON: ${(e as Error).message}`);
			}
			if (!validate) return passFail(true, 'output is valid JSON');
			const errors = schemaErrors(validate, data);
			return errors === null
				? passFail(true, 'output is JSON matching the schema')
				: passFail(false, `schema: ${errors}`);
		}
		const values = extractJsonValues(ctx.output);
		if (values.length === 0) return passFail(false, 'output contains no JSON object or array');
		if (!validate) return passFail(true, 'output contains JSON');
		let last = '';
		for (const v of values) {
			const errors = schemaErrors(validate, v);
			if (errors === null) return passFail(true, 'output contains JSON matching the schema');
			last = errors;
		}
		return passFail(false, `no embedded JSON matches the schema (${last})`);
	}
};
