/** @module Version control of a prompt's working copy: commit, checkout, merge, rollback, labels. */
import { allowAllWrites, type WriteGuard } from '../model/write-guard';
import type { EventBus, DomainEvents } from '../events';
import type { LibraryService } from '../library/library-service';
import { PromptloomError } from '../model/errors';
import type { Branch, Label, LabelEvent, Version } from '../model/version';
import type { PromptloomDb } from '../store/db';
import { sameSnapshot } from './canonical';
import {
	MAIN_BRANCH,
	VcsService,
	type MergeResolutions,
	type MergeResult,
	type MergeState
} from './service';
import { patchFromSnapshot, snapshotOf } from './working-copy';

/** Where a prompt's working copy stands relative to its history. */
export interface VcsStatus {
	/** False until the first commit. */
	initialized: boolean;
	/** The branch the working copy is on (`main` before the first commit). */
	branch: string;
	head: Version | null;
	/** True when the working copy differs from the head (or has never been committed). */
	dirty: boolean;
	branches: Branch[];
	labels: Label[];
	/** A merge waiting for conflict resolution, if any. */
	pendingMerge: MergeState | null;
}

export interface PromptVcsOptions {
	db: PromptloomDb;
	library: LibraryService;
	vcs: VcsService;
	events: EventBus<DomainEvents>;
	/** Name recorded as author and label actor; empty means `anonymous`. */
	author?: () => string;
	/** Checked before every change (the current role may forbid it). */
	writeGuard?: WriteGuard;
}

/** Runs before a label moves (versionId) or is removed (null); throws to refuse the change. */
export type LabelGuard = (move: {
	promptId: string;
	label: string;
	versionId: string | null;
	actor: string;
}) => Promise<void>;

const branchKey = (promptId: string) => `vcs:branch:${promptId}`;
const mergeKey = (promptId: string) => `vcs:merge:${promptId}`;

/**
 * Joins the version-control service to the library: commits read the prompt's working copy, and
 * checkout, rollback and merges into the current branch write the result back into it. The current
 * branch and a pending conflicted merge of each prompt are kept in the `settings` table.
 * WARNING: operations that replace the working copy refuse to run while it has uncommitted changes.
 */
export class PromptVcs {
	readonly service: VcsService;
	readonly #db: PromptloomDb;
	readonly #library: LibraryService;
	readonly #events: EventBus<DomainEvents>;
	readonly #author: () => string;
	#labelGuard: LabelGuard | null = null;
	readonly #guard: WriteGuard;

	constructor(options: PromptVcsOptions) {
		this.#guard = options.writeGuard ?? allowAllWrites;
		this.service = options.vcs;
		this.#db = options.db;
		this.#library = options.library;
		this.#events = options.events;
		this.#author = () => options.author?.().trim() || 'anonymous';
	}

	/** The branch the working copy of a prompt is on. */
	async currentBranch(promptId: string): Promise<string> {
		const rec = await this.#db.settings.get(branchKey(promptId));
		const name = typeof rec?.value === 'string' ? rec.value : MAIN_BRANCH;
		// A branch deleted elsewhere (another device) falls back to main.
		if (
			name !== MAIN_BRANCH &&
			!(await this.service.listBranches(promptId)).some((b) => b.name === name)
		)
			return MAIN_BRANCH;
		return name;
	}

	async status(promptId: string): Promise<VcsStatus> {
		const prompt = await this.#library.getPrompt(promptId);
		const branches = await this.service.listBranches(promptId);
		const branch = await this.currentBranch(promptId);
		const headId = branches.find((b) => b.name === branch)?.head;
		const head = headId ? await this.service.getVersion(promptId, headId) : null;
		return {
			initialized: branches.length > 0,
			branch,
			head,
			dirty: !head || !sameSnapshot(head, snapshotOf(prompt)),
			branches,
			labels: await this.service.listLabels(promptId),
			pendingMerge: await this.pendingMerge(promptId)
		};
	}

	/**
	 * Commits the working copy on the current branch; the first commit starts the history on
	 * `main`. Throws `nothing_to_commit` when nothing changed since the head.
	 */
	async commit(promptId: string, message: string): Promise<Version> {
		this.#guard('commit a version');
		const text = message.trim();
		if (!text)
			throw new PromptloomError('validation', 'a commit needs a message', { path: 'message' });
		const snapshot = snapshotOf(await this.#library.getPrompt(promptId));
		const initialized = (await this.service.listBranches(promptId)).length > 0;
		const version = initialized
			? await this.service.commit(promptId, snapshot, {
					branch: await this.currentBranch(promptId),
					message: text,
					author: this.#author()
				})
			: await this.service.init(promptId, snapshot, this.#author(), text);
		this.#changed(promptId);
		return version;
	}

	/** Creates a branch at a version; with `checkout`, switches the working copy to it. */
	async createBranch(
		promptId: string,
		name: string,
		fromVersionId: string,
		opts: { checkout?: boolean } = {}
	): Promise<Branch> {
		this.#guard('create a branch');
		if (opts.checkout) await this.#requireClean(promptId, `switch to "${name}"`);
		const branch = await this.service.createBranch(
			promptId,
			name.trim(),
			fromVersionId,
			this.#author()
		);
		if (opts.checkout) await this.checkout(promptId, branch.name);
		this.#changed(promptId);
		return branch;
	}

	/**
	 * Switches the working copy to a branch: its head is loaded into the prompt. Refuses (code
	 * `conflict`) while the working copy has uncommitted changes.
	 */
	async checkout(promptId: string, name: string): Promise<Version> {
		this.#guard('switch branches');
		const branch = await this.service.getBranch(promptId, name);
		if (name !== (await this.currentBranch(promptId)))
			await this.#requireClean(promptId, `switch to "${name}"`);
		const head = await this.service.getVersion(promptId, branch.head);
		await this.#db.settings.put({ key: branchKey(promptId), value: name });
		await this.#library.updatePrompt(promptId, patchFromSnapshot(head));
		this.#changed(promptId);
		return head;
	}

	/** Deletes a branch; `main` and the current branch are refused with a specific error. */
	async deleteBranch(promptId: string, name: string): Promise<void> {
		this.#guard('delete a branch');
		await this.service.deleteBranch(promptId, name, await this.currentBranch(promptId));
		this.#changed(promptId);
	}

	/**
	 * Merges `source` into `target`. When `target` is the current branch, the working copy must be
	 * clean and receives the result. Conflicts are kept as the prompt's pending merge.
	 */
	async merge(promptId: string, source: string, target: string): Promise<MergeResult> {
		this.#guard('merge branches');
		const intoCurrent = target === (await this.currentBranch(promptId));
		if (intoCurrent) await this.#requireClean(promptId, `merge into "${target}"`);
		const result = await this.service.merge(promptId, { source, target, author: this.#author() });
		if (result.status === 'conflicts') {
			await this.#db.settings.put({ key: mergeKey(promptId), value: result.merge });
		} else if (intoCurrent && result.status !== 'up-to-date') {
			await this.#library.updatePrompt(promptId, patchFromSnapshot(result.version));
		}
		this.#changed(promptId);
		return result;
	}

	/** The conflicted merge waiting for resolutions, if any. */
	async pendingMerge(promptId: string): Promise<MergeState | null> {
		const rec = await this.#db.settings.get(mergeKey(promptId));
		return (rec?.value as MergeState | undefined) ?? null;
	}

	async abortMerge(promptId: string): Promise<void> {
		this.#guard('abort a merge');
		await this.#db.settings.delete(mergeKey(promptId));
		this.#changed(promptId);
	}

	/** Commits the pending merge with the given resolutions (two parents). */
	async completeMerge(promptId: string, resolutions: MergeResolutions): Promise<Version> {
		this.#guard('complete a merge');
		const state = await this.pendingMerge(promptId);
		if (!state)
			throw new PromptloomError('not_found', 'there is no merge in progress for this prompt');
		const intoCurrent = state.target === (await this.currentBranch(promptId));
		if (intoCurrent)
			await this.#requireClean(promptId, `complete the merge into "${state.target}"`);
		const version = await this.service.completeMerge(promptId, state, resolutions, this.#author());
		await this.#db.settings.delete(mergeKey(promptId));
		if (intoCurrent) await this.#library.updatePrompt(promptId, patchFromSnapshot(version));
		this.#changed(promptId);
		return version;
	}

	/** A new commit on the current branch restoring an older version; the working copy follows. */
	async rollback(promptId: string, versionId: string): Promise<Version> {
		this.#guard('roll back to a version');
		await this.#requireClean(promptId, 'roll back');
		const version = await this.service.rollback(promptId, versionId, {
			branch: await this.currentBranch(promptId),
			author: this.#author()
		});
		await this.#library.updatePrompt(promptId, patchFromSnapshot(version));
		this.#changed(promptId);
		return version;
	}

	/** Installs the check run before every label move or removal (collaboration reviews). */
	setLabelGuard(guard: LabelGuard | null): void {
		this.#labelGuard = guard;
	}

	async setLabel(promptId: string, label: string, versionId: string): Promise<Label> {
		this.#guard('move a label');
		await this.#labelGuard?.({ promptId, label: label.trim(), versionId, actor: this.#author() });
		const result = await this.service.setLabel(promptId, label.trim(), versionId, this.#author());
		this.#changed(promptId);
		return result;
	}

	async removeLabel(promptId: string, label: string): Promise<void> {
		this.#guard('remove a label');
		await this.#labelGuard?.({ promptId, label, versionId: null, actor: this.#author() });
		await this.service.removeLabel(promptId, label, this.#author());
		this.#changed(promptId);
	}

	labelHistory(promptId: string, label?: string): Promise<LabelEvent[]> {
		return this.service.labelHistory(promptId, label);
	}

	history(promptId: string): Promise<Version[]> {
		return this.service.history(promptId);
	}

	getVersion(promptId: string, versionId: string): Promise<Version> {
		return this.service.getVersion(promptId, versionId);
	}

	async #requireClean(promptId: string, action: string): Promise<void> {
		const s = await this.status(promptId);
		if (s.initialized && s.dirty) {
			throw new PromptloomError(
				'conflict',
				`cannot ${action}: the working copy has uncommitted changes on "${s.branch}". Commit them first.`
			);
		}
	}

	#changed(promptId: string): void {
		this.#events.emit('vcs:changed', { promptId });
	}
}
