/** @module `cost`: the call cost at most `threshold` US dollars. */
import { PromptloomError } from '../../model/errors';
import { passFail, type Scorer } from './types';

export const costScorer: Scorer = {
	types: ['cost'],
	deterministic: true,
	validate(assertion) {
		if (!(typeof assertion.threshold === 'number' && assertion.threshold >= 0)) {
			throw new PromptloomError('validation', 'cost assertion needs a threshold in USD');
		}
	},
	score(assertion, ctx) {
		const max = assertion.threshold as number;
		if (ctx.costUsd === null || ctx.costUsd === undefined) {
			return { ...passFail(false, 'cost unknown: the model has no price'), skipped: true };
		}
		return passFail(ctx.costUsd <= max, `cost $${ctx.costUsd.toPrecision(3)} (max $${max})`);
	}
};
