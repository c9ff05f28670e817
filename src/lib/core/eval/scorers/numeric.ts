/** @module `numeric`: the first number in the output is within `threshold` (absolute tolerance) of the value. */
import { PromptloomError } from '../../model/errors';
import { passFail, valueOf, type Scorer } from './types';

const NUMBER = /[-+]?(?:\d[\d,]*\.?\d*|\.\d+)(?:e[-+]?\d+)?/i;

/** The first number written in a text (thousands separators allowed), or null. */
export function firstNumber(text: string): number | null {
	const m = NUMBER.exec(text);
	if (!m) return null;
	const n = Number(m[0].replace(/,/g, ''));
	return Number.isFinite(n) ? n : null;
}

export const numericScorer: Scorer = {
	types: ['numeric'],
	deterministic: true,
	validate(assertion) {
		if (assertion.value !== undefined && !Number.isFinite(Number(assertion.value))) {
			throw new PromptloomError(
				'validation',
				`numeric assertion value ${JSON.stringify(assertion.value)} is not a number`
			);
		}
		if (assertion.threshold !== undefined && !(assertion.threshold >= 0)) {
			throw new PromptloomError('validation', 'numeric tolerance (threshold) must be ≥ 0');
		}
	},
	score(assertion, ctx) {
		const want = Number(valueOf(assertion, ctx));
		if (!Number.isFinite(want))
			throw new PromptloomError('validation', 'numeric assertion needs a number as its value');
		const tol = assertion.threshold ?? 0;
		const got = firstNumber(ctx.output);
		if (got === null) return passFail(false, 'output contains no number');
		const diff = Math.abs(got - want);
		return passFail(diff <= tol, `${got} differs from ${want} by ${diff} (tolerance ${tol})`);
	}
};
