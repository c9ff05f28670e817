/** @module Run persistence contract (Dexie in the app) and an in-memory implementation. */
import type { EvalResult, EvalRun } from './types';

/**
 * Where a run's progress lives. `saveResult` is an upsert by `result.id`; it is awaited before the
 * case counts as done, so a reload never loses a paid-for result.
 */
export interface RunStore {
	saveRun(run: EvalRun): Promise<void>;
	saveResult(result: EvalResult): Promise<void>;
	listResults(runId: string): Promise<EvalResult[]>;
}

export class MemoryRunStore implements RunStore {
	readonly runs = new Map<string, EvalRun>();
	readonly #results = new Map<string, Map<string, EvalResult>>();

	async saveRun(run: EvalRun): Promise<void> {
		this.runs.set(run.id, structuredClone(run));
	}
	async saveResult(result: EvalResult): Promise<void> {
		let forRun = this.#results.get(result.runId);
		if (!forRun) this.#results.set(result.runId, (forRun = new Map()));
		forRun.set(result.id, structuredClone(result));
	}
	async listResults(runId: string): Promise<EvalResult[]> {
		return [...(this.#results.get(runId)?.values() ?? [])].map((r) => structuredClone(r));
	}
}
