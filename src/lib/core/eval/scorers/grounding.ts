/**
 * @module Hallucination and relevance checks: `context-faithfulness` (is every statement of the
 * output supported by the supplied context?) and `answer-relevance` (does the output address the
 * question?). Heuristics by default (content-word overlap, numbers, embeddings when loaded); an
 * LLM judge grades faithfulness when the assertion names a `provider`.
 */
import { PromptloomError } from '../../model/errors';
import { parseProviderId } from '../provider-id';
import type { EvalMessage } from '../types';
import { cosineSimilarity } from './embedding';
import { parseJudgeReply } from './llm-rubric';
import { type Assertion, type Scorer, type ScorerContext } from './types';

const STOPWORDS = new Set(
	(
		'a an the and or but if then else of to in on at by for with from as is are was were be been ' +
		'being it its this that these those there here which who whom whose what when where why how ' +
		'not no nor so than too very can could should would will shall may might must do does did ' +
		'have has had having i you he she we they me him her us them my your his our their about ' +
		'into over under after before also just only more most some any all each other such own same ' +
		'der die das und oder ein eine ist sind nicht mit von zu im le la les et ou un une est sont ' +
		'pas avec de des du el los las y o es son no con por para'
	).split(' ')
);

/** Lower-case content words, lightly stemmed (plural and verb endings), numbers kept. */
export function contentWords(text: string): string[] {
	const out: string[] = [];
	for (const m of text
		.toLowerCase()
		.matchAll(/[\p{L}\p{N}][\p{L}\p{N}.,'-]*[\p{L}\p{N}]|[\p{L}\p{N}]/gu)) {
		let w = m[0].replace(/[,']/g, '');
		if (STOPWORDS.has(w)) continue;
		if (/^\p{L}+$/u.test(w) && w.length > 4) w = w.replace(/(?:ing|ed|es|s|ly)$/u, '');
		out.push(w);
	}
	return out;
}

/** Sentences of an answer that make a statement (two or more content words). */
export function claimsOf(text: string): string[] {
	return text
		.split(/(?<=[.!?])\s+|\n+/)
		.map((s) => s.trim())
		.filter((s) => contentWords(s).length >= 2);
}

const NUMBER = /\d[\d.,]*/g;

function contextOf(assertion: Assertion, ctx: ScorerContext): string {
	const v = assertion.value ?? ctx.vars.context;
	if (typeof v === 'string' && v.trim()) return v;
	if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join('\n');
	throw new PromptloomError(
		'validation',
		'"context-faithfulness" needs the context: the assertion value, or a "context" variable'
	);
}

/** Heuristic faithfulness: supported claims / claims, and the first unsupported one. */
export function faithfulness(
	output: string,
	context: string
): { score: number; unsupported: string[] } {
	const known = new Set(contentWords(context));
	const numbers = new Set((context.match(NUMBER) ?? []).map((n) => n.replace(/[.,]$/, '')));
	const claims = claimsOf(output);
	if (claims.length === 0) return { score: 1, unsupported: [] };
	const unsupported: string[] = [];
	for (const claim of claims) {
		const words = contentWords(claim);
		const covered = words.filter((w) => known.has(w)).length / words.length;
		const nums = (claim.match(NUMBER) ?? []).map((n) => n.replace(/[.,]$/, ''));
		if (covered < 0.6 || !nums.every((n) => numbers.has(n))) unsupported.push(claim);
	}
	return { score: (claims.length - unsupported.length) / claims.length, unsupported };
}

const FAITHFULNESS_PROMPT = (context: string, output: string): EvalMessage[] => [
	{
		role: 'system',
		content:
			'You check an answer against a context. Split the answer into statements; a statement is ' +
			'supported only if the context states or directly implies it. Answer with only a JSON ' +
			'object: {"reason": string naming unsupported statements, "pass": boolean (all supported), ' +
			'"score": number, the fraction of supported statements}.'
	},
	{ role: 'user', content: `<Context>\n${context}\n</Context>\n\n<Answer>\n${output}\n</Answer>` }
];

export const contextFaithfulnessScorer: Scorer = {
	types: ['context-faithfulness'],
	deterministic: false,
	validate(assertion) {
		const t = assertion.threshold;
		if (t !== undefined && !(t >= 0 && t <= 1))
			throw new PromptloomError('validation', 'context-faithfulness threshold must be 0–1');
		if (assertion.provider !== undefined) parseProviderId(assertion.provider);
	},
	async score(assertion, ctx) {
		const context = contextOf(assertion, ctx);
		const min = assertion.threshold ?? 0.7;
		if (assertion.provider !== undefined) {
			if (!ctx.callModel)
				return {
					pass: false,
					score: 0,
					skipped: true,
					reason: 'skipped: no model access for the judge'
				};
			const judge = parseProviderId(assertion.provider);
			const res = await ctx.callModel({
				provider: judge.provider,
				model: judge.model,
				messages: FAITHFULNESS_PROMPT(context, ctx.output),
				params: { temperature: 0, ...(judge.params ?? {}) },
				signal: ctx.signal
			});
			const usage = {
				costUsd: res.costUsd ?? 0,
				tokensIn: res.usage.inputTokens,
				tokensOut: res.usage.outputTokens
			};
			try {
				const v = parseJudgeReply(res.text);
				return {
					pass: v.pass && v.score >= min,
					score: v.score,
					reason: `judge: ${v.reason}`,
					...usage
				};
			} catch (e) {
				return { pass: false, score: 0, reason: (e as Error).message, ...usage };
			}
		}
		const { score, unsupported } = faithfulness(ctx.output, context);
		return {
			pass: score >= min,
			score,
			reason:
				unsupported.length === 0
					? 'every statement is supported by the context'
					: `${unsupported.length} statement(s) not supported by the context, e.g. ${JSON.stringify(unsupported[0].slice(0, 80))} (min ${min})`
		};
	}
};

function questionOf(assertion: Assertion, ctx: ScorerContext): string {
	const v = assertion.value ?? ctx.vars.query ?? ctx.vars.question;
	if (typeof v === 'string' && v.trim()) return v;
	const lastUser = [...(ctx.messages ?? [])].reverse().find((m) => m.role === 'user');
	if (lastUser) return lastUser.content;
	throw new PromptloomError(
		'validation',
		'"answer-relevance" needs the question: the assertion value, a "query" or "question" variable, or the prompt'
	);
}

export const answerRelevanceScorer: Scorer = {
	types: ['answer-relevance'],
	deterministic: true,
	validate(assertion) {
		const t = assertion.threshold;
		if (t !== undefined && !(t >= 0 && t <= 1))
			throw new PromptloomError('validation', 'answer-relevance threshold must be 0–1');
	},
	async score(assertion, ctx) {
		const question = questionOf(assertion, ctx);
		const min = assertion.threshold ?? 0.5;
		if (ctx.embed) {
			const [q, a] = await ctx.embed([question, ctx.output]);
			const cos = Math.max(0, cosineSimilarity(q, a));
			return {
				pass: cos >= min,
				score: cos,
				reason: `embedding similarity to the question ${cos.toFixed(3)} (min ${min})`
			};
		}
		const asked = [...new Set(contentWords(question))];
		if (asked.length === 0)
			return { pass: true, score: 1, reason: 'the question has no content words' };
		const said = new Set(contentWords(ctx.output));
		const score = asked.filter((w) => said.has(w)).length / asked.length;
		return {
			pass: score >= min,
			score,
			reason: `${Math.round(score * 100)}% of the question's content words are addressed (min ${min}; load an embedding model for a semantic score)`
		};
	}
};
