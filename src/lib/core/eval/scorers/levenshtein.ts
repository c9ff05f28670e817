/** @module String similarity: `levenshtein` (max edit distance) and `string-similarity` (normalised ratio). */
import { PromptloomError } from '../../model/errors';
import { valueOf, type Scorer } from './types';

/** Edit distance (insertions, deletions, substitutions) in O(n·m) time, O(m) memory. */
export function levenshteinDistance(a: string, b: string): number {
	if (a === b) return 0;
	const s = Array.from(a);
	const t = Array.from(b);
	let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
	for (let i = 1; i <= s.length; i++) {
		const cur = [i];
		for (let j = 1; j <= t.length; j++) {
			cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1));
		}
		prev = cur;
	}
	return prev[t.length];
}

/** 1 − distance / longer length, in 0..1 (1 for two empty strings). */
export function similarityRatio(a: string, b: string): number {
	const longest = Math.max(Array.from(a).length, Array.from(b).length);
	return longest === 0 ? 1 : 1 - levenshteinDistance(a, b) / longest;
}

export const levenshteinScorer: Scorer = {
	types: ['levenshtein', 'string-similarity'],
	deterministic: true,
	validate(assertion, type) {
		const t = assertion.threshold;
		if (t === undefined) return;
		if (type === 'levenshtein' && !(t >= 0))
			throw new PromptloomError('validation', 'levenshtein threshold must be a distance ≥ 0');
		if (type === 'string-similarity' && !(t >= 0 && t <= 1)) {
			throw new PromptloomError(
				'validation',
				'string-similarity threshold must be between 0 and 1'
			);
		}
	},
	score(assertion, ctx, type) {
		const want = String(valueOf(assertion, ctx) ?? '');
		const ratio = similarityRatio(ctx.output, want);
		if (type === 'levenshtein') {
			const max = assertion.threshold ?? 5;
			const d = levenshteinDistance(ctx.output, want);
			return { pass: d <= max, score: ratio, reason: `edit distance ${d} (max ${max})` };
		}
		const min = assertion.threshold ?? 0.8;
		return {
			pass: ratio >= min,
			score: ratio,
			reason: `similarity ${ratio.toFixed(3)} (min ${min})`
		};
	}
};
