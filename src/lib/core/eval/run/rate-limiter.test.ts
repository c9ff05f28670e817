import { describe, expect, it } from 'vitest';
import { RateLimiter, TokenBucket, type Clock } from './rate-limiter';

/** A clock that only moves when someone sleeps: waits are exact and tests take no real time. */
function fakeClock(): Clock & { t: number; sleeps: number[] } {
	const c = {
		t: 0,
		sleeps: [] as number[],
		now: () => c.t,
		sleep: async (ms: number) => {
			c.sleeps.push(ms);
			c.t += ms;
		}
	};
	return c;
}

describe('TokenBucket', () => {
	it('starts full, empties, and refills at the per-minute rate', () => {
		const b = new TokenBucket(60, 0);
		for (let i = 0; i < 60; i++) {
			expect(b.waitFor(1, 0)).toBe(0);
			b.take(1, 0);
		}
		expect(b.waitFor(1, 0)).toBe(1000);
		expect(b.waitFor(1, 1000)).toBe(0);
	});

	it('clamps oversized requests to capacity and lets corrections go into debt', () => {
		const b = new TokenBucket(1000, 0);
		expect(b.waitFor(5000, 0)).toBe(0);
		b.take(5000, 0);
		expect(b.level(0)).toBe(0);
		b.adjust(500, 0);
		expect(b.waitFor(100, 0)).toBe(36_000);
	});
});

describe('RateLimiter', () => {
	it('spaces requests to honour requests per minute', async () => {
		const clock = fakeClock();
		const limiter = new RateLimiter({ openai: { requestsPerMinute: 2 } }, clock);
		const starts: number[] = [];
		await Promise.all(
			[0, 1, 2, 3].map(() => limiter.acquire('openai', 0).then(() => starts.push(clock.t)))
		);
		expect(starts).toEqual([0, 0, 30_000, 60_000]);
	});

	it('honours tokens per minute including settled corrections', async () => {
		const clock = fakeClock();
		const limiter = new RateLimiter({ anthropic: { tokensPerMinute: 600 } }, clock);
		await limiter.acquire('anthropic', 300);
		limiter.settle('anthropic', 300);
		await limiter.acquire('anthropic', 300);
		expect(clock.t).toBe(30_000);
	});

	it('lets unlimited providers through and rejects waiting callers on abort', async () => {
		const clock = fakeClock();
		const limiter = new RateLimiter({ slow: { requestsPerMinute: 1 } }, clock);
		await limiter.acquire('other', 1e9);
		expect(clock.sleeps).toEqual([]);
		await limiter.acquire('slow', 0);
		const ac = new AbortController();
		ac.abort(new Error('stop'));
		await expect(limiter.acquire('slow', 0, ac.signal)).rejects.toThrow('stop');
		await limiter.acquire('slow', 0);
		expect(clock.t).toBe(60_000);
	});
});
