/** @module UI state of semantic search: one worker-backed SemanticService, its status and progress. */
import { app } from '$lib/state/app.svelte';
import { SemanticService, type SemanticStatus } from '$lib/core/search/embeddings/semantic-service';
import {
	EmbedWorkerClient,
	loadWorkerEmbedder,
	workerAnalyzer,
	type ModelChoice,
	type PortLike
} from '$lib/core/search/embeddings/worker-contract';

export type SearchMode = 'full-text' | 'semantic' | 'hybrid';

const MODE_KEY = 'promptloom:search-mode';

class SemanticManager {
	status = $state<SemanticStatus>({ state: 'idle' });
	/** Model download progress 0..1 while the model loads, else null. */
	modelProgress = $state<number | null>(null);
	mode = $state<SearchMode>('full-text');
	#service: SemanticService | null = null;
	#client: EmbedWorkerClient | null = null;

	constructor() {
		if (typeof localStorage !== 'undefined') {
			const saved = localStorage.getItem(MODE_KEY);
			if (saved === 'semantic' || saved === 'hybrid' || saved === 'full-text') this.mode = saved;
		}
	}

	setMode(mode: SearchMode) {
		this.mode = mode;
		localStorage.setItem(MODE_KEY, mode);
	}

	#clientOrStart(): EmbedWorkerClient {
		if (!this.#client) {
			const worker = new Worker(new URL('../../workers/embed.worker.ts', import.meta.url), {
				type: 'module',
				name: 'promptloom-embed'
			});
			this.#client = new EmbedWorkerClient(worker as unknown as PortLike);
			this.#client.on('model-progress', ({ fraction }) => {
				this.modelProgress = fraction >= 1 ? null : fraction;
			});
		}
		return this.#client;
	}

	/** The service, created on first use (starts the worker and loads the model lazily). */
	get service(): SemanticService {
		if (this.#service) return this.#service;
		const core = app.core;
		if (!core) throw new Error('The library is not open');
		const client = this.#clientOrStart();
		this.#service = new SemanticService({
			db: core.db,
			fullText: core.search,
			events: core.events,
			analyzer: workerAnalyzer(client),
			embedder: () => loadWorkerEmbedder(client, { kind: 'use-lite' })
		});
		this.#service.status.on('status', (s) => (this.status = s));
		return this.#service;
	}

	/** Switches the model; the library is re-embedded in the background with progress. */
	async switchModel(model: ModelChoice): Promise<void> {
		const client = this.#clientOrStart();
		await this.service.setEmbedder(() => loadWorkerEmbedder(client, model));
	}
}

export const semantic = new SemanticManager();
