/** @module AnalyticsSource over the app's Dexie tables (evalRuns, evalResults, versions). */
import type { EvalResult, EvalRun } from '../eval/run/types';
import type { EvalRunRecord, PromptloomDb } from '../store/db';
import { filterRuns, type AnalyticsRun, type AnalyticsSource, type RunFilter } from './source';

const STATUSES: readonly EvalRun['status'][] = ['running', 'completed', 'cancelled', 'failed'];

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const obj = (v: unknown): Record<string, unknown> =>
	v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};

/**
 * Reads what analytics needs from a stored run record. The record is an `EvalRun`; the app's
 * evaluation service may add its plan (`plan.name`, `plan.variants[].promptId`, `plan.dataset.id`),
 * and CLI/imported runs may describe themselves in `meta` (`promptId`, `promptIds`, `datasetId`).
 */
export function analyticsRunOf(rec: EvalRunRecord): AnalyticsRun {
	const plan = obj(rec.plan);
	const meta = obj(rec.meta);
	const variants = Array.isArray(plan.variants) ? plan.variants.map(obj) : [];
	const promptIds = new Set<string>();
	for (const v of variants) {
		const id = str(v.promptId);
		if (id) promptIds.add(id);
	}
	const metaPrompt = str(meta.promptId);
	if (metaPrompt) promptIds.add(metaPrompt);
	if (Array.isArray(meta.promptIds))
		for (const id of meta.promptIds) if (str(id)) promptIds.add(id);
	const status = STATUSES.includes(rec.status as EvalRun['status'])
		? (rec.status as EvalRun['status'])
		: 'completed';
	return {
		id: rec.id,
		name: str(plan.name) ?? str(meta.name) ?? str(rec.name) ?? `run ${rec.id.slice(0, 8)}`,
		status,
		createdAt: rec.createdAt,
		promptIds: [...promptIds],
		datasetId: str(obj(plan.dataset).id) ?? str(meta.datasetId) ?? str(rec.datasetId)
	};
}

export class DexieAnalyticsSource implements AnalyticsSource {
	readonly #db: PromptloomDb;
	constructor(db: PromptloomDb) {
		this.#db = db;
	}

	async listRuns(filter?: RunFilter): Promise<AnalyticsRun[]> {
		const records = await this.#db.evalRuns.orderBy('createdAt').toArray();
		return filterRuns(records.map(analyticsRunOf), filter);
	}

	async listResults(runId: string): Promise<EvalResult[]> {
		const rows = await this.#db.evalResults.where('runId').equals(runId).toArray();
		return rows as unknown as EvalResult[];
	}

	async promptOfVersion(versionId: string): Promise<string | null> {
		return (await this.#db.versions.get(versionId))?.promptId ?? null;
	}
}
