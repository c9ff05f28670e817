/**
 * @module Named few-shot example sets: a shared workspace's synced sets (its index document),
 * else this device's, stored under one key of the `settings` table.
 */
import type * as Y from 'yjs';
import { z } from '../model/zod';
import { PromptloomError } from '../model/errors';
import { LOCAL_ORIGIN } from '../sync/ydoc-model';
import { fewShotSetSchema } from './fewshot-schema';
import {
	observeFewShotSets,
	readFewShotSets,
	removeFewShotSet,
	writeFewShotSet
} from './fewshot-doc';
import type { PromptloomDb } from '../store/db';
import type { FewShotSet } from '../template/types';

/** The `settings` key that holds every set. */
export const FEWSHOT_SETTINGS_KEY = 'fewshot:sets';

const storedSchema = z.array(fewShotSetSchema);

export { fewShotSetSchema };

/** A shared workspace whose index document holds the sets (see {@link FewShotService.useWorkspace}). */
export interface FewShotWorkspace {
	workspace: string;
	doc: Y.Doc;
	/** Resolves once `doc` holds what this device stored. */
	ready: Promise<void>;
	/** Throws (`forbidden`) when the current role may not change content. */
	assertCanEdit: (what: string) => void;
}

/** `settings` key: this device already brought its own sets into workspace `ws`. */
const seededKey = (ws: string) => `fewshot:seeded:${ws}`;

export class FewShotService {
	readonly #db: PromptloomDb;
	#workspace: FewShotWorkspace | null = null;
	#offWorkspace: (() => void) | null = null;
	readonly #listeners = new Set<() => void>();

	constructor(db: PromptloomDb) {
		this.#db = db;
	}

	/**
	 * Follows a shared workspace's sets (its index document), or this device's again with null.
	 * The first time a device that may edit joins a workspace, its own sets that the workspace
	 * does not have yet are brought in, so templates using them keep rendering.
	 */
	useWorkspace(target: FewShotWorkspace | null): void {
		if (this.#workspace?.doc === target?.doc) {
			if (target) this.#workspace = target;
			return;
		}
		this.#offWorkspace?.();
		this.#offWorkspace = null;
		this.#workspace = target;
		if (target) {
			this.#offWorkspace = observeFewShotSets(target.doc, () => this.#changed());
			void this.#seed(target).catch(() => {});
		}
		this.#changed();
	}

	/** Called after every change of the sets in force (local or from another member). */
	onChange(listener: () => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	/** Where the sets come from: the shared workspace or this device. */
	source(): 'workspace' | 'device' {
		return this.#workspace ? 'workspace' : 'device';
	}

	#changed(): void {
		for (const l of this.#listeners) l();
	}

	async #seed(ws: FewShotWorkspace): Promise<void> {
		await ws.ready;
		if (this.#workspace !== ws || (await this.#db.settings.get(seededKey(ws.workspace)))) return;
		try {
			ws.assertCanEdit('bring few-shot sets into the workspace');
		} catch {
			return;
		}
		const have = new Set(readFewShotSets(ws.doc).map((s) => s.name));
		for (const set of await this.#readForWrite())
			if (!have.has(set.name)) writeFewShotSet(ws.doc, set, undefined, LOCAL_ORIGIN);
		await this.#db.settings.put({ key: seededKey(ws.workspace), value: Date.now() });
	}

	/**
	 * Every set, sorted by name. A stored value that does not validate is refused with a
	 * `validation` error naming the key and the first problem, rather than rendering with it.
	 */
	async list(): Promise<FewShotSet[]> {
		const ws = this.#workspace;
		if (ws) {
			await ws.ready;
			return readFewShotSets(ws.doc);
		}
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
		const ws = this.#workspace;
		if (ws) {
			ws.assertCanEdit(`save few-shot set "${clean.name}"`);
			await ws.ready;
			const sets = readFewShotSets(ws.doc);
			if (previousName !== undefined && !sets.some((s) => s.name === previousName))
				throw new PromptloomError('not_found', `few-shot set "${previousName}" not found`);
			if (clean.name !== (previousName ?? clean.name) && sets.some((s) => s.name === clean.name))
				throw new PromptloomError(
					'conflict',
					`a few-shot set named "${clean.name}" already exists`
				);
			writeFewShotSet(ws.doc, clean, previousName, LOCAL_ORIGIN);
			return clean;
		}
		const saved = await this.#db.transaction('rw', this.#db.settings, async () => {
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
		this.#changed();
		return saved;
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
		const ws = this.#workspace;
		if (ws) {
			ws.assertCanEdit(`delete few-shot set "${name}"`);
			await ws.ready;
			if (!removeFewShotSet(ws.doc, name, LOCAL_ORIGIN))
				throw new PromptloomError('not_found', `few-shot set "${name}" not found`);
			return;
		}
		await this.#db.transaction('rw', this.#db.settings, async () => {
			const sets = await this.#readForWrite();
			const next = sets.filter((s) => s.name !== name);
			if (next.length === sets.length)
				throw new PromptloomError('not_found', `few-shot set "${name}" not found`);
			await this.#db.settings.put({ key: FEWSHOT_SETTINGS_KEY, value: next });
		});
		this.#changed();
	}

	/** The stored sets; a malformed value is dropped so a save can repair it. */
	async #readForWrite(): Promise<FewShotSet[]> {
		const rec = await this.#db.settings.get(FEWSHOT_SETTINGS_KEY);
		const parsed = storedSchema.safeParse(rec?.value ?? []);
		return parsed.success ? parsed.data : [];
	}
}
