/** @module Test data factories for analytics: eval results and runs with sensible defaults. */
import type { EvalResult } from '../eval/run/types';
import type { ScoreResult } from '../eval/scorers/types';
import type { AnalyticsRun } from './source';

let seq = 0;

/** An error-free result; override any field. */
export function result(over: Partial<EvalResult> & Pick<EvalResult, 'runId'>): EvalResult {
	const id = over.id ?? `res-${++seq}`;
	const scores: ScoreResult[] = over.scores ?? [
		{
			type: 'contains',
			pass: (over.score ?? 1) >= 0.5,
			score: over.score ?? 1,
			reason: '',
			weight: 1
		}
	];
	return {
		id,
		caseId: id,
		versionId: 'v1',
		rowId: 'r1',
		provider: 'openai',
		model: 'gpt-4o-mini',
		modelLabel: 'openai:gpt-4o-mini',
		params: {},
		vars: {},
		messages: [],
		output: 'ok',
		scores,
		pass: (over.score ?? 1) >= 0.5,
		score: 1,
		tokensIn: 10,
		tokensOut: 5,
		latencyMs: 100,
		costUsd: 0.001,
		judgeCostUsd: 0,
		cached: false,
		error: null,
		createdAt: 0,
		...over
	};
}

export function run(id: string, createdAt: number, over: Partial<AnalyticsRun> = {}): AnalyticsRun {
	return {
		id,
		name: id,
		status: 'completed',
		createdAt,
		promptIds: ['p1'],
		datasetId: 'd1',
		...over
	};
}
