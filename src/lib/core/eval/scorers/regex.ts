/** @module `regex`: the output matches a regular expression (`/body/flags` or a bare pattern). */
import { PromptloomError } from '../../model/errors';
import { passFail, valueOf, type Assertion, type Scorer } from './types';

/** Compiles `/pattern/flags` or a bare pattern; throws a specific `validation` error when invalid. */
export function compileRegex(value: unknown): RegExp {
	if (typeof value !== 'string' || value === '') {
		throw new PromptloomError('validation', 'regex assertion needs a pattern string as its value');
	}
	const literal = /^\/(.*)\/([dgimsuyv]*)$/s.exec(value);
	try {
		return literal ? new RegExp(literal[1], literal[2]) : new RegExp(value);
	} catch (e) {
		throw new PromptloomError(
			'validation',
			`invalid regex ${JSON.stringify(value)}: ${(e as Error).message}`
		);
	}
}

export const regexScorer: Scorer = {
	types: ['regex'],
	deterministic: true,
	validate(assertion: Assertion) {
		if (assertion.value !== undefined) compileRegex(assertion.value);
	},
	score(assertion, ctx) {
		const re = compileRegex(valueOf(assertion, ctx));
		re.lastIndex = 0;
		return re.test(ctx.output)
			? passFail(true, `output matches ${re}`)
			: passFail(false, `output does not match ${re}`);
	}
};
