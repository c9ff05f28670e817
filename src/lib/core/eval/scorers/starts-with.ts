/** @module `starts-with`: the output begins with a given string. */
import { passFail, preview, valueOf, type Scorer } from './types';

export const startsWithScorer: Scorer = {
	types: ['starts-with'],
	deterministic: true,
	score(assertion, ctx) {
		const prefix = String(valueOf(assertion, ctx) ?? '');
		return ctx.output.startsWith(prefix)
			? passFail(true, `output starts with ${preview(prefix)}`)
			: passFail(false, `output does not start with ${preview(prefix)}`);
	}
};
