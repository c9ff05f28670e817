/** @module Dexie-backed RunStore and ResponseCache for evaluation runs in the app. */
import type { EvalResult, EvalRun } from './types';
import type { ResponseCache } from './cache';
import type { RunStore } from './store';
import type { ModelCallResponse } from '../types';
import type { EvalResultRecord, EvalRunRecord, PromptloomDb } from '../../store/db';
import { guardStorage } from '../../store/storage-errors';

/** Runs and results in IndexedDB; every `saveResult` is committed before the case counts as done. */
export class DexieRunStore implements RunStore {
	readonly #db: PromptloomDb;
	constructor(db: PromptloomDb) {
		this.#db = db;
	}

	async saveRun(run: EvalRun): Promise<void> {
		await guardStorage('save the evaluation run', async () => {
			// Keep fields other writers added (name, plan) and the first start time; replace the rest.
			const existing = await this.#db.evalRuns.get(run.id);
			await this.#db.evalRuns.put({
				...(existing ?? {}),
				...run,
				createdAt: existing?.createdAt ?? run.createdAt
			} as unknown as EvalRunRecord);
		});
	}

	async saveResult(result: EvalResult): Promise<void> {
		await guardStorage('save an evaluation result', () =>
			this.#db.evalResults.put(result as unknown as EvalResultRecord)
		);
	}

	async listResults(runId: string): Promise<EvalResult[]> {
		const rows = await this.#db.evalResults.where('runId').equals(runId).toArray();
		return rows as unknown as EvalResult[];
	}
}

/** Cached model responses keyed by `responseCacheKey` (provider, model, rendered prompt, params). */
export class DexieResponseCache implements ResponseCache {
	readonly #db: PromptloomDb;
	constructor(db: PromptloomDb) {
		this.#db = db;
	}
	async get(key: string): Promise<ModelCallResponse | undefined> {
		const rec = await this.#db.evalCache.get(key);
		return rec ? (rec.value as ModelCallResponse) : undefined;
	}
	async set(key: string, value: ModelCallResponse): Promise<void> {
		await guardStorage('cache a model response', () =>
			this.#db.evalCache.put({ key, value, createdAt: Date.now() })
		);
	}
	/** Forgets every cached response. */
	async clear(): Promise<void> {
		await this.#db.evalCache.clear();
	}
	count(): Promise<number> {
		return this.#db.evalCache.count();
	}
}
