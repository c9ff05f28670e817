/** @module `javascript`: custom scorer code run in a JsSandbox with a time limit. */
import { PromptloomError, isPromptloomError } from '../../model/errors';
import { passFail, type Scorer } from './types';

/** Interprets the code's result like promptfoo: boolean, number (score) or `{pass, score, reason}`. */
export function interpretJsResult(value: unknown, threshold: number | undefined) {
	if (typeof value === 'boolean') return passFail(value, `custom check returned ${value}`);
	if (typeof value === 'number' && Number.isFinite(value)) {
		const score = Math.min(1, Math.max(0, value));
		const pass = threshold !== undefined ? value >= threshold : value > 0;
		return { pass, score, reason: `custom check returned score ${value}` };
	}
	if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
		const o = value as Record<string, unknown>;
		if (typeof o.pass === 'boolean' || typeof o.score === 'number') {
			const score =
				typeof o.score === 'number' ? Math.min(1, Math.max(0, o.score)) : o.pass ? 1 : 0;
			const pass =
				typeof o.pass === 'boolean'
					? o.pass
					: threshold !== undefined
						? score >= threshold
						: score > 0;
			return {
				pass,
				score,
				reason: typeof o.reason === 'string' ? o.reason : `custom check: ${pass ? 'pass' : 'fail'}`
			};
		}
	}
	return passFail(
		false,
		`custom check must return a boolean, a number or {pass, score, reason}; got ${JSON.stringify(value)}`
	);
}

export const javascriptScorer: Scorer = {
	types: ['javascript'],
	deterministic: true,
	validate(assertion) {
		if (typeof assertion.value !== 'string' || assertion.value.trim() === '') {
			throw new PromptloomError('validation', '"javascript" needs code as its value');
		}
	},
	async score(assertion, ctx) {
		if (!ctx.sandbox) {
			return {
				pass: false,
				score: 0,
				skipped: true,
				reason: 'skipped: no JavaScript sandbox available here'
			};
		}
		const timeoutMs = ctx.jsTimeoutMs ?? 1000;
		try {
			const value = await ctx.sandbox.run(
				String(assertion.value),
				{
					output: ctx.outputValue !== undefined ? ctx.outputValue : ctx.output,
					context: {
						vars: ctx.vars,
						expected: ctx.expected,
						prompt: ctx.messages?.map((m) => m.content).join('\n'),
						latencyMs: ctx.latencyMs,
						costUsd: ctx.costUsd
					}
				},
				{ timeoutMs, signal: ctx.signal }
			);
			return interpretJsResult(value, assertion.threshold);
		} catch (e) {
			if (isPromptloomError(e, 'cancelled')) throw e;
			return passFail(false, (e as Error).message);
		}
	}
};
