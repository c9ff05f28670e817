/** @module The app's evaluation service: datasets, cost estimates, runs (start, cancel, resume), review. */
import { EventBus } from '../events';
import { loadEvalDraft, type EvalDraft } from './plan/draft';
import { applyHumanScore } from './aggregates';
import { emptyProgress, runEval } from './run/runner';
import type { EvalResult, EvalRun, RunProgress, RunStatus } from './run/types';
import type { JsSandbox } from './sandbox/js-sandbox';
import type { HumanScoreInput } from './scorers/human';
import { prepareAssertions } from './scorers/registry';
import type { Assertion } from './scorers/types';
import type { LibraryService } from '../library/library-service';
import { PromptloomError } from '../model/errors';
import type { ProviderRegistry } from '../providers/registry';
import { DEFAULT_PRICES } from '../providers/prices';
import type { PromptloomDb } from '../store/db';
import { guardStorage } from '../store/storage-errors';
import type { Renderer } from '../template/renderer';
import type { FewShotSet } from '../template/types';
import type { PromptVcs } from '../vcs/prompt-vcs';
import { DatasetRepository } from './dataset/repo.dexie';
import { DexieResponseCache, DexieRunStore } from './run/stores.dexie';
import { estimatePlan, type PlanEstimate } from './plan/estimate';
import { modelCallFromRegistry } from './run/model-call';
import { modelRefOf, planCases, validatePlan, type EvalPlan } from './plan/plan';
import { renderCaseFor } from './plan/render-case';
import { buildVariant, listVariantChoices, type VariantChoice } from './plan/variants';
import type { EvalVariant } from './plan/plan';

/** A run as stored: the runner's record plus its name and the plan needed to resume it. */
export interface StoredRun extends EvalRun {
	name: string;
	plan: EvalPlan;
}

/** A run as the UI shows it. */
export interface RunView extends StoredRun {
	/** Running in this tab now. */
	active: boolean;
	/** Stored as running but not running here (the tab was closed or reloaded): resume it. */
	interrupted: boolean;
}

/** Scores measured on one version, for the version history. */
export interface VersionScoreSummary {
	versionId: string;
	/** Runs with at least one result for this version. */
	runs: number;
	/** Results without error. */
	results: number;
	meanScore: number | null;
	passRate: number | null;
	lastRunAt: number | null;
	byRun: {
		runId: string;
		name: string;
		createdAt: number;
		n: number;
		meanScore: number | null;
		passRate: number | null;
	}[];
}

export interface EvalServiceOptions {
	db: PromptloomDb;
	library: LibraryService;
	vcs: PromptVcs;
	/** The configured providers; null while none exist. */
	providers: () => ProviderRegistry | null | undefined;
	/** Renders templates off the calling thread (browser worker in the app, Node worker in tests). */
	renderer: () => Renderer;
	/** Sandbox for `javascript` assertions; created per run that needs one, disposed after. */
	sandbox?: () => JsSandbox;
	/** The few-shot sets templates may insert; read once per estimate or run. */
	fewShotSets?: () => Promise<FewShotSet[]>;
	now?: () => number;
}

type Listener = (progress: RunProgress, status: RunStatus) => void;

/** What the evaluation service announces: a run's live progress, and runs started or ended. */
export interface EvalEvents {
	progress: { runId: string; progress: RunProgress; status: RunStatus };
	runs: Record<string, never>;
}

interface ActiveRun {
	controller: AbortController;
	progress: RunProgress;
	/** Progress subscriptions, which end with this run (a resumed run starts afresh). */
	subscriptions: Set<() => void>;
	done: Promise<StoredRun>;
}

const needsSandbox = (as: Assertion[]): boolean =>
	as.some((a) => /^(not-)?javascript$/.test(a.type) || (a.assert ? needsSandbox(a.assert) : false));

export class EvalService {
	readonly datasets: DatasetRepository;
	readonly cache: DexieResponseCache;
	readonly store: DexieRunStore;
	readonly #db: PromptloomDb;
	readonly #o: EvalServiceOptions;
	readonly #now: () => number;
	readonly #active = new Map<string, ActiveRun>();
	readonly #events = new EventBus<EvalEvents>();
	#renderer: Renderer | null = null;

	constructor(options: EvalServiceOptions) {
		this.#o = options;
		this.#db = options.db;
		this.#now = options.now ?? Date.now;
		this.datasets = new DatasetRepository(options.db, this.#now);
		this.cache = new DexieResponseCache(options.db);
		this.store = new DexieRunStore(options.db);
	}

	get #render(): Renderer {
		this.#renderer ??= this.#o.renderer();
		return this.#renderer;
	}

	/** The pending prefilled "new evaluation" form (e.g. from a promptfoo import), or null. */
	loadDraft(): Promise<EvalDraft | null> {
		return loadEvalDraft(this.#db.settings);
	}

	/** The versions of a prompt (or its working copy) that can be evaluated. */
	variantChoices(promptId: string): Promise<VariantChoice[]> {
		return listVariantChoices(this.#o, promptId);
	}

	/** Freezes a version (null: the working copy) into a plan variant. */
	variant(promptId: string, versionId: string | null): Promise<EvalVariant> {
		return buildVariant(this.#o, promptId, versionId);
	}

	/**
	 * Tokenizes every rendered prompt and prices it with the user's price table (as edited in
	 * Settings, the same one live costs use); states its output-length assumption.
	 */
	async estimate(plan: EvalPlan): Promise<PlanEstimate> {
		await prepareAssertions(plan.assertions);
		validatePlan(plan);
		const prices = (await this.#o.providers()?.getPrices?.()) ?? DEFAULT_PRICES;
		return estimatePlan(
			plan,
			renderCaseFor(plan.variants, this.#render, this.#o.fewShotSets),
			prices
		);
	}

	/** Stores the plan as a new run and starts it in the background; returns the run id. */
	async start(plan: EvalPlan): Promise<string> {
		await prepareAssertions(plan.assertions);
		validatePlan(plan);
		const registry = this.#registry();
		const id = globalThis.crypto.randomUUID();
		const now = this.#now();
		const run: StoredRun = {
			id,
			name: plan.name.trim(),
			status: 'running',
			createdAt: now,
			updatedAt: now,
			progress: emptyProgress(planCases(plan).length),
			plan: structuredClone(plan),
			meta: this.#meta(plan)
		};
		await guardStorage('save the evaluation run', () =>
			this.#db.evalRuns.put(run as unknown as Parameters<PromptloomDb['evalRuns']['put']>[0])
		);
		this.#launch(run, registry);
		return id;
	}

	/**
	 * Runs again the cases of a run that have no result yet (and those that failed): nothing
	 * already paid for is called again. Refuses while the run is active in this tab.
	 */
	async resume(runId: string): Promise<void> {
		if (this.#active.has(runId))
			throw new PromptloomError('conflict', 'this evaluation is already running');
		const run = await this.getRun(runId);
		this.#launch(run, this.#registry());
	}

	/** Stops a running evaluation; finished results are kept and it can be resumed. */
	cancel(runId: string): void {
		this.#active.get(runId)?.controller.abort(new PromptloomError('cancelled', 'cancelled by you'));
	}

	/** Resolves when the run active in this tab ends (at once when it is not active). */
	async whenDone(runId: string): Promise<StoredRun> {
		const a = this.#active.get(runId);
		return a ? a.done : this.getRun(runId);
	}

	isActive(runId: string): boolean {
		return this.#active.has(runId);
	}

	/** Live progress of an active run; returns the unsubscribe function. */
	subscribe(runId: string, listener: Listener): () => void {
		const a = this.#active.get(runId);
		if (!a) return () => {};
		listener({ ...a.progress }, 'running');
		const off = this.#events.on('progress', (e) => {
			if (e.runId === runId) listener({ ...e.progress }, e.status);
		});
		a.subscriptions.add(off);
		return () => {
			off();
			a.subscriptions.delete(off);
		};
	}

	/** Called when any run starts or ends (for lists). */
	onRunsChanged(fn: () => void): () => void {
		return this.#events.on('runs', fn);
	}

	async getRun(runId: string): Promise<StoredRun> {
		const rec = await this.#db.evalRuns.get(runId);
		if (!rec) throw new PromptloomError('not_found', `no evaluation run "${runId}"`);
		return rec as unknown as StoredRun;
	}

	/** A run with its live state; an interrupted run's progress is recounted from its results. */
	async view(runId: string): Promise<RunView> {
		return this.#viewOf(await this.getRun(runId));
	}

	async listRuns(): Promise<RunView[]> {
		const all = (await this.#db.evalRuns
			.orderBy('createdAt')
			.reverse()
			.toArray()) as unknown as StoredRun[];
		return Promise.all(all.map((r) => this.#viewOf(r)));
	}

	async results(runId: string): Promise<EvalResult[]> {
		return this.store.listResults(runId);
	}

	async deleteRun(runId: string): Promise<void> {
		if (this.#active.has(runId))
			throw new PromptloomError('conflict', 'cancel the evaluation before deleting it');
		await this.#db.transaction('rw', this.#db.evalRuns, this.#db.evalResults, async () => {
			await this.#db.evalResults.where('runId').equals(runId).delete();
			await this.#db.evalRuns.delete(runId);
		});
		this.#emitChanged();
	}

	/** Records a manual review (thumbs or 1–5 with a comment) on one result and rescores it. */
	async review(resultId: string, input: HumanScoreInput): Promise<EvalResult> {
		const rec = await this.#db.evalResults.get(resultId);
		if (!rec) throw new PromptloomError('not_found', `no evaluation result "${resultId}"`);
		const updated = applyHumanScore(rec as unknown as EvalResult, input);
		await this.store.saveResult(updated);
		return updated;
	}

	/** Scores measured on a version across every run (for the version history view). */
	async resultsForVersion(versionId: string): Promise<VersionScoreSummary> {
		const rows = (await this.#db.evalResults
			.where('versionId')
			.equals(versionId)
			.toArray()) as unknown as EvalResult[];
		const byRun = new Map<string, EvalResult[]>();
		for (const r of rows) byRun.set(r.runId, [...(byRun.get(r.runId) ?? []), r]);
		const runs = await this.#db.evalRuns.bulkGet([...byRun.keys()]);
		const stat = (rs: EvalResult[]) => {
			const ok = rs.filter((r) => r.error === null);
			return {
				n: ok.length,
				meanScore: ok.length ? ok.reduce((s, r) => s + r.score, 0) / ok.length : null,
				passRate: ok.length ? ok.filter((r) => r.pass).length / ok.length : null
			};
		};
		const all = stat(rows);
		const perRun = [...byRun].map(([runId, rs], i) => ({
			runId,
			name: String(runs[i]?.name ?? runId),
			createdAt: Number(runs[i]?.createdAt ?? 0),
			...stat(rs)
		}));
		perRun.sort((a, b) => b.createdAt - a.createdAt);
		return {
			versionId,
			runs: byRun.size,
			results: all.n,
			meanScore: all.meanScore,
			passRate: all.passRate,
			lastRunAt: perRun[0]?.createdAt ?? null,
			byRun: perRun
		};
	}

	/** Stops every active run and the worker renderer (tests, app shutdown). */
	async dispose(): Promise<void> {
		const pending = [...this.#active.values()].map((a) => {
			a.controller.abort(new PromptloomError('cancelled', 'the app is closing'));
			return a.done.catch(() => undefined);
		});
		await Promise.all(pending);
		this.#renderer?.dispose();
		this.#renderer = null;
	}

	#registry(): ProviderRegistry {
		const r = this.#o.providers();
		if (!r)
			throw new PromptloomError(
				'provider',
				'No model providers are configured yet: add one in Settings before running an evaluation.'
			);
		return r;
	}

	#meta(plan: EvalPlan): Record<string, unknown> {
		return {
			datasetId: plan.dataset.id,
			datasetName: plan.dataset.name,
			versionIds: plan.variants.map((v) => v.id),
			models: plan.models.map((m) => m.label || m.spec)
		};
	}

	async #viewOf(run: StoredRun): Promise<RunView> {
		const a = this.#active.get(run.id);
		if (a)
			return {
				...run,
				status: 'running',
				progress: { ...a.progress },
				active: true,
				interrupted: false
			};
		if (run.status !== 'running') return { ...run, active: false, interrupted: false };
		const results = await this.store.listResults(run.id);
		const progress = emptyProgress(run.progress.total);
		for (const r of results) {
			if (r.error === null) progress.completed++;
			else progress.failed++;
			if (!r.cached) {
				progress.tokensIn += r.tokensIn;
				progress.tokensOut += r.tokensOut;
				progress.costUsd += r.costUsd ?? 0;
			}
			progress.costUsd += r.judgeCostUsd;
		}
		return { ...run, progress, active: false, interrupted: true };
	}

	#launch(run: StoredRun, registry: ProviderRegistry): void {
		const plan = run.plan;
		const cases = planCases(plan);
		const controller = new AbortController();
		const sandbox = needsSandbox(plan.assertions) ? this.#o.sandbox?.() : undefined;
		const active: ActiveRun = {
			controller,
			progress: emptyProgress(cases.length),
			subscriptions: new Set(),
			done: Promise.resolve(run)
		};
		this.#active.set(run.id, active);
		const emit = (progress: RunProgress, status: RunStatus) =>
			this.#events.emit('progress', { runId: run.id, progress, status });
		active.done = (async () => {
			try {
				const { run: finished } = await runEval({
					runId: run.id,
					cases,
					callModel: modelCallFromRegistry(registry),
					render: renderCaseFor(plan.variants, this.#render, this.#o.fewShotSets),
					store: this.store,
					cache: this.cache,
					noCache: plan.noCache,
					concurrency: plan.concurrency ?? 8,
					providerLimits: plan.providerLimits,
					timeoutMs: plan.timeoutMs,
					signal: controller.signal,
					onProgress: (p) => {
						active.progress = p;
						emit(p, 'running');
					},
					scoring: {
						sandbox,
						judge: plan.judge ? modelRefOf({ spec: plan.judge }) : undefined
					},
					meta: run.meta
				});
				active.progress = finished.progress;
				emit(finished.progress, finished.status);
			} catch (e) {
				const message = (e as Error).message;
				await this.#db.evalRuns
					.update(run.id, { status: 'failed', error: message, updatedAt: this.#now() })
					.catch(() => undefined);
				emit(active.progress, 'failed');
			} finally {
				this.#active.delete(run.id);
				for (const off of active.subscriptions) off();
				await sandbox?.dispose().catch(() => undefined);
				this.#emitChanged();
			}
			return this.getRun(run.id);
		})();
		this.#emitChanged();
	}

	#emitChanged(): void {
		this.#events.emit('runs', {});
	}
}
