/**
 * @module `POST /v1/observations` and `GET /v1/prompts/{name}/observations`: applications report
 * the calls they made with a prompt version (latency, cost, tokens, score, success) and read
 * per-version aggregates. Kept in memory and written to `<data>/observations.json` every few
 * seconds and at shutdown; the aggregates (with a series of batch means for drift detection) are
 * published to the workspace's index document (`observations` map, written only by the relay),
 * so every member's app shows them without holding raw rows.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
	observationBatchSchema,
	type ObservationAggregate
} from '../../../src/lib/core/api/schemas';
import * as Y from 'yjs';
import {
	OBSERVATION_BATCH,
	OBSERVATION_SERIES_LENGTH,
	OBSERVATIONS_MAP,
	observationKey,
	type ProductionStats
} from '../../../src/lib/core/analytics/production';
import { INDEX_DOC_ID } from '../../../src/lib/core/sync/workspace-docs';
import { RELAY_API_ORIGIN } from '../collab/service';
import type { Router } from '../http/router';
import type { RelayLogger } from '../logger';
import { authenticateKey } from './auth';
import type { ApiContext } from './context';
import { jsonAnswer, parseBody, sendAnswer } from './http';
import { apiRoute, promptName } from './v1-routes';

export const OBSERVATIONS_FILE_NAME = 'observations.json';
/** Latencies kept per version for the median (the most recent ones). */
const LATENCY_SAMPLE = 1000;

interface Aggregate {
	count: number;
	failures: number;
	latencies: number[];
	latencySum: number;
	latencyCount: number;
	costTotal: number;
	costCount: number;
	tokensIn: number;
	tokensOut: number;
	scoreSum: number;
	scoreCount: number;
	firstAt: number;
	lastAt: number;
	/** Id of the prompt (names can change; the app keys by id). Absent in files of old relays. */
	promptId?: string;
	/** Consecutive batches of {@link OBSERVATION_BATCH} observations, the last one filling. */
	series?: Batch[];
}

interface Batch {
	count: number;
	latencySum: number;
	latencyCount: number;
	scoreSum: number;
	scoreCount: number;
}

const empty = (now: number): Aggregate => ({
	count: 0,
	failures: 0,
	latencies: [],
	latencySum: 0,
	latencyCount: 0,
	costTotal: 0,
	costCount: 0,
	tokensIn: 0,
	tokensOut: 0,
	scoreSum: 0,
	scoreCount: 0,
	firstAt: now,
	lastAt: now
});

function median(values: number[]): number | null {
	if (!values.length) return null;
	const s = [...values].sort((a, b) => a - b);
	const mid = s.length >> 1;
	return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** workspace → prompt name → version id → aggregate */
type Table = Record<string, Record<string, Record<string, Aggregate>>>;

export class ObservationStore {
	#table: Table = {};
	#dirty = false;
	#timer: ReturnType<typeof setInterval> | null = null;
	readonly #path: string;
	/** Workspaces whose aggregates changed since they were last published. */
	readonly #unpublished = new Set<string>();
	/** Writes a workspace's aggregates into its index document (set by the API). */
	publish: ((workspace: string, stats: ProductionStats[]) => Promise<void>) | null = null;

	constructor(
		dataDir: string,
		private readonly logger: RelayLogger,
		private readonly flushMs = 2000
	) {
		this.#path = join(dataDir, OBSERVATIONS_FILE_NAME);
	}

	async open(): Promise<void> {
		try {
			const data = JSON.parse(await readFile(this.#path, 'utf8')) as { table?: Table };
			if (data && typeof data.table === 'object') this.#table = data.table;
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
				this.logger.warn('observations file unreadable; starting empty', { error: String(e) });
		}
		this.#timer = setInterval(() => void this.flush(), this.flushMs);
		this.#timer.unref();
	}

	add(
		workspace: string,
		prompt: string,
		versionId: string,
		o: {
			latencyMs?: number;
			costUsd?: number;
			inputTokens?: number;
			outputTokens?: number;
			score?: number;
			success: boolean;
		},
		now = Date.now(),
		promptId?: string
	): void {
		const byPrompt = (this.#table[workspace] ??= {});
		const byVersion = (byPrompt[prompt] ??= {});
		const a = (byVersion[versionId] ??= empty(now));
		if (promptId) a.promptId = promptId;
		const series = (a.series ??= []);
		let batch = series.at(-1);
		if (!batch || batch.count >= OBSERVATION_BATCH) {
			series.push(
				(batch = { count: 0, latencySum: 0, latencyCount: 0, scoreSum: 0, scoreCount: 0 })
			);
			if (series.length > OBSERVATION_SERIES_LENGTH) series.shift();
		}
		batch.count++;
		if (o.latencyMs !== undefined) {
			batch.latencySum += o.latencyMs;
			batch.latencyCount++;
		}
		if (o.score !== undefined) {
			batch.scoreSum += o.score;
			batch.scoreCount++;
		}
		this.#unpublished.add(workspace);
		a.count++;
		if (!o.success) a.failures++;
		if (o.latencyMs !== undefined) {
			a.latencySum += o.latencyMs;
			a.latencyCount++;
			a.latencies.push(o.latencyMs);
			if (a.latencies.length > LATENCY_SAMPLE) a.latencies.shift();
		}
		if (o.costUsd !== undefined) {
			a.costTotal += o.costUsd;
			a.costCount++;
		}
		a.tokensIn += o.inputTokens ?? 0;
		a.tokensOut += o.outputTokens ?? 0;
		if (o.score !== undefined) {
			a.scoreSum += o.score;
			a.scoreCount++;
		}
		a.lastAt = Math.max(a.lastAt, now);
		this.#dirty = true;
	}

	/** Aggregates of a prompt's versions (`numberOf` gives each version's number on main). */
	aggregates(
		workspace: string,
		prompt: string,
		numberOf: (versionId: string) => number | null
	): ObservationAggregate[] {
		const byVersion = this.#table[workspace]?.[prompt] ?? {};
		return Object.entries(byVersion)
			.map(([id, a]) => ({
				version: { id, number: numberOf(id) },
				count: a.count,
				failures: a.failures,
				latencyMs: {
					mean: a.latencyCount ? a.latencySum / a.latencyCount : null,
					p50: median(a.latencies)
				},
				costUsd: { total: a.costTotal, mean: a.costCount ? a.costTotal / a.costCount : null },
				tokens: { input: a.tokensIn, output: a.tokensOut },
				score: { mean: a.scoreCount ? a.scoreSum / a.scoreCount : null, count: a.scoreCount },
				firstAt: new Date(a.firstAt).toISOString(),
				lastAt: new Date(a.lastAt).toISOString()
			}))
			.sort((x, y) => (y.version.number ?? 0) - (x.version.number ?? 0));
	}

	/** The aggregates of a workspace as the app reads them (versions whose prompt id is known). */
	stats(workspace: string): ProductionStats[] {
		const out: ProductionStats[] = [];
		for (const [prompt, byVersion] of Object.entries(this.#table[workspace] ?? {}))
			for (const [versionId, a] of Object.entries(byVersion)) {
				if (!a.promptId) continue;
				out.push({
					promptId: a.promptId,
					prompt,
					versionId,
					count: a.count,
					failures: a.failures,
					latencyMean: a.latencyCount ? a.latencySum / a.latencyCount : null,
					latencyP50: median(a.latencies),
					costTotal: a.costTotal,
					tokensIn: a.tokensIn,
					tokensOut: a.tokensOut,
					scoreMean: a.scoreCount ? a.scoreSum / a.scoreCount : null,
					scoreCount: a.scoreCount,
					firstAt: a.firstAt,
					lastAt: a.lastAt,
					series: (a.series ?? []).map((b) => ({
						count: b.count,
						latencyMean: b.latencyCount ? b.latencySum / b.latencyCount : null,
						scoreMean: b.scoreCount ? b.scoreSum / b.scoreCount : null
					}))
				});
			}
		return out;
	}

	/** Publishes the aggregates of workspaces that changed (see {@link publish}). */
	async publishChanged(): Promise<void> {
		if (!this.publish) return;
		for (const ws of [...this.#unpublished]) {
			this.#unpublished.delete(ws);
			try {
				await this.publish(ws, this.stats(ws));
			} catch (e) {
				this.#unpublished.add(ws);
				this.logger.warn('publishing observations failed', { workspace: ws, error: String(e) });
			}
		}
	}

	async flush(): Promise<void> {
		await this.publishChanged();
		if (!this.#dirty) return;
		this.#dirty = false;
		try {
			await mkdir(join(this.#path, '..'), { recursive: true });
			const tmp = `${this.#path}.tmp`;
			await writeFile(tmp, JSON.stringify({ version: 1, table: this.#table }));
			await rename(tmp, this.#path);
		} catch (e) {
			this.#dirty = true;
			this.logger.warn('writing observations failed', { error: String(e) });
		}
	}

	async close(): Promise<void> {
		if (this.#timer) clearInterval(this.#timer);
		await this.flush();
	}
}

export function addObservationRoutes(
	router: Router,
	ctx: ApiContext,
	store: ObservationStore
): void {
	const { prompts, keys, limiter } = ctx;
	// Aggregates go into the index document as the relay's own write, like its API commits.
	store.publish = (workspace, stats) =>
		prompts.docs.with(workspace, INDEX_DOC_ID, 'any', async (index) => {
			const map = index.doc.getMap(OBSERVATIONS_MAP);
			Y.transact(
				index.doc,
				() => {
					for (const s of stats) map.set(observationKey(s.promptId, s.versionId), s);
				},
				RELAY_API_ORIGIN
			);
			await index.persisted();
		});

	router.add(
		'POST',
		'/v1/observations',
		apiRoute(async (req, res) => {
			const who = await authenticateKey(req, keys, limiter, 'read', { basic: false });
			const { observations } = await parseBody(req, ctx.maxBodyBytes, observationBatchSchema);
			// Every version is resolved before anything is counted: one bad entry refuses the batch.
			const resolved: { versionId: string; promptId: string }[] = [];
			for (const o of observations)
				resolved.push(
					await prompts.withPrompt(who.workspace, o.prompt, (state) => ({
						versionId: prompts.select(state, { version: o.version }).version.id,
						promptId: state.entry.id
					}))
				);
			const now = Date.now();
			observations.forEach((o, i) =>
				store.add(who.workspace, o.prompt, resolved[i].versionId, o, now, resolved[i].promptId)
			);
			sendAnswer(req, res, jsonAnswer({ accepted: observations.length }, 'no-store'), 202);
		})
	);

	router.add(
		'GET',
		'/v1/prompts/:name/observations',
		apiRoute(async (req, res, _url, params) => {
			const who = await authenticateKey(req, keys, limiter, 'read', { basic: false });
			const name = promptName(params);
			const versions = await prompts.withPrompt(who.workspace, name, (state) =>
				store.aggregates(who.workspace, name, (id) => state.numbers.get(id) ?? null)
			);
			sendAnswer(req, res, jsonAnswer({ name, versions }, 'no-store'));
		})
	);
}
