/** @module Per-provider token buckets for requests per minute and tokens per minute (FIFO waiting). */
import { PromptloomError } from '../../model/errors';

export interface ProviderLimits {
	requestsPerMinute?: number;
	tokensPerMinute?: number;
	/** Calls in flight at once for this provider (on top of the global limit). */
	concurrency?: number;
}

export interface Clock {
	now(): number;
	/** Resolves after `ms`, or rejects when the signal aborts. */
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
	now: () => performance.now(),
	sleep: (ms, signal) =>
		new Promise((resolve, reject) => {
			if (signal?.aborted) return reject(abortError(signal));
			const onAbort = () => {
				clearTimeout(timer);
				reject(abortError(signal as AbortSignal));
			};
			const timer = setTimeout(() => {
				signal?.removeEventListener('abort', onAbort);
				resolve();
			}, ms);
			signal?.addEventListener('abort', onAbort, { once: true });
		})
};

export function abortError(signal: AbortSignal): unknown {
	return signal.reason ?? new PromptloomError('cancelled', 'cancelled');
}

/**
 * A bucket holding up to `capacity` units, refilled continuously at capacity per minute. The level
 * may go below zero when actual usage is settled after the fact; later takes then wait longer.
 */
export class TokenBucket {
	#level: number;
	#last: number;
	readonly capacity: number;
	readonly #perMs: number;

	constructor(perMinute: number, now: number) {
		if (!(perMinute > 0))
			throw new PromptloomError(
				'validation',
				`rate limit must be > 0 per minute, got ${perMinute}`
			);
		this.capacity = perMinute;
		this.#perMs = perMinute / 60_000;
		this.#level = perMinute;
		this.#last = now;
	}

	#refill(now: number): void {
		this.#level = Math.min(this.capacity, this.#level + (now - this.#last) * this.#perMs);
		this.#last = now;
	}

	/** Milliseconds until `amount` (clamped to capacity) is available; 0 means take it now. */
	waitFor(amount: number, now: number): number {
		this.#refill(now);
		const need = Math.min(amount, this.capacity);
		return this.#level >= need ? 0 : Math.ceil((need - this.#level) / this.#perMs);
	}

	take(amount: number, now: number): void {
		this.#refill(now);
		this.#level -= Math.min(amount, this.capacity);
	}

	/** Debits (positive) or credits (negative) a correction once the real usage is known. */
	adjust(amount: number, now: number): void {
		this.#refill(now);
		this.#level = Math.min(this.capacity, this.#level - amount);
	}

	level(now: number): number {
		this.#refill(now);
		return this.#level;
	}
}

interface ProviderState {
	requests?: TokenBucket;
	tokens?: TokenBucket;
	/** Tail of the FIFO of waiting acquisitions. */
	tail: Promise<void>;
}

/** Rate limits per provider id; providers without limits pass straight through. */
export class RateLimiter {
	readonly #clock: Clock;
	readonly #state = new Map<string, ProviderState>();

	constructor(limits: Record<string, ProviderLimits>, clock: Clock = realClock) {
		this.#clock = clock;
		const now = clock.now();
		for (const [provider, l] of Object.entries(limits)) {
			this.#state.set(provider, {
				requests: l.requestsPerMinute ? new TokenBucket(l.requestsPerMinute, now) : undefined,
				tokens: l.tokensPerMinute ? new TokenBucket(l.tokensPerMinute, now) : undefined,
				tail: Promise.resolve()
			});
		}
	}

	/** Waits (first come, first served) until one request and `tokens` tokens are available. */
	acquire(provider: string, tokens: number, signal?: AbortSignal): Promise<void> {
		const s = this.#state.get(provider);
		if (!s || (!s.requests && !s.tokens)) return Promise.resolve();
		const turn = s.tail.then(async () => {
			for (;;) {
				if (signal?.aborted) throw abortError(signal);
				const now = this.#clock.now();
				const wait = Math.max(
					s.requests?.waitFor(1, now) ?? 0,
					s.tokens?.waitFor(tokens, now) ?? 0
				);
				if (wait <= 0) {
					s.requests?.take(1, now);
					s.tokens?.take(tokens, now);
					return;
				}
				await this.#clock.sleep(wait, signal);
			}
		});
		s.tail = turn.catch(() => undefined);
		return turn;
	}

	/** Corrects the token bucket with `actual − estimated` once a call reports its usage. */
	settle(provider: string, tokenDelta: number): void {
		this.#state.get(provider)?.tokens?.adjust(tokenDelta, this.#clock.now());
	}
}
