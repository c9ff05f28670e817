/** @module `human`: a manual score (thumbs or 1–5 with a comment) entered later in the review table. */
import { PromptloomError } from '../../model/errors';
import type { Scorer, ScoreResult } from './types';

export type HumanRating =
	{ kind: 'thumbs'; up: boolean } | { kind: 'stars'; value: 1 | 2 | 3 | 4 | 5 };

export interface HumanScoreInput {
	rating: HumanRating;
	comment?: string;
	reviewer?: string;
}

/** Until someone reviews the case, the human score is pending (skipped, out of the aggregate). */
export const humanScorer: Scorer = {
	types: ['human'],
	deterministic: false,
	score() {
		return { pass: false, score: 0, skipped: true, reason: 'awaiting human review' };
	}
};

/**
 * Scores a manual rating: thumbs → 1/0; stars 1–5 → (n−1)/4, passing at `threshold` (default 0.5,
 * i.e. 3 stars).
 */
export function humanScore(
	input: HumanScoreInput,
	options: { weight?: number; threshold?: number } = {}
): ScoreResult {
	const { rating } = input;
	let score: number;
	let label: string;
	if (rating.kind === 'thumbs') {
		score = rating.up ? 1 : 0;
		label = rating.up ? 'thumbs up' : 'thumbs down';
	} else {
		if (![1, 2, 3, 4, 5].includes(rating.value)) {
			throw new PromptloomError('validation', `a star rating is 1 to 5, got ${rating.value}`);
		}
		score = (rating.value - 1) / 4;
		label = `${rating.value}/5`;
	}
	const min = options.threshold ?? 0.5;
	const by = input.reviewer ? ` by ${input.reviewer}` : '';
	return {
		type: 'human',
		pass: score >= min,
		score,
		reason: `${label}${by}${input.comment ? `: ${input.comment}` : ''}`,
		weight: options.weight ?? 1
	};
}
