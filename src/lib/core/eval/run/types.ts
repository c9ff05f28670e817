/** @module Run-level shapes: cases, results, run records, progress. */
import type { Assertion, ScoreResult } from '../scorers/types';
import type { EvalMessage, ModelRef } from '../types';

/** One row of input for a run: variables, the expected output and row-specific assertions. */
export interface EvalRowInput {
	id: string;
	vars: Record<string, unknown>;
	expected?: unknown;
	assertions?: Assertion[];
	/** Score the row must reach instead of "every assertion passes". */
	threshold?: number;
	description?: string;
}

/** One unit of work: a version × a row × a model. */
export interface EvalCase {
	/** Deterministic: `versionId␟rowId␟modelKey`, so a resumed run finds its finished cases. */
	id: string;
	versionId: string;
	rowId: string;
	model: ModelRef;
	vars: Record<string, unknown>;
	expected?: unknown;
	assertions: Assertion[];
	threshold?: number;
}

export type EvalErrorKind = 'render' | 'timeout' | 'provider' | 'scorer';

export interface EvalResult {
	/** Same as `caseId`: saving again replaces the result (human scores, retries). */
	id: string;
	runId: string;
	caseId: string;
	versionId: string;
	rowId: string;
	provider: string;
	model: string;
	modelLabel: string;
	params: Record<string, unknown>;
	vars: Record<string, unknown>;
	expected?: unknown;
	/** The rendered prompt, empty when rendering failed. */
	messages: EvalMessage[];
	output: string | null;
	scores: ScoreResult[];
	pass: boolean;
	score: number;
	tokensIn: number;
	tokensOut: number;
	latencyMs: number;
	/** Cost of the evaluated call (its original cost when served from cache); null when unpriced. */
	costUsd: number | null;
	/** Cost of judge calls made by scorers. */
	judgeCostUsd: number;
	cached: boolean;
	error: string | null;
	errorKind?: EvalErrorKind;
	threshold?: number;
	createdAt: number;
}

export type RunStatus = 'running' | 'completed' | 'cancelled' | 'failed';

export interface RunProgress {
	total: number;
	/** Cases with a result and no error. */
	completed: number;
	/** Cases whose result carries an error. */
	failed: number;
	/** Cases answered from the response cache in this session. */
	cached: number;
	/** Tokens and USD actually spent (cache hits cost nothing), judges included. */
	tokensIn: number;
	tokensOut: number;
	costUsd: number;
	/**
	 * Calls to models without a known price (their cost is not in `costUsd`, so the total is
	 * unknown). Absent in runs saved before it was counted.
	 */
	unpricedCalls?: number;
	/** Estimated time to finish, from this session's throughput; null before the first result. */
	etaMs: number | null;
}

export interface EvalRun {
	id: string;
	status: RunStatus;
	createdAt: number;
	updatedAt: number;
	progress: RunProgress;
	error?: string;
	/** Free-form description from the caller (dataset id, version ids, config path...). */
	meta?: Record<string, unknown>;
}
