/** @module `equals`: exact match of the output with a string, or deep equality with a JSON value. */
import { passFail, preview, valueOf, type Scorer } from './types';

function deepEqual(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
	if (Array.isArray(a) !== Array.isArray(b)) return false;
	const ka = Object.keys(a);
	const kb = Object.keys(b);
	if (ka.length !== kb.length) return false;
	return ka.every((k) =>
		deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])
	);
}

export const equalsScorer: Scorer = {
	types: ['equals'],
	deterministic: true,
	score(assertion, ctx) {
		const expected = valueOf(assertion, ctx);
		if (expected !== null && typeof expected === 'object') {
			let parsed: unknown;
			try {
				parsed = JSON.parse(ctx.output);
			} catch {
				return passFail(false, 'output is not JSON, expected a JSON value');
			}
			return deepEqual(parsed, expected)
				? passFail(true, 'output JSON equals the expected value')
				: passFail(false, 'output JSON differs from the expected value');
		}
		const want = String(expected ?? '');
		return ctx.output === want
			? passFail(true, 'output equals the expected value')
			: passFail(false, `expected ${preview(want)}, got ${preview(ctx.output)}`);
	}
};
