import { describe, expect, it } from 'vitest';
import { ProviderError } from './errors';
import { DEFAULT_RETRY_POLICY, backoffDelay, parseRetryAfter, sleep, withRetry } from './retry';

const err = (kind: ProviderError['kind'], status?: number, retryAfterMs?: number) =>
	new ProviderError(`failed ${kind}`, { kind, provider: 'Test', status, retryAfterMs });
const cancelled = () => err('cancelled');

describe('parseRetryAfter', () => {
	it('reads delta-seconds, fractional seconds and HTTP dates', () => {
		const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
		expect(parseRetryAfter('2', now)).toBe(2000);
		expect(parseRetryAfter('0.5', now)).toBe(500);
		expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', now)).toBe(30_000);
		expect(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now)).toBe(0);
	});

	it('ignores a missing or unparseable header', () => {
		expect(parseRetryAfter(null)).toBeUndefined();
		expect(parseRetryAfter('')).toBeUndefined();
		expect(parseRetryAfter('soon')).toBeUndefined();
		expect(parseRetryAfter('-3')).toBeUndefined();
	});
});

describe('backoffDelay', () => {
	it('draws full jitter below an exponentially growing, capped ceiling', () => {
		const p = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
		expect(backoffDelay(0, p, () => 0.999)).toBe(99);
		expect(backoffDelay(3, p, () => 0.5)).toBe(400);
		expect(backoffDelay(10, p, () => 0.999)).toBe(999);
		expect(backoffDelay(2, p, () => 0)).toBe(0);
	});
});

describe('withRetry', () => {
	it('retries 429/5xx/network errors, waiting Retry-After when given, and succeeds', async () => {
		const delays: number[] = [];
		const failures = [err('rate_limit', 429, 1500), err('server', 503), err('network')];
		const result = await withRetry(
			async () => {
				const f = failures.shift();
				if (f) throw f;
				return 'ok';
			},
			{
				policy: { baseDelayMs: 100 },
				env: { sleep: async (ms) => void delays.push(ms), random: () => 0.5 },
				onCancelled: cancelled
			}
		);
		expect(result).toBe('ok');
		expect(delays).toEqual([1500, 100, 200]);
	});

	it('never retries other 4xx errors', async () => {
		for (const kind of ['auth', 'unknown_model', 'bad_request', 'malformed'] as const) {
			let calls = 0;
			await expect(
				withRetry(
					async () => {
						calls++;
						throw err(kind, 400);
					},
					{ env: { sleep: async () => undefined }, onCancelled: cancelled }
				)
			).rejects.toMatchObject({ kind, attempts: 1 });
			expect(calls).toBe(1);
		}
	});

	it('retries a 408 from the server', async () => {
		let calls = 0;
		const out = await withRetry(
			async () => {
				if (calls++ === 0) throw err('timeout', 408);
				return calls;
			},
			{ env: { sleep: async () => undefined }, onCancelled: cancelled }
		);
		expect(out).toBe(2);
	});

	it('gives up after maxAttempts and says how many times it retried', async () => {
		const e = await withRetry(
			async () => {
				throw err('rate_limit', 429);
			},
			{ policy: { maxAttempts: 3 }, env: { sleep: async () => undefined }, onCancelled: cancelled }
		).catch((x: unknown) => x);
		expect(e).toBeInstanceOf(ProviderError);
		expect((e as ProviderError).message).toBe('failed rate_limit; retried 2 times');
		expect((e as ProviderError).attempts).toBe(3);
	});

	it('fails at once when Retry-After exceeds the limit', async () => {
		let calls = 0;
		const e = await withRetry(
			async () => {
				calls++;
				throw err('rate_limit', 429, 3_600_000);
			},
			{ env: { sleep: async () => undefined }, onCancelled: cancelled }
		).catch((x: unknown) => x as ProviderError);
		expect(calls).toBe(1);
		expect(e.kind).toBe('rate_limit');
		expect(e.message).toContain('asks to wait 3600 s');
	});

	it('stops sleeping and reports cancellation when the signal aborts', async () => {
		const controller = new AbortController();
		const pending = withRetry(
			async () => {
				throw err('server', 500);
			},
			{
				policy: { baseDelayMs: 60_000 },
				env: { random: () => 1 },
				signal: controller.signal,
				onCancelled: cancelled
			}
		);
		setTimeout(() => controller.abort(), 10);
		await expect(pending).rejects.toMatchObject({ kind: 'cancelled' });
	});
});

describe('sleep', () => {
	it('rejects immediately for an already aborted signal', async () => {
		const c = new AbortController();
		c.abort(new Error('stop'));
		await expect(sleep(10_000, c.signal)).rejects.toThrow('stop');
	});
});
