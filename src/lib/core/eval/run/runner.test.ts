import { describe, expect, it } from 'vitest';
import type { ModelCall, ModelCallRequest } from '../types';
import { MemoryResponseCache } from './cache';
import { expandCases } from './cases';
import { runEval, type RunEvalOptions } from './runner';
import { MemoryRunStore } from './store';
import type { EvalResult, RunProgress } from './types';

const tick = () => new Promise<void>((r) => setImmediate(r));

/** A fake model (unit-level only): echoes the prompt, counts calls and calls in flight. */
function fakeModel(
	options: { ticks?: number; fail?: (req: ModelCallRequest) => boolean; hang?: boolean } = {}
) {
	const stats = {
		calls: 0,
		inFlight: 0,
		maxInFlight: 0,
		byProvider: new Map<string, number>(),
		maxByProvider: new Map<string, number>()
	};
	const call: ModelCall = async (req) => {
		stats.calls++;
		stats.inFlight++;
		stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
		const p = (stats.byProvider.get(req.provider) ?? 0) + 1;
		stats.byProvider.set(req.provider, p);
		stats.maxByProvider.set(req.provider, Math.max(stats.maxByProvider.get(req.provider) ?? 0, p));
		try {
			if (options.hang) {
				await new Promise((_, reject) =>
					req.signal?.addEventListener('abort', () => reject(req.signal?.reason))
				);
			}
			for (let i = 0; i < (options.ticks ?? 3); i++) await tick();
			if (options.fail?.(req)) throw new Error('HTTP 500 from provider');
			const text = `echo: ${req.messages.at(-1)?.content}`;
			return { text, usage: { inputTokens: 10, outputTokens: 5 }, latencyMs: 42, costUsd: 0.001 };
		} finally {
			stats.inFlight--;
			stats.byProvider.set(req.provider, (stats.byProvider.get(req.provider) ?? 1) - 1);
		}
	};
	return { call, stats };
}

const render = async (versionId: string, vars: Record<string, unknown>) => [
	{ role: 'user', content: `${versionId}:${String(vars.q)}` }
];

function plan(rows: number, versions = ['v1'], models = [{ provider: 'openai', model: 'gpt' }]) {
	return expandCases({
		versionIds: versions,
		rows: Array.from({ length: rows }, (_, i) => ({
			id: `r${i}`,
			vars: { q: `q${i}` },
			expected: `q${i}`
		})),
		models,
		assertions: [{ type: 'contains' }]
	});
}

function options(
	over: Partial<RunEvalOptions> & Pick<RunEvalOptions, 'callModel' | 'cases'>
): RunEvalOptions {
	return { runId: 'run1', render, store: new MemoryRunStore(), ...over };
}

describe('runEval', () => {
	it('counts calls to models without a price apart, so the total is known to be incomplete', async () => {
		const priced = fakeModel().call;
		const call: ModelCall = async (req) => {
			const r = await priced(req);
			return req.provider === 'local' ? { ...r, costUsd: null } : r;
		};
		const models = [
			{ provider: 'openai', model: 'gpt' },
			{ provider: 'local', model: 'llama' }
		];
		const { run } = await runEval(options({ cases: plan(3, ['v1'], models), callModel: call }));
		expect(run.progress.unpricedCalls).toBe(3);
		expect(run.progress.costUsd).toBeCloseTo(0.003, 10);
	});

	it('keeps exactly `concurrency` calls in flight and records every field of a result', async () => {
		const { call, stats } = fakeModel();
		const store = new MemoryRunStore();
		const { run, results } = await runEval(
			options({ cases: plan(40), callModel: call, store, concurrency: 5 })
		);
		expect(stats.maxInFlight).toBe(5);
		expect(stats.calls).toBe(40);
		expect(run.status).toBe('completed');
		expect(run.progress).toMatchObject({
			total: 40,
			completed: 40,
			failed: 0,
			tokensIn: 400,
			tokensOut: 200,
			etaMs: 0
		});
		expect(run.progress.costUsd).toBeCloseTo(0.04, 10);
		const r = results[3];
		expect(r).toMatchObject({
			versionId: 'v1',
			rowId: 'r3',
			provider: 'openai',
			model: 'gpt',
			vars: { q: 'q3' },
			messages: [{ role: 'user', content: 'v1:q3' }],
			output: 'echo: v1:q3',
			pass: true,
			score: 1,
			tokensIn: 10,
			tokensOut: 5,
			latencyMs: 42,
			costUsd: 0.001,
			error: null,
			cached: false
		});
		expect(r.scores).toEqual([expect.objectContaining({ type: 'contains', pass: true })]);
		expect(await store.listResults('run1')).toHaveLength(40);
		expect(store.runs.get('run1')?.status).toBe('completed');
	});

	it('honours a per-provider concurrency limit under a larger global one', async () => {
		const { call, stats } = fakeModel();
		const cases = plan(
			20,
			['v1'],
			[
				{ provider: 'openai', model: 'a' },
				{ provider: 'ollama', model: 'b' }
			]
		);
		await runEval(
			options({
				cases,
				callModel: call,
				concurrency: 8,
				providerLimits: { ollama: { concurrency: 2 } }
			})
		);
		expect(stats.maxByProvider.get('ollama')).toBe(2);
		expect(stats.maxInFlight).toBeGreaterThan(2);
	});

	it('spaces calls to a rate-limited provider (requests per minute) on the injected clock', async () => {
		const clock = { t: 0, now: () => clock.t, sleep: async (ms: number) => void (clock.t += ms) };
		const starts: number[] = [];
		const call: ModelCall = async () => {
			starts.push(clock.t);
			return { text: 'ok', usage: { inputTokens: 1, outputTokens: 1 }, latencyMs: 1, costUsd: 0 };
		};
		await runEval(
			options({
				cases: plan(4),
				callModel: call,
				clock,
				providerLimits: { openai: { requestsPerMinute: 2 } }
			})
		);
		expect(starts).toEqual([0, 0, 30_000, 60_000]);
	});

	it('cancels: queued cases never start, nothing is saved for aborted calls, resume finishes without duplicates', async () => {
		const store = new MemoryRunStore();
		const cases = plan(30);
		const ac = new AbortController();
		const first = fakeModel();
		const progress: RunProgress[] = [];
		const cancelled = await runEval(
			options({
				cases,
				store,
				callModel: first.call,
				concurrency: 3,
				signal: ac.signal,
				onProgress: (p) => {
					progress.push(p);
					if (p.completed === 10) ac.abort();
				}
			})
		);
		expect(cancelled.run.status).toBe('cancelled');
		const saved = await store.listResults('run1');
		expect(saved.length).toBe(10);
		expect(first.stats.calls).toBeLessThan(30);

		const second = fakeModel();
		const resumed = await runEval(
			options({ cases, store, callModel: second.call, concurrency: 3 })
		);
		expect(resumed.run.status).toBe('completed');
		expect(second.stats.calls).toBe(20);
		expect(resumed.results).toHaveLength(30);
		const ids = resumed.results.map((r: EvalResult) => r.rowId);
		expect(new Set(ids).size).toBe(30);
		expect(resumed.run.progress.completed).toBe(30);
		expect(resumed.run.progress.costUsd).toBeCloseTo(first.stats.calls * 0 + 30 * 0.001, 10);
	});

	it('serves a rerun from the cache at no cost, and calls again with noCache', async () => {
		const cache = new MemoryResponseCache();
		const first = fakeModel();
		await runEval(options({ cases: plan(6), callModel: first.call, cache, runId: 'a' }));
		expect(cache.size).toBe(6);
		const second = fakeModel();
		const rerun = await runEval(
			options({ cases: plan(6), callModel: second.call, cache, runId: 'b' })
		);
		expect(second.stats.calls).toBe(0);
		expect(rerun.run.progress).toMatchObject({ cached: 6, costUsd: 0, tokensIn: 0 });
		expect(rerun.results.every((r) => r.cached && r.output?.startsWith('echo:'))).toBe(true);
		const third = fakeModel();
		await runEval(
			options({ cases: plan(6), callModel: third.call, cache, runId: 'c', noCache: true })
		);
		expect(third.stats.calls).toBe(6);
	});

	it('makes one call for identical prompts in the same run', async () => {
		const { call, stats } = fakeModel();
		const cases = expandCases({
			versionIds: ['v1'],
			rows: [
				{ id: 'a', vars: { q: 'same' } },
				{ id: 'b', vars: { q: 'same' } }
			],
			models: [{ provider: 'openai', model: 'gpt' }]
		});
		const { results } = await runEval(
			options({ cases, callModel: call, cache: new MemoryResponseCache() })
		);
		expect(stats.calls).toBe(1);
		expect(results.map((r) => r.cached).sort()).toEqual([false, true]);
	});

	it('records provider errors, render errors and timeouts per case, and retries them on resume', async () => {
		const store = new MemoryRunStore();
		const cases = plan(4);
		const failing = fakeModel({ fail: (req) => req.messages[0].content.endsWith('q1') });
		const badRender = async (v: string, vars: Record<string, unknown>) => {
			if (vars.q === 'q2') throw new Error('unknown variable "x" at line 1, column 3');
			return render(v, vars);
		};
		const { run, results } = await runEval(
			options({ cases, store, callModel: failing.call, render: badRender })
		);
		expect(run.progress).toMatchObject({ completed: 2, failed: 2 });
		expect(results[1]).toMatchObject({
			error: 'HTTP 500 from provider',
			errorKind: 'provider',
			pass: false,
			output: null
		});
		expect(results[2]).toMatchObject({ errorKind: 'render', messages: [] });
		expect(results[2].error).toMatch(/^render failed: unknown variable/);

		const healthy = fakeModel();
		const resumed = await runEval(options({ cases, store, callModel: healthy.call }));
		expect(healthy.stats.calls).toBe(2);
		expect(resumed.run.progress).toMatchObject({ completed: 4, failed: 0 });

		const hanging = fakeModel({ hang: true });
		const timedOut = await runEval(
			options({ cases: plan(1), callModel: hanging.call, runId: 't', timeoutMs: 20 })
		);
		expect(timedOut.results[0]).toMatchObject({
			errorKind: 'timeout',
			error: 'model call timed out after 20 ms'
		});
	});

	it('marks the run failed and rejects when the store cannot save', async () => {
		const store = new MemoryRunStore();
		store.saveResult = async () => {
			throw new Error('QuotaExceededError');
		};
		const { call } = fakeModel();
		await expect(runEval(options({ cases: plan(5), store, callModel: call }))).rejects.toThrow(
			'QuotaExceededError'
		);
		expect(store.runs.get('run1')).toMatchObject({
			status: 'failed',
			error: 'could not save a result: QuotaExceededError'
		});
	});

	it('rejects invalid assertions before any call', async () => {
		const { call, stats } = fakeModel();
		const cases = expandCases({
			versionIds: ['v'],
			rows: [{ id: 'a', vars: {} }],
			models: [{ provider: 'openai', model: 'm' }],
			assertions: [{ type: 'regex', value: '(' }]
		});
		await expect(runEval(options({ cases, callModel: call }))).rejects.toThrow(/invalid regex/);
		expect(stats.calls).toBe(0);
	});

	it('passes judge calls through the same model access and counts their cost', async () => {
		const calls: string[] = [];
		const call: ModelCall = async (req) => {
			calls.push(req.model);
			const text = req.model === 'judge' ? '{"pass": true, "score": 1, "reason": "ok"}' : 'answer';
			return { text, usage: { inputTokens: 1, outputTokens: 1 }, latencyMs: 1, costUsd: 0.5 };
		};
		const cases = expandCases({
			versionIds: ['v'],
			rows: [{ id: 'a', vars: {} }],
			models: [{ provider: 'openai', model: 'm' }],
			assertions: [{ type: 'llm-rubric', value: 'is an answer', provider: 'openai:judge' }]
		});
		const { results, run } = await runEval(options({ cases, callModel: call }));
		expect(calls.sort()).toEqual(['judge', 'm']);
		expect(results[0]).toMatchObject({ costUsd: 0.5, judgeCostUsd: 0.5, pass: true });
		expect(run.progress.costUsd).toBe(1);
	});
});
