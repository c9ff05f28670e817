/** @module `similar`: cosine similarity of output and expected text embeddings (skipped without an embedder). */
import { PromptloomError } from '../../model/errors';
import { valueOf, type Scorer } from './types';

export function cosineSimilarity(a: number[], b: number[]): number {
	if (a.length !== b.length || a.length === 0) {
		throw new PromptloomError('validation', `embedding sizes differ (${a.length} vs ${b.length})`);
	}
	let dot = 0;
	let na = 0;
	let nb = 0;
	for (let i = 0; i < a.length; i++) {
		dot += a[i] * b[i];
		na += a[i] * a[i];
		nb += b[i] * b[i];
	}
	return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

export const embeddingScorer: Scorer = {
	types: ['similar'],
	deterministic: true,
	validate(assertion) {
		const t = assertion.threshold;
		if (t !== undefined && !(t >= -1 && t <= 1)) {
			throw new PromptloomError(
				'validation',
				'similar threshold must be a cosine between -1 and 1'
			);
		}
	},
	async score(assertion, ctx) {
		const min = assertion.threshold ?? 0.75;
		if (!ctx.embed) {
			return {
				pass: false,
				score: 0,
				skipped: true,
				reason: 'skipped: no embedding model is available (load one to score "similar")'
			};
		}
		const value = valueOf(assertion, ctx);
		const refs = Array.isArray(value) ? value.map(String) : [String(value ?? '')];
		const [out, ...vecs] = await ctx.embed([ctx.output, ...refs]);
		const best = Math.max(...vecs.map((v) => cosineSimilarity(out, v)));
		return {
			pass: best >= min,
			score: Math.max(0, best),
			reason: `cosine similarity ${best.toFixed(3)} (min ${min})`
		};
	}
};
