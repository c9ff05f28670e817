/** @module Exponential backoff with full jitter, Retry-After parsing and cancellable sleep. */
import { ProviderError, isRetryableKind } from './errors';

export interface RetryPolicy {
	/** Total attempts including the first; 1 disables retries. Default 5 (one call, four retries). */
	maxAttempts: number;
	/** First backoff ceiling in ms; doubles each retry. Default 500. */
	baseDelayMs: number;
	/** Ceiling for one backoff in ms. Default 20 000. */
	maxDelayMs: number;
	/** Longest Retry-After honoured in ms; a server asking for more fails at once. Default 60 000. */
	maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxAttempts: 5,
	baseDelayMs: 500,
	maxDelayMs: 20_000,
	maxRetryAfterMs: 60_000
};

/** Injectable clock pieces, so tests can observe delays without waiting. */
export interface RetryEnv {
	sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
	random: () => number;
	now: () => number;
}

/**
 * Parses a Retry-After header: delta-seconds (`"2"`, `"1.5"`) or an HTTP date.
 * Returns milliseconds to wait (never negative) or undefined when absent or unparseable.
 */
export function parseRetryAfter(
	value: string | null | undefined,
	now = Date.now()
): number | undefined {
	if (value === null || value === undefined) return undefined;
	const v = value.trim();
	if (v === '') return undefined;
	if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
	// An HTTP date always names a weekday and month; this keeps `-3` from parsing as a year.
	if (!/[a-z]{3}/i.test(v)) return undefined;
	const at = Date.parse(v);
	if (Number.isNaN(at)) return undefined;
	return Math.max(0, at - now);
}

/** Full-jitter backoff: a uniform delay in [0, min(maxDelay, base * 2^retryIndex)). */
export function backoffDelay(
	retryIndex: number,
	policy: RetryPolicy,
	random: () => number
): number {
	const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retryIndex);
	return Math.floor(random() * ceiling);
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal?.aborted) {
			reject(signal.reason);
			return;
		}
		const onAbort = () => {
			clearTimeout(timer);
			reject(signal?.reason);
		};
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}

export const defaultRetryEnv: RetryEnv = { sleep, random: Math.random, now: Date.now };

export interface RetryContext {
	/** 1-based attempt number. */
	attempt: number;
}

/**
 * Runs `attempt` until it succeeds, throws a non-retryable ProviderError, or attempts run out.
 * Retries `rate_limit`, `server` and `network` kinds (429, 408 is mapped to timeout and retried too,
 * 5xx, connection failures), waiting Retry-After when given, else full-jitter backoff.
 * An error may opt out with `retryable: false` (e.g. a stream cut after text was shown).
 * The final error carries the attempt count and a "; retried N times" suffix.
 */
export async function withRetry<T>(
	attempt: (ctx: RetryContext) => Promise<T>,
	options: {
		policy?: Partial<RetryPolicy>;
		env?: Partial<RetryEnv>;
		signal?: AbortSignal;
		/** Makes the cancellation error for a sleep interrupted by the signal. */
		onCancelled: () => ProviderError;
		/** Return false to stop retrying a given error. */
		canRetry?: (error: ProviderError) => boolean;
	}
): Promise<T> {
	const policy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
	const env = { ...defaultRetryEnv, ...options.env };
	const maxAttempts = Math.max(1, Math.floor(policy.maxAttempts));
	for (let n = 1; ; n++) {
		try {
			return await attempt({ attempt: n });
		} catch (e) {
			if (!(e instanceof ProviderError)) throw e;
			const retryable =
				(isRetryableKind(e.kind) || e.status === 408) && (options.canRetry?.(e) ?? true);
			if (!retryable || n >= maxAttempts) throw e.afterAttempts(n);
			if (e.retryAfterMs !== undefined && e.retryAfterMs > policy.maxRetryAfterMs) {
				throw new ProviderError(
					`${e.message}; the server asks to wait ${Math.ceil(e.retryAfterMs / 1000)} s, longer than the ${Math.ceil(policy.maxRetryAfterMs / 1000)} s limit`,
					{ ...e, kind: e.kind, provider: e.provider, attempts: n, cause: e.cause }
				);
			}
			const delay = e.retryAfterMs ?? backoffDelay(n - 1, policy, env.random);
			try {
				await env.sleep(delay, options.signal);
			} catch {
				throw options.onCancelled();
			}
		}
	}
}
