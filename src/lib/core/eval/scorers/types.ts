/** @module Contracts shared by every scorer: assertions in, scored results out. */
import type { JsSandbox } from '../sandbox/js-sandbox';
import type { Embed, EvalMessage, ModelCall, ModelRef } from '../types';

/** One check on a model output, in promptfoo's shape (`type` may carry a `not-` prefix). */
export interface Assertion {
	type: string;
	value?: unknown;
	/** Meaning depends on the scorer: minimum score, maximum distance, ms, USD, tolerance. */
	threshold?: number;
	/** Weight in the aggregated score (default 1). */
	weight?: number;
	/** Optional metric name for grouping in reports. */
	metric?: string;
	/** Judge model for `llm-rubric`, as a provider id (`openai:gpt-4o-mini`). */
	provider?: string;
	/** Replacement judge prompt for `llm-rubric` ({{output}}, {{rubric}}, {{vars.name}}). */
	rubricPrompt?: string;
	/** Children of an `assert-set`. */
	assert?: Assertion[];
	/** JavaScript applied to the output for this assertion only (promptfoo's `transform`), sandboxed. */
	transform?: string;
}

/** The scored result of one assertion. */
export interface ScoreResult {
	type: string;
	pass: boolean;
	/** 0..1 */
	score: number;
	reason: string;
	weight: number;
	metric?: string;
	/** True when the scorer could not run (no embedder, unknown cost, awaiting human review). */
	skipped?: boolean;
	/** Cost of a judge model call, counted apart from the evaluated call. */
	costUsd?: number;
	tokensIn?: number;
	tokensOut?: number;
	/** Children of an `assert-set`. */
	children?: ScoreResult[];
}

/** Everything a scorer may look at for one case. */
export interface ScorerContext {
	output: string;
	/** The output as a transform returned it when that was not text (`output` is then its JSON). */
	outputValue?: unknown;
	vars: Record<string, unknown>;
	/** The dataset's expected value: the default `value` of value-taking scorers. */
	expected?: unknown;
	/** The rendered prompt, for judges and custom code. */
	messages?: EvalMessage[];
	latencyMs?: number;
	costUsd?: number | null;
	/** Model access for `llm-rubric`. */
	callModel?: ModelCall;
	/** Default judge when an assertion names none. */
	judge?: ModelRef;
	embed?: Embed;
	sandbox?: JsSandbox;
	/** Time limit for custom JavaScript (default 1000 ms). */
	jsTimeoutMs?: number;
	signal?: AbortSignal;
}

/** What a scorer decides before negation and weighting are applied. */
export interface ScoreOutcome {
	pass: boolean;
	score: number;
	reason: string;
	skipped?: boolean;
	costUsd?: number;
	tokensIn?: number;
	tokensOut?: number;
}

export interface Scorer {
	/** promptfoo type names handled by this scorer. */
	types: readonly string[];
	/** Deterministic scorers accept the `not-` prefix. */
	deterministic: boolean;
	/**
	 * Loads what `validate` needs that is imported lazily (e.g. ajv); see `prepareAssertions`.
	 * `score` loads it by itself.
	 */
	prepare?(): Promise<void>;
	/**
	 * Throws a specific `validation` error for a malformed assertion (bad regex, bad schema...).
	 * Sync: call it after `prepare` resolved.
	 */
	validate?(assertion: Assertion, type: string): void;
	score(
		assertion: Assertion,
		ctx: ScorerContext,
		type: string
	): ScoreOutcome | Promise<ScoreOutcome>;
}

export function passFail(pass: boolean, reason: string): ScoreOutcome {
	return { pass, score: pass ? 1 : 0, reason };
}

/** The assertion's value, falling back to the row's expected output. */
export function valueOf(assertion: Assertion, ctx: ScorerContext): unknown {
	return assertion.value !== undefined ? assertion.value : ctx.expected;
}

export function preview(text: string, max = 60): string {
	const one = text.replace(/\s+/g, ' ');
	return JSON.stringify(one.length > max ? `${one.slice(0, max)}…` : one);
}
