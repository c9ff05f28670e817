/** @module Named few-shot example sets, stored under one key of the `settings` table. */
import { z } from '../model/zod';
import { MAX_NAME_LENGTH, SLUG_PATTERN } from '../model/ids';
import { PromptloomError } from '../model/errors';
import type { PromptloomDb } from '../store/db';
import type { FewShotSet } from '../template/types';

/** The `settings` key that holds every set. */
export const FEWSHOT_SETTINGS_KEY = 'fewshot:sets';

const exampleSchema = z.object({ input: z.string(), output: z.string() });

export const fewShotSetSchema = z.object({
	name: z
		.string()
		.min(1, 'a name is required')
		.max(MAX_NAME_LENGTH, `at most ${MAX_NAME_LENGTH} characters`)
		.regex(
			SLUG_PATTERN,
			'use lowercase letters, digits and - _ . (e.g. "tone" or "support-replies")'
		),
	examples: z.array(exampleSchema)
});

const storedSchema = z.array(fewShotSetSchema);

export class FewShotService {
	readonly #db: PromptloomDb;

	constructor(db: PromptloomDb) {
		this.#db = db;
	}

	/**
	 * Every set, sorted by name. A stored value that does not validate is refused with a
	 * `validation` error naming the key and the first problem, rather than rendering with it.
	 */
	async list(): Promise<FewShotSet[]> {
		const rec = await this.#db.settings.get(FEWSHOT_SETTINGS_KEY);
		if (rec === undefined) return [];
		const parsed = storedSchema.safeParse(rec.value);
		if (!parsed.success) {
			const issue = parsed.error.issues[0];
			const where = issue.path.length ? ` at ${issue.path.join('.')}` : '';
			throw new PromptloomError(
				'validation',
				`stored few-shot sets ("${FEWSHOT_SETTINGS_KEY}") are malformed${where}: ${issue.message}; save a set to replace them`
			);
		}
		return parsed.data.sort((a, b) => a.name.localeCompare(b.name));
	}

	/** Every set, or none when the stored value is malformed (renders then report unknown sets). */
	async listOrEmpty(): Promise<FewShotSet[]> {
		try {
			return await this.list();
		} catch {
			return [];
		}
	}

	/**
	 * Creates or updates a set. `previousName` renames the set saved under that name; a new
	 * name that another set already uses is refused (`conflict`).
	 */
	async save(set: FewShotSet, previousName?: string): Promise<FewShotSet> {
		const parsed = fewShotSetSchema.safeParse(set);
		if (!parsed.success) {
			const issue = parsed.error.issues[0];
			throw new PromptloomError('validation', `few-shot set: ${issue.message}`, {
				path: issue.path.join('.') || undefined
			});
		}
		const clean = parsed.data;
		return this.#db.transaction('rw', this.#db.settings, async () => {
			const sets = await this.#readForWrite();
			const original = previousName ?? clean.name;
			const existing = sets.findIndex((s) => s.name === original);
			if (previousName !== undefined && existing < 0)
				throw new PromptloomError('not_found', `few-shot set "${previousName}" not found`);
			if (clean.name !== original && sets.some((s) => s.name === clean.name))
				throw new PromptloomError(
					'conflict',
					`a few-shot set named "${clean.name}" already exists`
				);
			const next =
				existing >= 0 ? sets.map((s, i) => (i === existing ? clean : s)) : [...sets, clean];
			await this.#db.settings.put({ key: FEWSHOT_SETTINGS_KEY, value: next });
			return clean;
		});
	}

	/** Creates a set; refuses a name already in use (`conflict`). */
	async create(set: FewShotSet): Promise<FewShotSet> {
		const sets = await this.listOrEmpty();
		if (sets.some((s) => s.name === set.name))
			throw new PromptloomError('conflict', `a few-shot set named "${set.name}" already exists`);
		return this.save(set);
	}

	/** Deletes a set; `not_found` when no set has that name. */
	async remove(name: string): Promise<void> {
		await this.#db.transaction('rw', this.#db.settings, async () => {
			const sets = await this.#readForWrite();
			const next = sets.filter((s) => s.name !== name);
			if (next.length === sets.length)
				throw new PromptloomError('not_found', `few-shot set "${name}" not found`);
			await this.#db.settings.put({ key: FEWSHOT_SETTINGS_KEY, value: next });
		});
	}

	/** The stored sets; a malformed value is dropped so a save can repair it. */
	async #readForWrite(): Promise<FewShotSet[]> {
		const rec = await this.#db.settings.get(FEWSHOT_SETTINGS_KEY);
		const parsed = storedSchema.safeParse(rec?.value ?? []);
		return parsed.success ? parsed.data : [];
	}
}
