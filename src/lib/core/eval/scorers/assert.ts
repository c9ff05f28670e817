/** @module Runs assertions on an output: negation, weights, assert-sets and the promptfoo aggregate. */
import { isPromptloomError } from '../../model/errors';
import { ASSERT_SET, resolveType } from './registry';
import type { Assertion, ScoreResult, ScorerContext } from './types';

/** Aggregate of several results: weighted mean score; pass when every non-skipped result passes. */
export interface AssertionSetResult {
	pass: boolean;
	score: number;
	reason: string;
	/** Judge cost of all results, in USD. */
	costUsd: number;
}

/**
 * promptfoo semantics: score = Σ score·weight / Σ weight over non-skipped results (1 when there are
 * none); pass = every non-skipped result passes, or, when `threshold` is given, score ≥ threshold.
 */
export function aggregateScores(results: ScoreResult[], threshold?: number): AssertionSetResult {
	const counted = results.filter((r) => !r.skipped);
	const totalWeight = counted.reduce((s, r) => s + r.weight, 0);
	const score =
		totalWeight > 0
			? counted.reduce((s, r) => s + r.score * r.weight, 0) / totalWeight
			: counted.length
				? 0
				: 1;
	const failed = counted.filter((r) => !r.pass);
	const pass = threshold !== undefined ? score >= threshold : failed.length === 0;
	const reason =
		counted.length === 0
			? 'no assertions were scored'
			: failed.length === 0
				? `all ${counted.length} assertions passed`
				: failed.map((r) => `${r.type}: ${r.reason}`).join('; ');
	const costUsd = results.reduce((s, r) => s + (r.costUsd ?? 0), 0);
	return { pass, score, reason, costUsd };
}

/** Runs one assertion. Scorer errors become a failed result with the reason; cancellation propagates. */
export async function runAssertion(assertion: Assertion, ctx: ScorerContext): Promise<ScoreResult> {
	const weight = assertion.weight ?? 1;
	const base = {
		type: assertion.type,
		weight,
		...(assertion.metric ? { metric: assertion.metric } : {})
	};
	if (assertion.type === ASSERT_SET) {
		const children = await runAssertions(assertion.assert ?? [], ctx);
		const agg = aggregateScores(children, assertion.threshold);
		return {
			...base,
			pass: agg.pass,
			score: agg.score,
			reason: agg.reason,
			costUsd: agg.costUsd,
			children
		};
	}
	try {
		const { scorer, baseType, negate } = resolveType(assertion.type);
		if (assertion.transform !== undefined) {
			if (!ctx.sandbox)
				return {
					...base,
					pass: false,
					score: 0,
					skipped: true,
					reason: 'skipped: no JavaScript sandbox for its transform'
				};
			ctx = await transformed(assertion.transform, ctx);
		}
		const out = await scorer.score(assertion, ctx, baseType);
		const result: ScoreResult = {
			...base,
			pass: out.pass,
			score: clamp01(out.score),
			reason: out.reason
		};
		if (out.skipped) result.skipped = true;
		if (out.costUsd !== undefined) result.costUsd = out.costUsd;
		if (out.tokensIn !== undefined) result.tokensIn = out.tokensIn;
		if (out.tokensOut !== undefined) result.tokensOut = out.tokensOut;
		if (negate && !out.skipped) {
			result.pass = !out.pass;
			result.score = 1 - result.score;
			result.reason = `negated: ${out.reason}`;
		}
		return result;
	} catch (e) {
		if (isPromptloomError(e, 'cancelled')) throw e;
		return { ...base, pass: false, score: 0, reason: `scorer error: ${(e as Error).message}` };
	}
}

/** Runs assertions concurrently (judge calls and sandboxed code may wait), keeping their order. */
export function runAssertions(assertions: Assertion[], ctx: ScorerContext): Promise<ScoreResult[]> {
	return Promise.all(assertions.map((a) => runAssertion(a, ctx)));
}

/** The context with the output as `code` transforms it (run in the sandbox, 1 s by default). */
async function transformed(code: string, ctx: ScorerContext): Promise<ScorerContext> {
	const value = await ctx.sandbox!.run(
		code,
		{
			output: ctx.outputValue !== undefined ? ctx.outputValue : ctx.output,
			context: { vars: ctx.vars, prompt: ctx.messages?.map((m) => m.content).join('\n') }
		},
		{ timeoutMs: ctx.jsTimeoutMs ?? 1000, signal: ctx.signal }
	);
	return typeof value === 'string'
		? { ...ctx, output: value, outputValue: undefined }
		: { ...ctx, output: JSON.stringify(value) ?? '', outputValue: value };
}

function clamp01(x: number): number {
	return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
