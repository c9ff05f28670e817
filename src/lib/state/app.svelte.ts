/** @module The app's reactive state: one instance, fed by core events, used by every view. */
import type { AppCore } from '$lib/core/app-core';
import { PromptloomError } from '$lib/core/model/errors';
import type { Folder, Project, Prompt } from '$lib/core/model/prompt';

export interface Toast {
	id: number;
	kind: 'info' | 'error';
	text: string;
	undo?: boolean;
}

export type StorageStatus =
	{ state: 'opening' } | { state: 'ready' } | { state: 'error'; code: string; message: string };

const AUTHOR_KEY = 'promptloom:author';

class AppState {
	core: AppCore | null = null;
	status = $state<StorageStatus>({ state: 'opening' });
	// Raw: replaced as a whole on every change, never edited in place; a deep proxy over 10,000
	// prompts made every read of a field tracked and slowed the list's first render.
	prompts = $state.raw<Prompt[]>([]);
	folders = $state<Folder[]>([]);
	projects = $state<Project[]>([]);
	toasts = $state<Toast[]>([]);
	author = $state('');
	/** True while the start-up full-text index is being built (results may be partial). */
	indexing = $state(true);
	#toastId = 0;

	tags = $derived([...new Set(this.prompts.flatMap((p) => p.tags))].sort());
	models = $derived([...new Set(this.prompts.map((p) => p.modelConfig.model))].sort());
	authors = $derived([...new Set(this.prompts.map((p) => p.author).filter(Boolean))].sort());

	async open(): Promise<void> {
		if (this.core) return;
		this.author = localStorage.getItem(AUTHOR_KEY) ?? '';
		try {
			// Loaded after the shell has painted: the core is most of the app's code.
			const { openAppCore } = await import('$lib/core/app-core');
			const core = await openAppCore({
				author: () => this.author,
				onBlocked: () =>
					this.toast(
						'Promptloom is waiting for another tab that runs an older version: close or reload the other Promptloom tabs.',
						'error'
					),
				onVersionChange: () =>
					this.fail(
						new PromptloomError(
							'storage_blocked',
							'A newer version of Promptloom opened in another tab. Reload this tab to keep working.'
						)
					)
			});
			this.core = core;
			core.events.on('prompts:changed', ({ upserted, removed }) => {
				// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local scratch map, not state
				const byId = new Map(this.prompts.map((p) => [p.id, p]));
				for (const p of upserted) {
					if (p.deletedAt === null) byId.set(p.id, p);
					else byId.delete(p.id);
				}
				for (const id of removed) byId.delete(id);
				this.prompts = [...byId.values()];
			});
			core.events.on('folders:changed', () => void this.#reloadFolders());
			core.events.on('projects:changed', () => void this.#reloadProjects());
			core.events.on('library:replaced', () => void this.reload());
			await this.reload();
			this.status = { state: 'ready' };
			void core.searchIndexed.then(() => (this.indexing = false));
		} catch (e) {
			this.fail(e);
		}
	}

	get library() {
		if (!this.core) throw new PromptloomError('storage_unavailable', 'The library is not open');
		return this.core.library;
	}

	async reload(): Promise<void> {
		if (!this.core) return;
		this.prompts = await this.core.library.listPrompts();
		await Promise.all([this.#reloadFolders(), this.#reloadProjects()]);
	}

	async #reloadFolders() {
		this.folders = (await this.library.listFolders()).sort((a, b) => a.name.localeCompare(b.name));
	}

	async #reloadProjects() {
		this.projects = (await this.library.listProjects()).sort((a, b) =>
			a.name.localeCompare(b.name)
		);
	}

	setAuthor(name: string) {
		this.author = name.trim();
		localStorage.setItem(AUTHOR_KEY, this.author);
	}

	fail(e: unknown) {
		const err =
			e instanceof PromptloomError
				? e
				: new PromptloomError('storage', e instanceof Error ? e.message : String(e));
		if (err.code.startsWith('storage') && this.status.state !== 'ready')
			this.status = { state: 'error', code: err.code, message: err.message };
		this.toast(err.message, 'error');
	}

	toast(text: string, kind: Toast['kind'] = 'info', undo = false) {
		const id = ++this.#toastId;
		this.toasts = [...this.toasts, { id, kind, text, undo }];
		setTimeout(() => this.dismiss(id), kind === 'error' ? 12000 : 6000);
	}

	dismiss(id: number) {
		this.toasts = this.toasts.filter((t) => t.id !== id);
	}

	/** Runs a library operation, reporting failures; offers undo when `undoable`. */
	async run<T>(op: () => Promise<T>, done?: string, undoable = false): Promise<T | undefined> {
		try {
			const result = await op();
			if (done) this.toast(done, 'info', undoable);
			return result;
		} catch (e) {
			this.fail(e);
			return undefined;
		}
	}

	async undo() {
		const label = await this.run(() => this.library.undo());
		this.toast(label ? `Undone: ${label}` : 'Nothing to undo');
	}
}

export const app = new AppState();
