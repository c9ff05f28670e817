/** @module The playground's run history: each run saved under its prompt, newest first. */
import type { PromptloomDb } from '../store/db';
import type { PlaygroundRun } from './types';

/** How many runs a prompt keeps; older ones are dropped when a new run is saved. */
export const MAX_RUNS_PER_PROMPT = 200;

export class PlaygroundRunStore {
	readonly #db: PromptloomDb;

	constructor(db: PromptloomDb) {
		this.#db = db;
	}

	/** Saves a run and trims the prompt's history to {@link MAX_RUNS_PER_PROMPT}. */
	async save(run: PlaygroundRun): Promise<void> {
		await this.#db.transaction('rw', this.#db.playgroundRuns, async () => {
			await this.#db.playgroundRuns.put(run);
			if (run.promptId === null) return;
			const keys = await this.#db.playgroundRuns
				.where('[promptId+createdAt]')
				.between([run.promptId, -Infinity], [run.promptId, Infinity])
				.reverse()
				.primaryKeys();
			if (keys.length > MAX_RUNS_PER_PROMPT)
				await this.#db.playgroundRuns.bulkDelete(keys.slice(MAX_RUNS_PER_PROMPT));
		});
	}

	/** A prompt's runs, newest first. */
	async list(promptId: string, limit = 50): Promise<PlaygroundRun[]> {
		return this.#db.playgroundRuns
			.where('[promptId+createdAt]')
			.between([promptId, -Infinity], [promptId, Infinity])
			.reverse()
			.limit(limit)
			.toArray();
	}

	get(id: string): Promise<PlaygroundRun | undefined> {
		return this.#db.playgroundRuns.get(id);
	}

	async delete(id: string): Promise<void> {
		await this.#db.playgroundRuns.delete(id);
	}
}
