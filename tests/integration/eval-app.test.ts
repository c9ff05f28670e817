/**
 * The app's evaluation service against the real test LLM server: 429 storms, a server that dies
 * mid-run and a resume with no duplicate charges, cache hits on rerun, cancel, review, scores per version.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestCore } from '../support/core';
import { startMockLlm, type MockLlmServer } from '../support/mock-llm/server';
import type { AppCore } from '../../src/lib/core/app-core';
import { EvalService, type EvalPlan } from '../../src/lib/core/eval/index';
import type { EvalResult, RunProgress } from '../../src/lib/core/eval/index';
import { NodeJsSandbox } from '../../src/lib/core/eval/sandbox/js-sandbox.node.ts';
import { createNodeRenderer } from '../../src/lib/core/template/renderer.node.ts';
import { createProvider } from '../../src/lib/core/providers/index';
import type { ProviderRegistry } from '../../src/lib/core/providers/registry';

let core: AppCore;
let llm: MockLlmServer;
let evals: EvalService;
let baseUrl: string;
/** Attempts per call: more than any queued storm, so a storm always ends within the retries. */
const MAX_ATTEMPTS = 16;

/** A registry over the test server: every spec resolves to an OpenAI-format provider at `baseUrl`. */
const registry: ProviderRegistry = {
	async list() {
		return [{ id: 'openai', name: 'Test server', kind: 'openai', hasKey: true }];
	},
	async resolve(spec) {
		const model = spec.slice(spec.indexOf(':') + 1);
		const provider = createProvider({
			kind: 'openai',
			baseUrl,
			apiKey: 'test-key',
			retry: { maxAttempts: MAX_ATTEMPTS, baseDelayMs: 5, maxDelayMs: 20 }
		});
		return {
			provider,
			model,
			config: { id: 'openai', name: 'Test server', kind: 'openai', hasKey: true }
		};
	}
};

beforeEach(async () => {
	core = await openTestCore({ author: () => 'ann' });
	llm = await startMockLlm({ port: 0 });
	baseUrl = `${llm.url}/v1`;
	evals = new EvalService({
		db: core.db,
		library: core.library,
		vcs: core.vcs,
		providers: () => registry,
		renderer: () => createNodeRenderer(),
		sandbox: () => new NodeJsSandbox()
	});
});

afterEach(async () => {
	await evals.dispose();
	await llm.close();
	core.close();
});

const CSV = [
	'city,country,expected',
	...Array.from({ length: 6 }, (_, i) => `city${i},land${i},OK${i}`)
].join('\n');

async function plan(overrides: Partial<EvalPlan> = {}): Promise<EvalPlan> {
	const p = await core.library.createPrompt({
		name: 'capital',
		content: 'Say hi to {{ city }}. reply with exactly: OK{{ city[4:] }}'
	});
	const v1 = await core.vcs.commit(p.id, 'v1');
	await core.library.updatePrompt(p.id, {
		content: 'Greet {{ city }} in {{ country }}. reply with exactly: ok{{ city[4:] }}'
	});
	const v2 = await core.vcs.commit(p.id, 'v2');
	const dataset = await evals.datasets.importText(CSV, 'csv', { name: 'cities' });
	return {
		name: 'capitals',
		variants: [await evals.variant(p.id, v1.id), await evals.variant(p.id, v2.id)],
		dataset,
		models: [{ spec: 'openai:gpt-4o-mini' }, { spec: 'openai:gpt-4.1-nano' }],
		assertions: [{ type: 'equals' }, { type: 'javascript', value: 'output.length < 10' }],
		concurrency: 4,
		...overrides
	};
}

const chatRequests = () => llm.requests.filter((r) => r.path.endsWith('/chat/completions'));
const bodyKey = (model: string, messages: { role: string; content: string }[]) =>
	`${model}\u0000${JSON.stringify(messages.map((m) => [m.role, m.content]))}`;
const requestKeys = (server: MockLlmServer) =>
	server.requests
		.filter((r) => r.path.endsWith('/chat/completions'))
		.map((r) => {
			const b = r.body as { model: string; messages: { role: string; content: string }[] };
			return bodyKey(b.model, b.messages);
		});

describe('EvalService with the test LLM server', () => {
	it('runs versions × rows × models, scores, prices and links results to version ids', async () => {
		const pl = await plan();
		const estimate = await evals.estimate(pl);
		expect(estimate.calls).toBe(24);
		expect(estimate.totalUsd).toBeGreaterThan(0);
		expect(estimate.assumption).toMatch(/assumes 256 output tokens per call/);

		const runId = await evals.start(pl);
		const done = await evals.whenDone(runId);
		expect(done.status).toBe('completed');
		expect(done.progress).toMatchObject({ total: 24, completed: 24, failed: 0 });
		expect(done.progress.costUsd).toBeGreaterThan(0);
		const results = await evals.results(runId);
		const v1 = pl.variants[0].id;
		// v1 answers OK<n> = expected; v2 answers ok<n>: equals fails, the JS check passes.
		const byVersion = (v: string) => results.filter((r) => r.versionId === v);
		expect(byVersion(v1).every((r) => r.pass)).toBe(true);
		expect(byVersion(pl.variants[1].id).every((r) => !r.pass)).toBe(true);
		expect(results[0].scores.map((s) => s.type)).toEqual(['equals', 'javascript']);
		expect(byVersion(v1)[0].messages[0].content).toMatch(/^Say hi to city\d/);

		const summary = await evals.resultsForVersion(v1);
		expect(summary).toMatchObject({ runs: 1, results: 12, meanScore: 1, passRate: 1 });
		expect((await evals.resultsForVersion(pl.variants[1].id)).passRate).toBe(0);
	});

	it('completes through a 429 storm with retries', async () => {
		const storm = MAX_ATTEMPTS - 1;
		llm.setFailures(Array.from({ length: storm }, () => ({ type: 'rate_limit', retryAfter: 0 })));
		const runId = await evals.start(await plan());
		const done = await evals.whenDone(runId);
		expect(done.progress).toMatchObject({ total: 24, completed: 24, failed: 0 });
		const reqs = chatRequests();
		expect(reqs.filter((r) => r.status === 429)).toHaveLength(storm);
		expect(reqs).toHaveLength(24 + storm);
	});

	it('records errors when the server dies, then resumes with no duplicate charges', async () => {
		llm.setLatency(40);
		const pl = await plan({ concurrency: 2 });
		const runId = await evals.start(pl);
		const port = llm.port;
		let closed: Promise<void> | null = null;
		evals.subscribe(runId, (p: RunProgress) => {
			if (p.completed >= 6 && !closed) closed = llm.close();
		});
		const first = await evals.whenDone(runId);
		await closed;
		expect(first.progress.completed).toBeGreaterThanOrEqual(6);
		expect(first.progress.completed).toBeLessThan(24);
		const failedBefore = (await evals.results(runId)).filter((r) => r.error !== null);
		expect(failedBefore.length).toBeGreaterThan(0);
		expect(failedBefore[0].errorKind).toBe('provider');
		const paid = (await evals.results(runId)).filter((r) => r.error === null);

		// The same server comes back on the same port; the run resumes.
		const dead = llm;
		llm = await startMockLlm({ port });
		await dead.close();
		await evals.resume(runId);
		const second = await evals.whenDone(runId);
		expect(second.status).toBe('completed');
		expect(second.progress).toMatchObject({ total: 24, completed: 24, failed: 0 });

		const resumedKeys = requestKeys(llm);
		const paidKeys = new Set(paid.map((r: EvalResult) => bodyKey(r.model, r.messages)));
		expect(resumedKeys.filter((k) => paidKeys.has(k))).toEqual([]);
		expect(resumedKeys).toHaveLength(24 - paid.length);
		expect(new Set(resumedKeys).size).toBe(resumedKeys.length);
	});

	it('answers a rerun from the cache at no cost unless asked', async () => {
		const pl = await plan();
		await evals.whenDone(await evals.start(pl));
		const before = chatRequests().length;
		const again = await evals.whenDone(await evals.start(pl));
		expect(chatRequests().length).toBe(before);
		expect(again.progress).toMatchObject({ completed: 24, cached: 24, costUsd: 0, tokensIn: 0 });
		const fresh = await evals.whenDone(await evals.start({ ...pl, noCache: true }));
		expect(chatRequests().length).toBe(before + 24);
		expect(fresh.progress.cached).toBe(0);
	});

	it('cancels a run, keeps what was paid for, and resumes to the end', async () => {
		llm.setLatency(30);
		const runId = await evals.start(await plan({ concurrency: 1 }));
		evals.subscribe(runId, (p) => {
			if (p.completed === 3) evals.cancel(runId);
		});
		const cancelled = await evals.whenDone(runId);
		expect(cancelled.status).toBe('cancelled');
		const view = await evals.view(runId);
		expect(view.interrupted).toBe(false);
		const kept = (await evals.results(runId)).length;
		expect(kept).toBeGreaterThanOrEqual(3);
		expect(kept).toBeLessThan(24);
		const requestsBefore = chatRequests().length;
		await evals.resume(runId);
		const done = await evals.whenDone(runId);
		expect(done.status).toBe('completed');
		expect(chatRequests().length - requestsBefore).toBe(24 - kept);
	});

	it('stores a human review and rescoring it changes the result', async () => {
		const runId = await evals.start(
			await plan({ assertions: [{ type: 'human' }], models: [{ spec: 'openai:gpt-4o-mini' }] })
		);
		await evals.whenDone(runId);
		const [first] = await evals.results(runId);
		expect(first.scores[0].skipped).toBe(true);
		const reviewed = await evals.review(first.id, {
			rating: { kind: 'stars', value: 5 },
			comment: 'great'
		});
		expect(reviewed).toMatchObject({ pass: true, score: 1 });
		const stored = (await evals.results(runId)).find((r) => r.id === first.id);
		expect(stored?.scores[0].reason).toBe('5/5: great');
	});

	it('lists an unfinished run from an earlier session as interrupted', async () => {
		llm.setLatency(30);
		const pl = await plan({ concurrency: 1 });
		const runId = await evals.start(pl);
		evals.subscribe(runId, (p) => {
			if (p.completed === 2) evals.cancel(runId);
		});
		await evals.whenDone(runId);
		// Simulate a tab closed mid-run: the record still says running.
		await core.db.evalRuns.update(runId, { status: 'running' });
		const other = new EvalService({
			db: core.db,
			library: core.library,
			vcs: core.vcs,
			providers: () => registry,
			renderer: () => createNodeRenderer()
		});
		const view = await other.view(runId);
		expect(view).toMatchObject({ interrupted: true, active: false });
		expect(view.progress.completed).toBeGreaterThanOrEqual(2);
		await other.dispose();
	});
});
