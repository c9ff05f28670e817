/** @module UI state of semantic search: one worker-backed SemanticService, its model, status and progress. */
import { app } from '$lib/state/app.svelte';
import type {
	SemanticService,
	SemanticStatus,
	SyncSummary
} from '$lib/core/search/embeddings/semantic-service';
import {
	EmbedWorkerClient,
	loadWorkerEmbedder,
	type PortLike
} from '$lib/core/search/embeddings/worker-contract';
import {
	DEFAULT_EMBEDDER,
	modelChoiceFor,
	parseEmbedderSetting,
	validateEmbedderSetting,
	type EmbedderSetting,
	type ModelChoice
} from '$lib/core/search/embeddings/model-choice';
import { PromptloomError } from '$lib/core/model/errors';

export type SearchMode = 'full-text' | 'semantic' | 'hybrid';

/** What "Test model" found out. */
export interface ModelTestResult {
	id: string;
	dims: number;
	/** Time to load the model and embed the test sentence. */
	millis: number;
}

const MODE_KEY = 'promptloom:search-mode';
const EMBEDDER_KEY = 'promptloom:embedder';
const TEST_SENTENCE = 'Summarize the customer email in three bullet points.';

function startWorker(): { worker: Worker; client: EmbedWorkerClient } {
	const worker = new Worker(new URL('../../workers/embed.worker.ts', import.meta.url), {
		type: 'module',
		name: 'promptloom-embed'
	});
	return { worker, client: new EmbedWorkerClient(worker as unknown as PortLike) };
}

class SemanticManager {
	status = $state<SemanticStatus>({ state: 'idle' });
	/** Model download progress 0..1 while the model loads, else null. */
	modelProgress = $state<number | null>(null);
	mode = $state<SearchMode>('full-text');
	/** The embedding model chosen on this device (Settings → Semantic search model). */
	embedder = $state<EmbedderSetting>(DEFAULT_EMBEDDER);
	#service: SemanticService | null = null;
	#worker: { worker: Worker; client: EmbedWorkerClient } | null = null;

	constructor() {
		if (typeof localStorage !== 'undefined') {
			const saved = localStorage.getItem(MODE_KEY);
			if (saved === 'semantic' || saved === 'hybrid' || saved === 'full-text') this.mode = saved;
			this.embedder = parseEmbedderSetting(localStorage.getItem(EMBEDDER_KEY));
		}
	}

	setMode(mode: SearchMode) {
		this.mode = mode;
		localStorage.setItem(MODE_KEY, mode);
	}

	#client(): EmbedWorkerClient {
		if (!this.#worker) {
			this.#worker = startWorker();
			this.#worker.client.on('model-progress', ({ fraction }) => {
				this.modelProgress = fraction >= 1 ? null : fraction;
			});
		}
		return this.#worker.client;
	}

	/**
	 * A fresh worker for a newly chosen model: transformers.js remembers which files a model id
	 * has, so a lookup that failed (offline, wrong URL) would otherwise stick for the session.
	 */
	#restartWorker() {
		if (!this.#worker) return;
		this.#worker.client.close('The embedding worker was restarted to switch models');
		this.#worker.worker.terminate();
		this.#worker = null;
		this.modelProgress = null;
	}

	#choice(setting: EmbedderSetting): ModelChoice {
		return modelChoiceFor(setting, location.origin);
	}

	/** The service, created on first use (starts the worker and loads the model lazily). */
	get service(): SemanticService {
		if (this.#service) return this.#service;
		const core = app.core;
		if (!core) throw new Error('The library is not open');
		this.#service = core.createSemanticService({
			// Resolved per call: the worker is replaced when the model changes.
			analyzer: {
				map: (req) => this.#client().call('map', req),
				duplicates: (req) => this.#client().call('duplicates', req)
			},
			embedder: () => loadWorkerEmbedder(this.#client(), this.#choice(this.embedder))
		});
		this.#service.status.on('status', (s) => (this.status = s));
		return this.#service;
	}

	/**
	 * Loads `setting` in a separate, short-lived worker and embeds a sentence with it; the model
	 * in use is untouched. Throws `validation` for a malformed setting and `embedding_unavailable`
	 * (naming the files that failed) when the model cannot be loaded or run.
	 */
	async testModel(setting: EmbedderSetting): Promise<ModelTestResult> {
		const choice = this.#choice(validateEmbedderSetting(setting));
		const { worker, client } = startWorker();
		const started = performance.now();
		try {
			const embedder = await loadWorkerEmbedder(client, choice);
			const [vector] = await embedder.embed([TEST_SENTENCE]);
			const norm = Math.hypot(...vector);
			if (vector.length !== embedder.dims || !(Math.abs(norm - 1) < 1e-3))
				throw new PromptloomError(
					'embedding_unavailable',
					`The model returned an unusable vector (${vector.length} numbers, length ${norm.toFixed(3)})`
				);
			return { id: embedder.id, dims: embedder.dims, millis: performance.now() - started };
		} finally {
			client.close('The model test ended');
			worker.terminate();
		}
	}

	#save(setting: EmbedderSetting) {
		this.embedder = setting;
		localStorage.setItem(EMBEDDER_KEY, JSON.stringify(setting));
	}

	/** Loads `setting` in a fresh worker when the service next needs its embedder. */
	#switchTo(setting: EmbedderSetting): Promise<SyncSummary> {
		return this.service.setEmbedder(() => {
			this.#restartWorker();
			return loadWorkerEmbedder(this.#client(), this.#choice(setting));
		});
	}

	/**
	 * Makes `setting` this device's model and re-embeds the library with it in the background
	 * (progress in `status`). Vectors of the previous model stay cached, so switching back is
	 * quick. When the new model cannot be loaded, the previous one is restored and the error
	 * thrown.
	 */
	async useModel(setting: EmbedderSetting): Promise<SyncSummary> {
		const chosen = validateEmbedderSetting(setting);
		const previous = this.embedder;
		this.#save(chosen);
		try {
			return await this.#switchTo(chosen);
		} catch (e) {
			this.#save(previous);
			this.#switchTo(previous).catch(() => undefined); // its status line reports the outcome
			throw e;
		}
	}
}

export const semantic = new SemanticManager();
