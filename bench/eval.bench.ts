/**
 * @module Evaluation runner overhead benchmark. The model call only awaits a 100 ms timer, so this
 * measures the runner itself (queueing, rendering hook, cache keys, scoring, persistence), not a
 * provider or the network: 500 cases at concurrency 20 should take ≈ 500 × 100 / 20 = 2.5 s.
 */
import {
	expandCases,
	MemoryResponseCache,
	MemoryRunStore,
	runEval,
	type ModelCall
} from '../src/lib/core/eval/index.ts';

const CASES = 500;
const LATENCY_MS = 100;
const CONCURRENCY = 20;

export async function run(): Promise<Record<string, number>> {
	const call: ModelCall = async (req) => {
		await new Promise((resolve) => setTimeout(resolve, LATENCY_MS));
		const text = `answer to ${req.messages.at(-1)?.content ?? ''}`;
		return {
			text,
			usage: { inputTokens: 20, outputTokens: 8 },
			latencyMs: LATENCY_MS,
			costUsd: 0.00002
		};
	};
	const cases = expandCases({
		versionIds: ['v1', 'v2'],
		rows: Array.from({ length: CASES / 2 }, (_, i) => ({
			id: `r${i}`,
			vars: { q: `question ${i}` }
		})),
		models: [{ provider: 'openai', model: 'bench' }],
		assertions: [
			{ type: 'contains', value: 'answer' },
			{ type: 'regex', value: '\\d+$' }
		]
	});
	let peakRss = process.memoryUsage().rss;
	const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
	const started = performance.now();
	const { run: result } = await runEval({
		runId: 'bench',
		cases,
		callModel: call,
		render: async (versionId, vars) => [
			{ role: 'user', content: `${versionId} ${String(vars.q)}` }
		],
		store: new MemoryRunStore(),
		cache: new MemoryResponseCache(),
		concurrency: CONCURRENCY
	});
	const wall = performance.now() - started;
	clearInterval(sampler);
	peakRss = Math.max(peakRss, process.memoryUsage().rss);
	if (result.progress.completed !== CASES)
		throw new Error(`only ${result.progress.completed} of ${CASES} cases completed`);
	const ideal = (CASES * LATENCY_MS) / CONCURRENCY;
	return {
		'eval.ratio_to_ideal': Number((wall / ideal).toFixed(4)),
		'eval.overhead_ms_per_case': Number(((wall - ideal) / CASES).toFixed(4)),
		'eval.peak_rss_mb': Number((peakRss / 1024 / 1024).toFixed(1))
	};
}

if (import.meta.url === `file://${process.argv[1]}`) {
	console.log(JSON.stringify(await run(), null, 2));
}
