/** @module Runs evaluation cases in parallel with limits, timeouts, cancellation, resume and caching. */
import PQueue from 'p-queue';
import { PromptloomError, isPromptloomError } from '../../model/errors';
import { aggregateScores, runAssertions } from '../scorers/assert';
import { prepareAssertions, validateAssertions } from '../scorers/registry';
import type { ScoreResult } from '../scorers/types';
import type { JsSandbox } from '../sandbox/js-sandbox';
import type {
	Embed,
	EvalMessage,
	ModelCall,
	ModelCallRequest,
	ModelCallResponse,
	ModelRef,
	RenderCase
} from '../types';
import { responseCacheKey, type ResponseCache } from './cache';
import { AbortHub, callWithTimeout } from './call';
import { modelKey } from './cases';
import {
	RateLimiter,
	abortError,
	realClock,
	type Clock,
	type ProviderLimits
} from './rate-limiter';
import type { RunStore } from './store';
import type { EvalCase, EvalResult, EvalRun, RunProgress } from './types';

export interface RunEvalOptions {
	runId: string;
	cases: EvalCase[];
	callModel: ModelCall;
	render: RenderCase;
	store: RunStore;
	cache?: ResponseCache;
	/** Do not read the cache (fresh calls); responses are still written to it. */
	noCache?: boolean;
	/** Model calls in flight at once across all providers (default 8). */
	concurrency?: number;
	/** Limits keyed by provider id (`openai`, `anthropic`...). */
	providerLimits?: Record<string, ProviderLimits>;
	/** Per-call time limit (default 120 000 ms). */
	timeoutMs?: number;
	signal?: AbortSignal;
	onProgress?: (progress: RunProgress) => void;
	/** On resume, run again the cases whose saved result has an error (default true). */
	retryFailed?: boolean;
	scoring?: { embed?: Embed; sandbox?: JsSandbox; judge?: ModelRef; jsTimeoutMs?: number };
	/** Input-token estimate for tokens-per-minute limits (default: characters / 4). */
	estimateTokens?: (messages: EvalMessage[], model: ModelRef) => number;
	/** Output tokens assumed before a call for tokens-per-minute limits (default 256). */
	assumedOutputTokens?: number;
	clock?: Clock;
	meta?: Record<string, unknown>;
	/**
	 * Rewrites a case's output before it is scored and saved (promptfoo's `transform`); a
	 * rejection makes the case fail with a `scorer` error.
	 */
	transformOutput?: (c: EvalCase, output: string, messages: EvalMessage[]) => Promise<unknown>;
}

export interface RunEvalResult {
	run: EvalRun;
	/** Results of every case of the plan, including those finished by earlier sessions. */
	results: EvalResult[];
}

const roughTokens = (messages: EvalMessage[]) =>
	Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 4);

/** The progress of a run of `total` cases before any has finished. */
export function emptyProgress(total: number): RunProgress {
	return {
		total,
		completed: 0,
		failed: 0,
		cached: 0,
		tokensIn: 0,
		tokensOut: 0,
		costUsd: 0,
		unpricedCalls: 0,
		etaMs: null
	};
}

function check(o: RunEvalOptions): number {
	const concurrency = o.concurrency ?? 8;
	if (!Number.isInteger(concurrency) || concurrency < 1) {
		throw new PromptloomError(
			'validation',
			`concurrency must be a whole number ≥ 1, got ${concurrency}`
		);
	}
	const ids = new Set<string>();
	const checked = new Set<unknown>();
	for (const c of o.cases) {
		if (ids.has(c.id)) throw new PromptloomError('validation', `duplicate case id "${c.id}"`);
		ids.add(c.id);
		if (!checked.has(c.assertions)) {
			validateAssertions(c.assertions, `case ${c.rowId} assert`);
			checked.add(c.assertions);
		}
	}
	return concurrency;
}

/**
 * Runs the cases not yet finished in `store` for `runId` (resume = call again with the same id and
 * cases). Every result is saved before it counts. Cancelling via `signal` resolves with status
 * `cancelled`; a failing store rejects after marking the run `failed`.
 */
export async function runEval(o: RunEvalOptions): Promise<RunEvalResult> {
	const lists = new Set(o.cases.map((c) => c.assertions));
	await prepareAssertions([...lists].flat());
	const concurrency = check(o);
	const clock = o.clock ?? realClock;
	const timeoutMs = o.timeoutMs ?? 120_000;
	const retryFailed = o.retryFailed ?? true;
	const estimate = o.estimateTokens ?? roughTokens;
	const assumedOut = o.assumedOutputTokens ?? 256;

	const previous = new Map((await o.store.listResults(o.runId)).map((r) => [r.id, r]));
	const results = new Map<string, EvalResult>();
	const progress = emptyProgress(o.cases.length);
	const todo: EvalCase[] = [];
	for (const c of o.cases) {
		const prev = previous.get(c.id);
		if (prev && !(retryFailed && prev.error !== null)) {
			results.set(c.id, prev);
			if (prev.error === null) progress.completed++;
			else progress.failed++;
			if (!prev.cached) addSpend(progress, prev);
			else addJudgeSpend(progress, prev);
		} else todo.push(c);
	}

	const now = () => Date.now();
	const run: EvalRun = {
		id: o.runId,
		status: 'running',
		createdAt: now(),
		updatedAt: now(),
		progress,
		meta: o.meta
	};
	await o.store.saveRun(structuredClone(run));
	o.onProgress?.({ ...progress });

	const controller = new AbortController();
	const signal = controller.signal;
	const hub = new AbortHub(signal);
	const onOuterAbort = () => controller.abort(abortError(o.signal as AbortSignal));
	if (o.signal?.aborted) onOuterAbort();
	o.signal?.addEventListener('abort', onOuterAbort, { once: true });

	const limiter = new RateLimiter(o.providerLimits ?? {}, clock);
	const callQueue = new PQueue({ concurrency });
	const providerQueues = new Map(
		Object.entries(o.providerLimits ?? {})
			.filter(([, l]) => l.concurrency !== undefined)
			.map(([p, l]) => [p, new PQueue({ concurrency: l.concurrency as number })])
	);
	const inflight = new Map<string, Promise<ModelCallResponse>>();
	let fatal: unknown = null;
	const started = clock.now();
	let sessionDone = 0;

	const limitedCall = async (req: Omit<ModelCallRequest, 'signal'>, estTokens: number) => {
		await limiter.acquire(req.provider, estTokens, signal);
		// Tasks check the signal when they start instead of each listening to it.
		const exec = () => callQueue.add(() => callWithTimeout(o.callModel, req, timeoutMs, hub));
		const pq = providerQueues.get(req.provider);
		const res = await (pq ? pq.add(exec) : exec());
		limiter.settle(req.provider, res.usage.inputTokens + res.usage.outputTokens - estTokens);
		return res;
	};

	const judgeCall: ModelCall = (req) =>
		limitedCall(
			{ provider: req.provider, model: req.model, messages: req.messages, params: req.params },
			roughTokens(req.messages) + assumedOut
		);

	const finish = async (result: EvalResult) => {
		try {
			await o.store.saveResult(result);
		} catch (e) {
			fatal ??= e;
			controller.abort(e);
			return;
		}
		results.set(result.id, result);
		if (result.error === null) progress.completed++;
		else progress.failed++;
		if (result.cached) {
			progress.cached++;
			addJudgeSpend(progress, result);
		} else addSpend(progress, result);
		sessionDone++;
		const remaining = progress.total - progress.completed - progress.failed;
		progress.etaMs = Math.round(((clock.now() - started) / sessionDone) * remaining);
		o.onProgress?.({ ...progress });
	};

	const runCase = async (c: EvalCase) => {
		const params = c.model.params ?? {};
		const base = {
			id: c.id,
			runId: o.runId,
			caseId: c.id,
			versionId: c.versionId,
			rowId: c.rowId,
			provider: c.model.provider,
			model: c.model.model,
			modelLabel: modelKey(c.model),
			params,
			vars: c.vars,
			...(c.expected !== undefined ? { expected: c.expected } : {}),
			...(c.threshold !== undefined ? { threshold: c.threshold } : {})
		};
		const failed = (
			messages: EvalMessage[],
			error: string,
			errorKind: EvalResult['errorKind']
		): EvalResult => ({
			...base,
			messages,
			output: null,
			scores: [],
			pass: false,
			score: 0,
			tokensIn: 0,
			tokensOut: 0,
			latencyMs: 0,
			costUsd: 0,
			judgeCostUsd: 0,
			cached: false,
			error,
			errorKind,
			createdAt: now()
		});

		let messages: EvalMessage[];
		try {
			messages = await o.render(c.versionId, c.vars);
		} catch (e) {
			return finish(failed([], `render failed: ${(e as Error).message}`, 'render'));
		}
		if (signal.aborted) return;
		const req = { provider: c.model.provider, model: c.model.model, messages, params };
		const key = await responseCacheKey(req);
		let response = !o.noCache ? await o.cache?.get(key) : undefined;
		let cached = response !== undefined;
		if (!response) {
			try {
				const shared = o.noCache ? undefined : inflight.get(key);
				if (shared) {
					response = await shared;
					cached = true;
				} else {
					const est =
						estimate(messages, c.model) +
						Number(params.max_tokens ?? params.maxTokens ?? assumedOut);
					const pending = limitedCall(req, est);
					if (!o.noCache) inflight.set(key, pending);
					try {
						response = await pending;
					} finally {
						inflight.delete(key);
					}
					await o.cache?.set(key, response);
				}
			} catch (e) {
				if (signal.aborted) return;
				const kind = isPromptloomError(e, 'timeout') ? 'timeout' : 'provider';
				return finish(failed(messages, (e as Error).message, kind));
			}
		}

		let scores: ScoreResult[] = [];
		let scoreError: string | null = null;
		let output = response.text;
		let outputValue: unknown;
		try {
			if (o.transformOutput) {
				const value = await o.transformOutput(c, output, messages);
				if (typeof value === 'string') output = value;
				else [output, outputValue] = [JSON.stringify(value) ?? '', value];
			}
		} catch (e) {
			scoreError = `transform failed: ${(e as Error).message}`;
		}
		try {
			if (scoreError === null)
				scores = await runAssertions(c.assertions, {
					output,
					outputValue,
					vars: c.vars,
					expected: c.expected,
					messages,
					latencyMs: response.latencyMs,
					costUsd: response.costUsd,
					callModel: judgeCall,
					judge: o.scoring?.judge,
					embed: o.scoring?.embed,
					sandbox: o.scoring?.sandbox,
					jsTimeoutMs: o.scoring?.jsTimeoutMs,
					signal
				});
		} catch (e) {
			scoreError = `scoring cancelled: ${(e as Error).message}`;
		}
		if (signal.aborted && fatal === null) scoreError ??= 'scoring cancelled';
		const agg = aggregateScores(scores, c.threshold);
		await finish({
			...base,
			messages,
			output,
			scores,
			pass: scoreError === null && agg.pass,
			score: scoreError === null ? agg.score : 0,
			tokensIn: response.usage.inputTokens,
			tokensOut: response.usage.outputTokens,
			latencyMs: response.latencyMs,
			costUsd: response.costUsd,
			judgeCostUsd: agg.costUsd,
			cached,
			error: scoreError,
			...(scoreError !== null ? { errorKind: 'scorer' as const } : {}),
			createdAt: now()
		});
	};

	// Enough cases in preparation (render, cache lookup, rate-limit wait) to keep every call slot busy.
	const pipeline = new PQueue({ concurrency: Math.max(concurrency * 2, concurrency + 16) });
	await Promise.allSettled(
		todo.map((c) =>
			pipeline.add(async () => {
				if (!signal.aborted) await runCase(c);
			})
		)
	);
	o.signal?.removeEventListener('abort', onOuterAbort);

	run.status = fatal !== null ? 'failed' : signal.aborted ? 'cancelled' : 'completed';
	run.updatedAt = now();
	run.progress = { ...progress, etaMs: run.status === 'completed' ? 0 : null };
	if (fatal !== null) run.error = `could not save a result: ${(fatal as Error).message}`;
	try {
		await o.store.saveRun(structuredClone(run));
	} catch (e) {
		fatal ??= e;
	}
	if (fatal !== null) throw fatal;
	return { run, results: o.cases.flatMap((c) => results.get(c.id) ?? []) };
}

function addJudgeSpend(p: RunProgress, r: EvalResult): void {
	p.costUsd += r.judgeCostUsd;
	for (const s of r.scores) {
		p.tokensIn += s.tokensIn ?? 0;
		p.tokensOut += s.tokensOut ?? 0;
	}
}

function addSpend(p: RunProgress, r: EvalResult): void {
	p.tokensIn += r.tokensIn;
	p.tokensOut += r.tokensOut;
	p.costUsd += r.costUsd ?? 0;
	if (r.costUsd === null && !r.error) p.unpricedCalls = (p.unpricedCalls ?? 0) + 1;
	addJudgeSpend(p, r);
}
