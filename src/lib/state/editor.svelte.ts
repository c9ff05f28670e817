/** @module Autosaving editor session for one prompt: journal each keystroke, save debounced. */
import { accessFor, type EditAccess } from '$lib/core/collab/access';
import { followAccess } from '$lib/core/collab/access-follower';
import type { PromptPatch } from '$lib/core/library/library-service';
import type { Prompt } from '$lib/core/model/prompt';
import { clearDraft, readDraft, writeDraft } from '$lib/platform/draft-journal';
import { app } from './app.svelte';

export type SaveState =
	| { state: 'saved'; at: number }
	| { state: 'pending' }
	| { state: 'saving' }
	| { state: 'error'; message: string };

const SAVE_DELAY_MS = 400;

export class EditorSession {
	prompt = $state<Prompt | null>(null);
	save = $state<SaveState>({ state: 'saved', at: 0 });
	recovered = $state(false);
	#pending: PromptPatch = {};
	#timer: ReturnType<typeof setTimeout> | undefined;
	#journalAt = 0;

	async load(id: string): Promise<void> {
		const stored = await app.library.getPrompt(id);
		const draft = readDraft(id);
		this.prompt = stored;
		this.save = { state: 'saved', at: stored.updatedAt };
		if (draft && draft.at > stored.updatedAt) {
			// Keystrokes that never reached IndexedDB (crash, closed tab): replay them.
			this.recovered = true;
			this.edit({ content: draft.content, messages: draft.messages });
			await this.flush();
		}
	}

	/** Applies a change locally at once and schedules the save. */
	edit(patch: PromptPatch): void {
		if (!this.prompt) return;
		this.prompt = { ...this.prompt, ...patch };
		this.#pending = { ...this.#pending, ...patch };
		if ('content' in patch || 'messages' in patch) {
			this.#journalAt = Date.now();
			writeDraft(this.prompt.id, {
				content: this.prompt.content,
				messages: this.prompt.messages,
				at: this.#journalAt
			});
		}
		this.save = { state: 'pending' };
		clearTimeout(this.#timer);
		this.#timer = setTimeout(() => void this.flush(), SAVE_DELAY_MS);
	}

	/** Saves pending changes now (also called on page hide and navigation). */
	async flush(): Promise<void> {
		clearTimeout(this.#timer);
		if (!this.prompt || Object.keys(this.#pending).length === 0) return;
		const patch = this.#pending;
		const journalAt = this.#journalAt;
		this.#pending = {};
		this.save = { state: 'saving' };
		try {
			// What the editor shows: a live document already holds it (see `Changes.editor`).
			const saved = await app.library.updatePrompt(this.prompt.id, patch, { editor: true });
			clearDraft(saved.id, journalAt);
			this.save = { state: 'saved', at: saved.updatedAt };
		} catch (e) {
			// Keep the text: it stays in the editor and in the journal, and the next edit retries.
			this.#pending = { ...patch, ...this.#pending };
			this.save = { state: 'error', message: e instanceof Error ? e.message : String(e) };
		}
	}

	/** Replaces the local copy after an operation done elsewhere (rename, move, undo). */
	refresh(p: Prompt): void {
		if (!this.prompt || p.id !== this.prompt.id) return;
		this.prompt = { ...p, ...this.#pending };
	}
}

/**
 * My access in the current workspace, kept current while a prompt's pages are open: from the
 * token at once, then from the relay (a role may have changed since the invite), and again on
 * every change of workspace, connection or members.
 */
export class WorkspaceAccess {
	access = $state<EditAccess>(accessFor('owner', 'Personal workspace'));
	readOnly = $derived(!this.access.canEdit);
	/** The note shown where editing is off, e.g. "View only — you are a viewer in team". */
	note = $derived(
		this.access.canEdit
			? ''
			: `View only — you are a ${this.access.role} in ${this.access.workspace}` +
					(this.access.canApprove ? ': you can comment and approve or reject reviews' : '')
	);

	/** Starts following; returns the function that stops. */
	watch(): () => void {
		const core = app.core;
		if (!core) return () => {};
		return followAccess(core, (access) => (this.access = access));
	}
}

/** My access for the library-wide controls (new prompt, folders, imports): followed by the layout. */
export const workspaceAccess = new WorkspaceAccess();
