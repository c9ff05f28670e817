/** @module The read-only view of evaluation history that analytics needs, and an in-memory one. */
import type { EvalResult, EvalRun } from '../eval/run/types';

/** A finished or running evaluation, with what analytics needs to group it. */
export interface AnalyticsRun {
	id: string;
	/** Name shown in charts (the plan's name, or a short id). */
	name: string;
	status: EvalRun['status'];
	createdAt: number;
	/** Prompts whose versions the run evaluated. */
	promptIds: string[];
	/** The dataset the run used, when known (repeated runs are compared on the same one). */
	datasetId: string | null;
}

export interface RunFilter {
	/**
	 * Only runs that evaluated a version of this prompt. Runs that do not say which prompts they
	 * evaluated are kept: their results are matched to prompts by version.
	 */
	promptId?: string;
	/** Only runs created at or after this time (ms). */
	since?: number;
}

/** Where analytics reads runs and results from (Dexie in the app, memory in tests). */
export interface AnalyticsSource {
	/** Runs matching the filter, oldest first. */
	listRuns(filter?: RunFilter): Promise<AnalyticsRun[]>;
	listResults(runId: string): Promise<EvalResult[]>;
	/** The prompt a version belongs to, when known (lets per-prompt views keep only its results). */
	promptOfVersion?(versionId: string): Promise<string | null>;
}

/** Keeps the runs that pass `filter`, oldest first. */
export function filterRuns(runs: readonly AnalyticsRun[], filter: RunFilter = {}): AnalyticsRun[] {
	return runs
		.filter(
			(r) =>
				(filter.promptId === undefined ||
					r.promptIds.length === 0 ||
					r.promptIds.includes(filter.promptId)) &&
				(filter.since === undefined || r.createdAt >= filter.since)
		)
		.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
}

/** An {@link AnalyticsSource} over arrays (tests, the CLI, imported reports). */
export class MemoryAnalyticsSource implements AnalyticsSource {
	readonly #runs: AnalyticsRun[];
	readonly #results = new Map<string, EvalResult[]>();
	readonly #versions: Map<string, string>;

	constructor(
		runs: readonly AnalyticsRun[],
		results: readonly EvalResult[],
		versionPrompts: Record<string, string> = {}
	) {
		this.#runs = [...runs];
		for (const r of results) {
			const list = this.#results.get(r.runId);
			if (list) list.push(r);
			else this.#results.set(r.runId, [r]);
		}
		this.#versions = new Map(Object.entries(versionPrompts));
	}

	async listRuns(filter?: RunFilter): Promise<AnalyticsRun[]> {
		return filterRuns(this.#runs, filter);
	}
	async listResults(runId: string): Promise<EvalResult[]> {
		return [...(this.#results.get(runId) ?? [])];
	}
	async promptOfVersion(versionId: string): Promise<string | null> {
		return this.#versions.get(versionId) ?? null;
	}
}
