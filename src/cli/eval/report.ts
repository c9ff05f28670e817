/** @module The summary table and the results JSON of `promptloom eval`. */
import { aggregateResults } from '../../lib/core/eval/aggregates';
import type { EvalResult, EvalRun } from '../../lib/core/eval/run/types';
import type { PromptfooConfig } from '../../lib/core/eval/promptfoo/config';
import type { EvalRowInput } from '../../lib/core/eval/run/types';

const pct = (x: number) => (Number.isNaN(x) ? '-' : `${(x * 100).toFixed(1)}%`);
const num = (x: number, d = 2) => (Number.isNaN(x) ? '-' : x.toFixed(d));

function table(rows: string[][]): string {
	const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
	const line = (r: string[]) =>
		r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
	return [
		line(rows[0]),
		widths.map((w) => '-'.repeat(w)).join('  '),
		...rows.slice(1).map(line)
	].join('\n');
}

/** One line per prompt × provider: pass/fail, pass rate, mean score, tokens, cost, latency. */
export function summaryTable(config: PromptfooConfig, results: EvalResult[], run: EvalRun): string {
	const promptLabel = new Map(config.prompts.map((p) => [p.id, p.label]));
	const rows = [
		[
			'prompt',
			'provider',
			'pass',
			'fail',
			'errors',
			'pass rate',
			'score',
			'tokens',
			'cost $',
			'p50 ms'
		]
	];
	for (const a of aggregateResults(results, 'version+model')) {
		const group = results.filter((r) => r.versionId === a.versionId && r.modelLabel === a.model);
		const passed = group.filter((r) => r.pass).length;
		rows.push([
			(promptLabel.get(a.versionId ?? '') ?? a.versionId ?? '').replace(/\s+/g, ' ').slice(0, 40),
			a.model ?? '',
			String(passed),
			String(group.length - passed),
			String(a.errors),
			pct(a.passRate),
			num(a.meanScore),
			String(a.tokensIn + a.tokensOut),
			(a.totalCostUsd + a.judgeCostUsd).toFixed(4),
			num(a.p50LatencyMs, 0)
		]);
	}
	const passed = results.filter((r) => r.pass).length;
	const p = run.progress;
	return (
		`${table(rows)}\n\n` +
		`${passed} passed, ${results.length - passed} failed (${p.failed} errors) of ${results.length}; ` +
		`${p.cached} answered from cache; spent $${p.costUsd.toFixed(4)} on ${p.tokensIn + p.tokensOut} tokens\n`
	);
}

/** The results file: one entry per test × prompt × provider. */
export function resultsJson(
	config: PromptfooConfig,
	rows: EvalRowInput[],
	results: EvalResult[],
	run: EvalRun,
	configPath: string
): unknown {
	const prompts = new Map(config.prompts.map((p) => [p.id, p]));
	const providers = new Map(config.providers.map((p) => [p.label, p]));
	const rowIndex = new Map(rows.map((r, i) => [r.id, i]));
	return {
		version: 1,
		config: configPath,
		createdAt: new Date(run.createdAt).toISOString(),
		stats: {
			total: results.length,
			passed: results.filter((r) => r.pass).length,
			failed: results.filter((r) => !r.pass).length,
			errors: run.progress.failed,
			cached: run.progress.cached,
			tokensIn: run.progress.tokensIn,
			tokensOut: run.progress.tokensOut,
			costUsd: run.progress.costUsd
		},
		results: results.map((r) => {
			const row = rows[rowIndex.get(r.rowId) ?? -1];
			const prompt = prompts.get(r.versionId);
			const provider = providers.get(r.modelLabel);
			return {
				testIndex: rowIndex.get(r.rowId) ?? null,
				description: row?.description ?? null,
				prompt: { id: r.versionId, label: prompt?.label ?? r.versionId, raw: prompt?.raw ?? null },
				provider: { id: provider?.id ?? `${r.provider}:${r.model}`, label: r.modelLabel },
				vars: r.vars,
				renderedPrompt: r.messages,
				output: r.output,
				pass: r.pass,
				score: r.score,
				error: r.error,
				assertions: r.scores.map((s) => ({
					type: s.type,
					pass: s.pass,
					score: s.score,
					reason: s.reason,
					weight: s.weight,
					...(s.skipped ? { skipped: true } : {}),
					...(s.costUsd !== undefined ? { costUsd: s.costUsd } : {})
				})),
				tokens: { input: r.tokensIn, output: r.tokensOut, total: r.tokensIn + r.tokensOut },
				cost: r.costUsd,
				judgeCost: r.judgeCostUsd,
				latencyMs: r.latencyMs,
				cached: r.cached
			};
		})
	};
}
