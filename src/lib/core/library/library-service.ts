/** @module The prompt library: prompts, folders, projects, trash and undo over the local database. */
import { allowAllWrites, type WriteGuard } from '../model/write-guard';
import { EventBus, type DomainEvents } from '../events';
import { PromptloomError } from '../model/errors';
import { newId, slugify } from '../model/ids';
import {
	folderSchema,
	projectSchema,
	promptNameSchema,
	promptSchema,
	type Folder,
	type Project,
	type Prompt
} from '../model/prompt';
import { parseOrThrow } from '../model/validate';
import type { PromptloomDb } from '../store/db';
import { guardStorage } from '../store/storage-errors';
import { emptySnapshot, revertChanges, UndoStack, type Snapshot } from './undo-stack';
import { loadUndoEntries, saveUndoEntries } from './undo-persistence';

export type PromptInput = Partial<Omit<Prompt, 'id' | 'createdAt' | 'updatedAt' | 'deletedAt'>>;

/** Fields of a prompt a user edits in place (autosave path). */
export type PromptPatch = Partial<
	Omit<Prompt, 'id' | 'name' | 'createdAt' | 'updatedAt' | 'deletedAt' | 'folderId'>
>;

export interface LibraryServiceOptions {
	db: PromptloomDb;
	events?: EventBus<DomainEvents>;
	now?: () => number;
	/** Author recorded on new prompts. */
	author?: () => string;
	/** Checked before every change (the current role may forbid it). */
	writeGuard?: WriteGuard;
}

export const DEFAULT_MODEL = 'openai:gpt-4o-mini';

interface UndoTable<T> {
	get(id: string): Promise<T | undefined>;
	put(row: T): Promise<unknown>;
	delete(id: string): Promise<void>;
}

/** Undoes one table's part of an operation; what was written goes into `restored`. */
async function revertTable<T extends { updatedAt?: number }>(
	table: UndoTable<T>,
	before: Map<string, T | null>,
	after: Map<string, T | null>,
	restored: Map<string, T | null>
): Promise<void> {
	for (const [id, was] of before) {
		const next = revertChanges((await table.get(id)) ?? null, was, after.get(id) ?? null);
		await (next ? table.put(next) : table.delete(id));
		restored.set(id, next);
	}
}

export class LibraryService {
	readonly db: PromptloomDb;
	readonly events: EventBus<DomainEvents>;
	readonly undoStack = new UndoStack();
	readonly #now: () => number;
	readonly #author: () => string;
	readonly #guard: WriteGuard;
	/** The latest save of the undo stack (saves run one after another). */
	#undoSaved: Promise<void> = Promise.resolve();

	constructor(options: LibraryServiceOptions) {
		this.db = options.db;
		this.events = options.events ?? new EventBus();
		this.#now = options.now ?? Date.now;
		this.#author = options.author ?? (() => '');
		this.#guard = options.writeGuard ?? allowAllWrites;
	}

	/**
	 * Reads this device's saved undo history and keeps saving it from now on, so undo still
	 * works after a reload.
	 */
	async loadUndoHistory(): Promise<void> {
		this.undoStack.restore(await loadUndoEntries(this.db));
		this.undoStack.onChange = (entries) => {
			const snapshot = [...entries];
			this.#undoSaved = this.#undoSaved
				.then(() => saveUndoEntries(this.db, snapshot))
				// Losing the saved history is not worth an error: the in-memory stack still works.
				.catch(() => {});
		};
	}

	/** Resolves when the undo history is saved. */
	undoHistorySaved(): Promise<void> {
		return this.#undoSaved;
	}

	// ---- reads -------------------------------------------------------------------------------

	async getPrompt(id: string): Promise<Prompt> {
		const p = await guardStorage('read the prompt', () => this.db.prompts.get(id));
		if (!p)
			throw new PromptloomError(
				'not_found',
				`This prompt is not in the library (id ${id.slice(0, 8)}): it was deleted for good, or not synced here yet`
			);
		return p;
	}

	async findByName(name: string): Promise<Prompt | undefined> {
		const all = await this.db.prompts.where('name').equals(name).toArray();
		return all.find((p) => p.deletedAt === null);
	}

	/** Live (not trashed) prompts. */
	async listPrompts(): Promise<Prompt[]> {
		return guardStorage('list prompts', () =>
			this.db.prompts.filter((p) => p.deletedAt === null).toArray()
		);
	}

	async listTrash(): Promise<Prompt[]> {
		const trashed = await this.db.prompts.filter((p) => p.deletedAt !== null).toArray();
		return trashed.sort((a, b) => (b.deletedAt ?? 0) - (a.deletedAt ?? 0));
	}

	async listFolders(): Promise<Folder[]> {
		return this.db.folders.toArray();
	}

	async listProjects(): Promise<Project[]> {
		return this.db.projects.toArray();
	}

	// ---- prompts -----------------------------------------------------------------------------

	async createPrompt(input: PromptInput = {}): Promise<Prompt> {
		const now = this.#now();
		const type = input.type ?? 'text';
		const base = input.name ?? 'untitled';
		const name = input.name ? input.name : await this.#freeName(slugify(base));
		const prompt = parseOrThrow(
			promptSchema,
			{
				description: '',
				tags: [],
				intent: '',
				author: this.#author(),
				customFields: [],
				folderId: null,
				projectId: null,
				...input,
				name,
				type,
				content: input.content ?? '',
				messages:
					input.messages ??
					(type === 'chat'
						? [
								{ role: 'system', content: '' },
								{ role: 'user', content: '' }
							]
						: []),
				modelConfig: input.modelConfig ?? { model: DEFAULT_MODEL, params: {} },
				id: newId(),
				createdAt: now,
				updatedAt: now,
				deletedAt: null
			},
			'prompt'
		);
		await this.#assertNameFree(prompt.name, prompt.id);
		await this.#assertFolder(prompt.folderId);
		await this.#assertProject(prompt.projectId);
		await this.#write(`Create ${prompt.name}`, { prompts: [prompt] });
		return prompt;
	}

	/**
	 * Saves edits to a prompt's content and metadata (the autosave path). Not undoable here:
	 * the editor has its own keystroke undo. `editor`: the save of what an editor shows (see
	 * `Changes.editor`); any other change of the working copy is pushed into a live document.
	 */
	async updatePrompt(
		id: string,
		patch: PromptPatch,
		options: { undoable?: boolean; editor?: boolean } = {}
	) {
		const current = await this.getPrompt(id);
		const next = parseOrThrow(
			promptSchema,
			{ ...current, ...patch, id, updatedAt: this.#now() },
			'prompt'
		);
		await this.#assertProject(next.projectId);
		await this.#write(
			options.undoable ? `Edit ${current.name}` : null,
			{ prompts: [next] },
			options.editor ? { editor: true } : {}
		);
		return next;
	}

	async renamePrompt(id: string, name: string): Promise<Prompt> {
		parseOrThrow(promptNameSchema, name, 'name');
		const current = await this.getPrompt(id);
		if (current.name === name) return current;
		await this.#assertNameFree(name, id);
		const next = { ...current, name, updatedAt: this.#now() };
		await this.#write(`Rename ${current.name} to ${name}`, { prompts: [next] });
		return next;
	}

	async duplicatePrompt(id: string): Promise<Prompt> {
		const source = await this.getPrompt(id);
		const now = this.#now();
		const copy: Prompt = {
			...structuredClone(source),
			id: newId(),
			name: await this.#freeName(`${source.name}-copy`),
			createdAt: now,
			updatedAt: now,
			deletedAt: null
		};
		await this.#write(`Duplicate ${source.name}`, { prompts: [copy] });
		return copy;
	}

	async movePrompts(ids: string[], folderId: string | null): Promise<void> {
		await this.#assertFolder(folderId);
		const now = this.#now();
		const prompts = await Promise.all(ids.map((id) => this.getPrompt(id)));
		const moved = prompts.map((p) => ({ ...p, folderId, updatedAt: now }));
		await this.#write(`Move ${ids.length === 1 ? prompts[0].name : `${ids.length} prompts`}`, {
			prompts: moved
		});
	}

	async setPromptProject(ids: string[], projectId: string | null): Promise<void> {
		await this.#assertProject(projectId);
		const now = this.#now();
		const prompts = await Promise.all(ids.map((id) => this.getPrompt(id)));
		await this.#write('Change project', {
			prompts: prompts.map((p) => ({ ...p, projectId, updatedAt: now }))
		});
	}

	/** Moves prompts to the trash; `restorePrompt` or `undo` brings them back. */
	async deletePrompts(ids: string[]): Promise<void> {
		const now = this.#now();
		const prompts = await Promise.all(ids.map((id) => this.getPrompt(id)));
		await this.#write(`Delete ${ids.length === 1 ? prompts[0].name : `${ids.length} prompts`}`, {
			prompts: prompts.map((p) => ({ ...p, deletedAt: now, updatedAt: now }))
		});
	}

	/** Restores a trashed prompt; if its name was taken meanwhile it gets a free variant. */
	async restorePrompt(id: string): Promise<Prompt> {
		const p = await this.getPrompt(id);
		if (p.deletedAt === null) return p;
		const taken = await this.findByName(p.name);
		const name = taken ? await this.#freeName(`${p.name}-restored`) : p.name;
		const folderOk = p.folderId === null || (await this.db.folders.get(p.folderId));
		const next: Prompt = {
			...p,
			name,
			folderId: folderOk ? p.folderId : null,
			deletedAt: null,
			updatedAt: this.#now()
		};
		await this.#write(`Restore ${name}`, { prompts: [next] });
		return next;
	}

	/** Deletes trashed prompts for good (with their versions). Not undoable. */
	async purgePrompts(ids: string[]): Promise<void> {
		this.#guard('delete prompts for good');
		const purged: string[] = [];
		await guardStorage('empty the trash', () =>
			this.db.transaction(
				'rw',
				[this.db.prompts, this.db.versions, this.db.branches, this.db.labels, this.db.labelEvents],
				async () => {
					for (const id of ids) {
						const p = await this.db.prompts.get(id);
						if (!p || p.deletedAt === null) continue;
						purged.push(id);
						await this.db.prompts.delete(id);
						await this.db.versions.where('promptId').equals(id).delete();
						await this.db.branches.where('promptId').equals(id).delete();
						await this.db.labels.where('promptId').equals(id).delete();
						await this.db.labelEvents.where('promptId').equals(id).delete();
					}
				}
			)
		);
		if (purged.length) this.events.emit('prompts:changed', { upserted: [], removed: purged });
	}

	/**
	 * What deleting trashed prompts for good loses, one line per prompt ("name: 3 versions,
	 * 2 labels"), for the confirmation. Prompts not in the trash are left out (they are not purged).
	 */
	async purgeImpact(ids: string[]): Promise<string[]> {
		const out: string[] = [];
		for (const id of ids) {
			const p = await this.db.prompts.get(id);
			if (!p || p.deletedAt === null) continue;
			const versions = await this.db.versions.where('promptId').equals(id).count();
			const labels = await this.db.labels.where('promptId').equals(id).count();
			const parts = [`${versions} version${versions === 1 ? '' : 's'}`];
			if (labels) parts.push(`${labels} label${labels === 1 ? '' : 's'}`);
			out.push(`${p.name}: ${parts.join(', ')}`);
		}
		return out;
	}

	async emptyTrash(): Promise<void> {
		const trash = await this.listTrash();
		await this.purgePrompts(trash.map((p) => p.id));
	}

	// ---- folders -----------------------------------------------------------------------------

	async createFolder(name: string, parentId: string | null = null): Promise<Folder> {
		await this.#assertFolder(parentId);
		const now = this.#now();
		const folder = parseOrThrow(
			folderSchema,
			{ id: newId(), name: name.trim(), parentId, createdAt: now, updatedAt: now },
			'folder'
		);
		await this.#assertFolderNameFree(folder.name, parentId, folder.id);
		await this.#write(`Create folder ${folder.name}`, { folders: [folder] });
		return folder;
	}

	/** Renames a folder; prompts and subfolders under it follow because they reference its id. */
	async renameFolder(id: string, name: string): Promise<Folder> {
		const folder = await this.#getFolder(id);
		const next = parseOrThrow(
			folderSchema,
			{ ...folder, name: name.trim(), updatedAt: this.#now() },
			'folder'
		);
		await this.#assertFolderNameFree(next.name, next.parentId, id);
		await this.#write(`Rename folder ${folder.name}`, { folders: [next] });
		return next;
	}

	async moveFolder(id: string, parentId: string | null): Promise<Folder> {
		const folder = await this.#getFolder(id);
		await this.#assertFolder(parentId);
		const folders = await this.listFolders();
		const byId = new Map(folders.map((f) => [f.id, f]));
		for (let cur = parentId; cur; cur = byId.get(cur)?.parentId ?? null) {
			if (cur === id)
				throw new PromptloomError(
					'validation',
					`Cannot move folder "${folder.name}" into itself or one of its subfolders`
				);
		}
		await this.#assertFolderNameFree(folder.name, parentId, id);
		const next = { ...folder, parentId, updatedAt: this.#now() };
		await this.#write(`Move folder ${folder.name}`, { folders: [next] });
		return next;
	}

	/** Deletes a folder and its subfolders; the prompts inside go to the trash. Undoable. */
	async deleteFolder(id: string): Promise<void> {
		const folder = await this.#getFolder(id);
		const folders = await this.listFolders();
		const doomed = new Set([id]);
		let grew = true;
		while (grew) {
			grew = false;
			for (const f of folders) {
				if (f.parentId && doomed.has(f.parentId) && !doomed.has(f.id)) {
					doomed.add(f.id);
					grew = true;
				}
			}
		}
		const now = this.#now();
		const prompts = (await this.listPrompts()).filter((p) => p.folderId && doomed.has(p.folderId));
		await this.#write(`Delete folder ${folder.name}`, {
			prompts: prompts.map((p) => ({ ...p, deletedAt: now, updatedAt: now })),
			deleteFolders: [...doomed]
		});
	}

	/** "a/b/c" for a folder id, or "" for the root. */
	folderPath(folderId: string | null, folders: Folder[]): string {
		const byId = new Map(folders.map((f) => [f.id, f]));
		const parts: string[] = [];
		const seen = new Set<string>();
		for (let cur = folderId; cur && !seen.has(cur); cur = byId.get(cur)?.parentId ?? null) {
			seen.add(cur);
			parts.unshift(byId.get(cur)?.name ?? '?');
		}
		return parts.join('/');
	}

	// ---- projects ----------------------------------------------------------------------------

	async createProject(name: string, description = ''): Promise<Project> {
		const now = this.#now();
		const project = parseOrThrow(
			projectSchema,
			{ id: newId(), name: name.trim(), description, createdAt: now, updatedAt: now },
			'project'
		);
		await this.#write(`Create project ${project.name}`, { projects: [project] });
		return project;
	}

	async renameProject(id: string, name: string): Promise<Project> {
		const project = await this.db.projects.get(id);
		if (!project) throw new PromptloomError('not_found', `No project with id ${id}`);
		const next = parseOrThrow(
			projectSchema,
			{ ...project, name: name.trim(), updatedAt: this.#now() },
			'project'
		);
		await this.#write(`Rename project ${project.name}`, { projects: [next] });
		return next;
	}

	/** Deletes a project; its prompts stay, without a project. Undoable. */
	async deleteProject(id: string): Promise<void> {
		const project = await this.db.projects.get(id);
		if (!project) throw new PromptloomError('not_found', `No project with id ${id}`);
		const now = this.#now();
		const prompts = (await this.db.prompts.where('projectId').equals(id).toArray()).map((p) => ({
			...p,
			projectId: null,
			updatedAt: now
		}));
		await this.#write(`Delete project ${project.name}`, { prompts, deleteProjects: [id] });
	}

	// ---- undo --------------------------------------------------------------------------------

	/** Label of the operation `undo()` would revert, if any. */
	get undoLabel(): string | undefined {
		return this.undoStack.peek()?.label;
	}

	/** Reverts the last library operation. Returns its label, or undefined if nothing to undo. */
	async undo(): Promise<string | undefined> {
		const top = this.undoStack.peek();
		if (!top) return undefined;
		this.#guard(`undo "${top.label}"`);
		const entry = this.undoStack.pop();
		if (!entry) return undefined;
		const { before, after } = entry;
		const restored = emptySnapshot();
		await guardStorage('undo', () =>
			this.db.transaction('rw', [this.db.prompts, this.db.folders, this.db.projects], async () => {
				await revertTable(this.db.prompts, before.prompts, after.prompts, restored.prompts);
				await revertTable(this.db.folders, before.folders, after.folders, restored.folders);
				await revertTable(this.db.projects, before.projects, after.projects, restored.projects);
			})
		);
		this.#emitRestored(restored);
		return entry.label;
	}

	// ---- internals ---------------------------------------------------------------------------

	async #write(
		undoLabel: string | null,
		changes: {
			prompts?: Prompt[];
			folders?: Folder[];
			projects?: Project[];
			deleteFolders?: string[];
			deleteProjects?: string[];
		},
		announce: { editor?: true } = {}
	): Promise<void> {
		this.#guard(undoLabel ? `${undoLabel[0].toLowerCase()}${undoLabel.slice(1)}` : 'edit prompts');
		const before: Snapshot = emptySnapshot();
		const after: Snapshot = emptySnapshot();
		await guardStorage('save your change', () =>
			this.db.transaction('rw', [this.db.prompts, this.db.folders, this.db.projects], async () => {
				for (const p of changes.prompts ?? []) {
					before.prompts.set(p.id, (await this.db.prompts.get(p.id)) ?? null);
					await this.db.prompts.put(p);
					after.prompts.set(p.id, p);
				}
				for (const f of changes.folders ?? []) {
					before.folders.set(f.id, (await this.db.folders.get(f.id)) ?? null);
					await this.db.folders.put(f);
					after.folders.set(f.id, f);
				}
				for (const pr of changes.projects ?? []) {
					before.projects.set(pr.id, (await this.db.projects.get(pr.id)) ?? null);
					await this.db.projects.put(pr);
					after.projects.set(pr.id, pr);
				}
				for (const id of changes.deleteFolders ?? []) {
					before.folders.set(id, (await this.db.folders.get(id)) ?? null);
					await this.db.folders.delete(id);
					after.folders.set(id, null);
				}
				for (const id of changes.deleteProjects ?? []) {
					before.projects.set(id, (await this.db.projects.get(id)) ?? null);
					await this.db.projects.delete(id);
					after.projects.set(id, null);
				}
			})
		);
		if (undoLabel) this.undoStack.push({ label: undoLabel, before, after });
		this.events.emit('prompts:changed', {
			upserted: changes.prompts ?? [],
			removed: [],
			...announce
		});
		if (changes.folders?.length || changes.deleteFolders?.length)
			this.events.emit('folders:changed', {
				upserted: changes.folders ?? [],
				removed: changes.deleteFolders ?? []
			});
		if (changes.projects?.length || changes.deleteProjects?.length)
			this.events.emit('projects:changed', {
				upserted: changes.projects ?? [],
				removed: changes.deleteProjects ?? []
			});
	}

	/** Announces records restored from an undo snapshot (null = the record no longer exists). */
	#emitRestored(s: Snapshot): void {
		const split = <T>(m: Map<string, T | null>) => ({
			upserted: [...m.values()].filter((v): v is T => v !== null),
			removed: [...m.entries()].filter(([, v]) => v === null).map(([k]) => k)
		});
		if (s.prompts.size) this.events.emit('prompts:changed', split(s.prompts));
		if (s.folders.size) this.events.emit('folders:changed', split(s.folders));
		if (s.projects.size) this.events.emit('projects:changed', split(s.projects));
	}

	async #getFolder(id: string): Promise<Folder> {
		const f = await this.db.folders.get(id);
		if (!f) throw new PromptloomError('not_found', `No folder with id ${id}`);
		return f;
	}

	async #assertFolder(folderId: string | null): Promise<void> {
		if (folderId !== null && !(await this.db.folders.get(folderId)))
			throw new PromptloomError('not_found', `Folder ${folderId} does not exist`);
	}

	async #assertProject(projectId: string | null): Promise<void> {
		if (projectId !== null && !(await this.db.projects.get(projectId)))
			throw new PromptloomError('not_found', `Project ${projectId} does not exist`);
	}

	async #assertNameFree(name: string, selfId: string): Promise<void> {
		const other = await this.findByName(name);
		if (other && other.id !== selfId)
			throw new PromptloomError(
				'conflict',
				`A prompt named "${name}" already exists; prompt names are unique in the workspace`,
				{ path: 'name' }
			);
	}

	async #assertFolderNameFree(name: string, parentId: string | null, selfId: string) {
		const siblings = (await this.listFolders()).filter(
			(f) => f.parentId === parentId && f.id !== selfId
		);
		if (siblings.some((f) => f.name.toLowerCase() === name.toLowerCase()))
			throw new PromptloomError('conflict', `A folder named "${name}" already exists here`);
	}

	/** `base`, or `base-2`, `base-3`… whichever is not taken by a live prompt. */
	async #freeName(base: string): Promise<string> {
		const slug = slugify(base);
		if (!(await this.findByName(slug))) return slug;
		for (let i = 2; ; i++) {
			const candidate = `${slug.slice(0, 110)}-${i}`;
			if (!(await this.findByName(candidate))) return candidate;
		}
	}
}
