/** @module LLM-generated prompt rewrites, evaluated on the prompt's dataset before being suggested. */
import PQueue from 'p-queue';
import { expandCases } from '../../eval/run/cases';
import { runEval } from '../../eval/run/runner';
import { MemoryRunStore, type RunStore } from '../../eval/run/store';
import type { EvalResult, EvalRowInput } from '../../eval/run/types';
import type { Assertion } from '../../eval/scorers/types';
import type { EvalMessage, ModelCall, ModelRef, RenderCase } from '../../eval/types';
import { PromptloomError } from '../../model/errors';
import type { Renderer } from '../../template/renderer';
import type { LintFinding } from '../lint/types';
import {
	parseRewrite,
	promptAsText,
	rewriteMessages,
	variableNames,
	type RewritablePrompt
} from './request';

export interface SuggestRewritesOptions {
	prompt: RewritablePrompt;
	/** Lint findings the rewrites should address (from `lintPrompt`). */
	findings: readonly LintFinding[];
	/** How many rewrites to ask for (1–10). */
	count: number;
	/** The model that writes the rewrites. */
	writer: ModelRef;
	callModel: ModelCall;
	/** Renders templates off the main thread (rewrites are untrusted model output). */
	renderer: Renderer;
	/** The prompt's dataset rows and assertions: every variant is scored on the same cases. */
	rows: EvalRowInput[];
	assertions: Assertion[];
	/** Models the variants are evaluated with (usually the prompt's own model). */
	models: ModelRef[];
	concurrency?: number;
	signal?: AbortSignal;
	/** Where the evaluation run is stored (memory by default). */
	store?: RunStore;
	runId?: string;
	scoring?: Parameters<typeof runEval>[0]['scoring'];
}

/** Mean score, pass rate and spend of one variant over the evaluated cases. */
export interface VariantScore {
	meanScore: number;
	passRate: number;
	/** Cases whose result has an error (they score 0). */
	errors: number;
	costUsd: number;
	tokensIn: number;
	tokensOut: number;
}

export interface RewriteSuggestion extends VariantScore {
	/** 1-based number of the rewrite request. */
	index: number;
	prompt: RewritablePrompt;
	text: string;
	scoreDelta: number;
	passRateDelta: number;
	/** Cost of asking for this rewrite. */
	generationCostUsd: number;
	/** Cost of evaluating it on the dataset. */
	evalCostUsd: number;
}

export interface RejectedRewrite {
	index: number;
	text: string;
	reason: string;
	scoreDelta?: number;
	generationCostUsd: number;
}

export interface RewriteReport {
	runId: string;
	baseline: VariantScore;
	/** Rewrites whose measured score is at least the original's, best first. */
	suggestions: RewriteSuggestion[];
	rejected: RejectedRewrite[];
	/** Everything spent: generation, the original's evaluation and every rewrite's. */
	totalCostUsd: number;
}

const ORIGINAL = 'original';
const EPSILON = 1e-9;

function scoreOf(results: readonly EvalResult[]): VariantScore {
	const n = results.length;
	return {
		meanScore: n ? results.reduce((s, r) => s + r.score, 0) / n : NaN,
		passRate: n ? results.filter((r) => r.pass).length / n : NaN,
		errors: results.filter((r) => r.error !== null).length,
		costUsd: results.reduce((s, r) => s + (r.costUsd ?? 0) + r.judgeCostUsd, 0),
		tokensIn: results.reduce((s, r) => s + r.tokensIn, 0),
		tokensOut: results.reduce((s, r) => s + r.tokensOut, 0)
	};
}

/** Renders the variants through the worker renderer; a text prompt becomes one user message. */
function renderVariants(variants: Map<string, RewritablePrompt>, renderer: Renderer): RenderCase {
	return async (id, vars): Promise<EvalMessage[]> => {
		const p = variants.get(id);
		if (!p) throw new PromptloomError('not_found', `no variant "${id}"`);
		const options = p.templateOptions ?? { trimBlocks: false, lstripBlocks: false };
		const result = await renderer.render(
			p.type === 'text'
				? { template: p.content, variables: vars, options }
				: { messages: p.messages, variables: vars, options }
		);
		return result.kind === 'text'
			? [{ role: 'user', content: result.output }]
			: result.output.map((m) => ({ role: m.role, content: m.content }));
	};
}

/**
 * Asks `writer` for `count` rewrites of the prompt addressing the findings, drops those that do
 * not parse or change the variables, evaluates the original and each remaining rewrite on the
 * same rows × models × assertions in one run, and returns the rewrites whose mean score is at
 * least the original's (errors score 0), each with its score change and cost.
 */
export async function suggestRewrites(o: SuggestRewritesOptions): Promise<RewriteReport> {
	if (!Number.isInteger(o.count) || o.count < 1 || o.count > 10)
		throw new PromptloomError(
			'validation',
			`count must be a whole number from 1 to 10, got ${o.count}`
		);
	if (o.rows.length === 0)
		throw new PromptloomError('validation', 'the dataset has no rows to evaluate rewrites on');
	if (o.models.length === 0)
		throw new PromptloomError('validation', 'pick at least one model to evaluate rewrites with');
	const variables = variableNames(o.prompt);
	const originalText = promptAsText(o.prompt).trim();

	const queue = new PQueue({ concurrency: Math.min(o.concurrency ?? 4, o.count) });
	const replies = await Promise.all(
		Array.from({ length: o.count }, (_, i) =>
			queue.add(async () => {
				const res = await o.callModel({
					provider: o.writer.provider,
					model: o.writer.model,
					messages: rewriteMessages(o.prompt, o.findings, i + 1, o.count, variables),
					params: { temperature: 0.9, ...(o.writer.params ?? {}) },
					signal: o.signal
				});
				return { index: i + 1, text: res.text, costUsd: res.costUsd ?? 0 };
			})
		)
	);

	const rejected: RejectedRewrite[] = [];
	const candidates: { index: number; prompt: RewritablePrompt; text: string; costUsd: number }[] =
		[];
	const seen = new Set([originalText]);
	for (const reply of replies) {
		const parsed = parseRewrite(reply.text, o.prompt);
		if (!parsed.ok) {
			rejected.push({
				index: reply.index,
				text: parsed.text,
				reason: parsed.reason,
				generationCostUsd: reply.costUsd
			});
			continue;
		}
		const text = promptAsText(parsed.prompt).trim();
		if (seen.has(text)) {
			rejected.push({
				index: reply.index,
				text,
				reason:
					text === originalText ? 'it is the same as the original' : 'it repeats another rewrite',
				generationCostUsd: reply.costUsd
			});
			continue;
		}
		seen.add(text);
		candidates.push({ index: reply.index, prompt: parsed.prompt, text, costUsd: reply.costUsd });
	}

	const variants = new Map<string, RewritablePrompt>([[ORIGINAL, o.prompt]]);
	for (const c of candidates) variants.set(`rewrite-${c.index}`, c.prompt);
	const runId = o.runId ?? `rewrites-${globalThis.crypto.randomUUID()}`;
	const { results } = await runEval({
		runId,
		cases: expandCases({
			versionIds: [...variants.keys()],
			rows: o.rows,
			models: o.models,
			assertions: o.assertions
		}),
		callModel: o.callModel,
		render: renderVariants(variants, o.renderer),
		store: o.store ?? new MemoryRunStore(),
		concurrency: o.concurrency,
		signal: o.signal,
		scoring: o.scoring,
		meta: { kind: 'rewrite-evaluation' }
	});
	const byVariant = new Map<string, EvalResult[]>();
	for (const r of results) byVariant.set(r.versionId, [...(byVariant.get(r.versionId) ?? []), r]);
	const baseline = scoreOf(byVariant.get(ORIGINAL) ?? []);

	const suggestions: RewriteSuggestion[] = [];
	for (const c of candidates) {
		const score = scoreOf(byVariant.get(`rewrite-${c.index}`) ?? []);
		const scoreDelta = score.meanScore - baseline.meanScore;
		if (!(scoreDelta >= -EPSILON)) {
			rejected.push({
				index: c.index,
				text: c.text,
				reason: `it scored ${score.meanScore.toFixed(3)} vs ${baseline.meanScore.toFixed(3)} for the original`,
				scoreDelta,
				generationCostUsd: c.costUsd
			});
			continue;
		}
		suggestions.push({
			...score,
			index: c.index,
			prompt: c.prompt,
			text: c.text,
			scoreDelta: Math.max(0, scoreDelta),
			passRateDelta: score.passRate - baseline.passRate,
			generationCostUsd: c.costUsd,
			evalCostUsd: score.costUsd,
			costUsd: c.costUsd + score.costUsd
		});
	}
	suggestions.sort(
		(a, b) => b.scoreDelta - a.scoreDelta || a.costUsd - b.costUsd || a.index - b.index
	);
	rejected.sort((a, b) => a.index - b.index);
	const totalCostUsd =
		replies.reduce((s, r) => s + r.costUsd, 0) +
		results.reduce((s, r) => s + (r.costUsd ?? 0) + r.judgeCostUsd, 0);
	return { runId, baseline, suggestions, rejected, totalCostUsd };
}
