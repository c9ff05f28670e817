/** @module The contains family: contains, icontains, contains-any/all and their case-insensitive forms. */
import { PromptloomError } from '../../model/errors';
import {
	passFail,
	preview,
	valueOf,
	type Assertion,
	type Scorer,
	type ScorerContext
} from './types';

/** A list value: an array, or a comma-separated string (promptfoo accepts both). */
function listOf(value: unknown): string[] {
	if (Array.isArray(value)) return value.map(String);
	if (typeof value === 'string')
		return value
			.split(',')
			.map((s) => s.trim())
			.filter((s) => s !== '');
	if (value === undefined || value === null) return [];
	return [String(value)];
}

function needle(assertion: Assertion, ctx: ScorerContext, type: string): string {
	const value = valueOf(assertion, ctx);
	if (value === undefined || value === null || value === '') {
		throw new PromptloomError('validation', `"${type}" needs a value to look for`);
	}
	return String(value);
}

export const containsScorer: Scorer = {
	types: [
		'contains',
		'icontains',
		'contains-any',
		'contains-all',
		'icontains-any',
		'icontains-all'
	],
	deterministic: true,
	validate(assertion, type) {
		if (type.endsWith('-any') || type.endsWith('-all')) {
			if (assertion.value !== undefined && listOf(assertion.value).length === 0) {
				throw new PromptloomError('validation', `"${type}" needs a non-empty list of values`);
			}
		}
	},
	score(assertion, ctx, type) {
		const fold = type.startsWith('i');
		const out = fold ? ctx.output.toLowerCase() : ctx.output;
		const has = (s: string) => out.includes(fold ? s.toLowerCase() : s);
		if (type === 'contains' || type === 'icontains') {
			const s = needle(assertion, ctx, type);
			return has(s)
				? passFail(true, `output contains ${preview(s)}`)
				: passFail(false, `output does not contain ${preview(s)}`);
		}
		const items = listOf(valueOf(assertion, ctx));
		if (items.length === 0)
			throw new PromptloomError('validation', `"${type}" needs a non-empty list of values`);
		const found = items.filter(has);
		if (type.endsWith('-any')) {
			return found.length > 0
				? passFail(true, `output contains ${preview(found[0])}`)
				: passFail(false, `output contains none of ${items.map((s) => preview(s)).join(', ')}`);
		}
		const missing = items.filter((s) => !has(s));
		return missing.length === 0
			? passFail(true, `output contains all ${items.length} values`)
			: {
					pass: false,
					score: found.length / items.length,
					reason: `missing ${missing.map((s) => preview(s)).join(', ')}`
				};
	}
};
