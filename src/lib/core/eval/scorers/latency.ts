/** @module `latency`: the call took at most `threshold` milliseconds. */
import { PromptloomError } from '../../model/errors';
import { passFail, type Scorer } from './types';

export const latencyScorer: Scorer = {
	types: ['latency'],
	deterministic: true,
	validate(assertion) {
		if (!(typeof assertion.threshold === 'number' && assertion.threshold >= 0)) {
			throw new PromptloomError(
				'validation',
				'latency assertion needs a threshold in milliseconds'
			);
		}
	},
	score(assertion, ctx) {
		const max = assertion.threshold as number;
		if (ctx.latencyMs === undefined)
			return { ...passFail(false, 'latency unknown'), skipped: true };
		return passFail(
			ctx.latencyMs <= max,
			`latency ${Math.round(ctx.latencyMs)} ms (max ${max} ms)`
		);
	}
};
