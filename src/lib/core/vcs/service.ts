/** @module Version-control service: commits, branches, merges, rollback and labels of a prompt. */
import { PromptloomError } from '../model/errors';
import type { PromptContent, PromptMetadata } from '../model/prompt';
import type { Branch, Label, LabelEvent, Version } from '../model/version';
import { computeVersionId, sameSnapshot } from './canonical';
import { isAncestor, mergeBase, topoOrder } from './graph';
import {
	listContentConflicts,
	mergeContent,
	resolveContent,
	type ContentMerge,
	type TextConflict,
	type TextResolution
} from './merge';
import { mergeMetadata, resolveMetadata, type MetadataMerge } from './metadata';
import type { VcsStore } from './store';

/** The name of the branch every prompt starts on; it cannot be deleted. */
export const MAIN_BRANCH = 'main';

/** What a commit records: the prompt's editable content and its metadata snapshot. */
export interface Snapshot {
	content: PromptContent;
	metadata: PromptMetadata;
}

/** A merge that needs decisions; hand it back to `completeMerge` with the resolutions. */
export interface MergeState {
	promptId: string;
	source: string;
	target: string;
	/** Common ancestor, target head ("ours", first parent) and source head ("theirs"). */
	baseId: string;
	oursId: string;
	theirsId: string;
	message: string;
	content: ContentMerge;
	metadata: MetadataMerge;
	/** Text conflicts (per hunk; per message for chat prompts) to resolve, by id. */
	textConflicts: TextConflict[];
}

/** Decisions for a `MergeState`: text conflicts by id, metadata conflicts by path. */
export interface MergeResolutions {
	text?: Record<string, TextResolution>;
	metadata?: Record<string, 'ours' | 'theirs'>;
}

export type MergeResult =
	| { status: 'merged'; version: Version }
	| { status: 'up-to-date' }
	| { status: 'fast-forward'; version: Version }
	| { status: 'conflicts'; merge: MergeState };

/** Branch and label names: letters, digits and `._/-`, starting with a letter or digit. */
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/;

function checkName(kind: 'branch' | 'label', name: string): void {
	if (!NAME_PATTERN.test(name) || name.includes('..') || name.endsWith('/')) {
		throw new PromptloomError(
			'validation',
			`invalid ${kind} name "${name}": use letters, digits, ".", "_", "/" or "-" (at most 100)`,
			{ path: kind }
		);
	}
}

const shortId = (id: string) => id.slice(0, 8);

export interface VcsServiceOptions {
	store: VcsStore;
	/** Clock in epoch milliseconds (injectable for tests). */
	now?: () => number;
}

/**
 * Version control of prompts over a `VcsStore`. Versions are immutable and content-addressed;
 * branches and labels are movable pointers. WARNING: each method reads then writes the store;
 * a persistent store should run a method inside one transaction if callers can race.
 */
export class VcsService {
	readonly #store: VcsStore;
	readonly #now: () => number;

	constructor(options: VcsServiceOptions) {
		this.#store = options.store;
		this.#now = options.now ?? Date.now;
	}

	/** Creates the first version of a prompt on `main`. */
	async init(
		promptId: string,
		snapshot: Snapshot,
		author: string,
		message = 'Initial version'
	): Promise<Version> {
		if (await this.#store.getBranch(promptId, MAIN_BRANCH)) {
			throw new PromptloomError('conflict', `prompt ${promptId} already has a history`);
		}
		const version = await this.#write(promptId, snapshot, [], {
			branch: MAIN_BRANCH,
			message,
			author
		});
		await this.#store.putBranch({
			promptId,
			name: MAIN_BRANCH,
			head: version.id,
			createdAt: version.createdAt,
			createdBy: author
		});
		return version;
	}

	/** Commits a snapshot on a branch. Throws `nothing_to_commit` when it equals the branch head. */
	async commit(
		promptId: string,
		snapshot: Snapshot,
		opts: { branch: string; message: string; author: string }
	): Promise<Version> {
		const branch = await this.#requireBranch(promptId, opts.branch);
		const head = await this.#requireVersion(promptId, branch.head);
		if (sameSnapshot(head, snapshot)) {
			throw new PromptloomError(
				'nothing_to_commit',
				`nothing to commit: the working copy equals the head of "${opts.branch}"`
			);
		}
		const version = await this.#write(promptId, snapshot, [head.id], opts);
		await this.#store.putBranch({ ...branch, head: version.id });
		return version;
	}

	async getVersion(promptId: string, versionId: string): Promise<Version> {
		return this.#requireVersion(promptId, versionId);
	}

	async getBranch(promptId: string, name: string): Promise<Branch> {
		return this.#requireBranch(promptId, name);
	}

	listBranches(promptId: string): Promise<Branch[]> {
		return this.#store.listBranches(promptId);
	}

	/** Creates a branch pointing at an existing version of the prompt. */
	async createBranch(
		promptId: string,
		name: string,
		fromVersionId: string,
		author: string
	): Promise<Branch> {
		checkName('branch', name);
		if (await this.#store.getBranch(promptId, name)) {
			throw new PromptloomError('conflict', `branch "${name}" already exists`, { path: name });
		}
		await this.#requireVersion(promptId, fromVersionId);
		const branch: Branch = {
			promptId,
			name,
			head: fromVersionId,
			createdAt: this.#now(),
			createdBy: author
		};
		await this.#store.putBranch(branch);
		return branch;
	}

	/** Deletes a branch (its versions stay). `main` and the branch in use cannot be deleted. */
	async deleteBranch(promptId: string, name: string, currentBranch: string): Promise<void> {
		if (name === MAIN_BRANCH) {
			throw new PromptloomError('conflict', `the "${MAIN_BRANCH}" branch cannot be deleted`, {
				path: name
			});
		}
		if (name === currentBranch) {
			throw new PromptloomError(
				'conflict',
				`cannot delete branch "${name}" while it is the current branch: switch to another branch first`,
				{ path: name }
			);
		}
		await this.#requireBranch(promptId, name);
		await this.#store.deleteBranch(promptId, name);
	}

	/** Every version of the prompt in topological order, newest first. */
	async history(promptId: string): Promise<Version[]> {
		return topoOrder(await this.#store.listVersions(promptId));
	}

	/**
	 * Merges branch `source` into branch `target`. A clean three-way merge commits at once with
	 * parents [target head, source head]; otherwise the conflicts are returned for `completeMerge`.
	 * Throws a `merge` error for unrelated histories.
	 */
	async merge(
		promptId: string,
		opts: { source: string; target: string; author: string; message?: string }
	): Promise<MergeResult> {
		if (opts.source === opts.target) {
			throw new PromptloomError('merge', `cannot merge branch "${opts.source}" into itself`);
		}
		const source = await this.#requireBranch(promptId, opts.source);
		const target = await this.#requireBranch(promptId, opts.target);
		const byId = new Map((await this.#store.listVersions(promptId)).map((v) => [v.id, v]));
		if (isAncestor(byId, source.head, target.head)) return { status: 'up-to-date' };
		if (isAncestor(byId, target.head, source.head)) {
			await this.#store.putBranch({ ...target, head: source.head });
			return { status: 'fast-forward', version: byId.get(source.head)! };
		}
		const baseId = mergeBase(byId, target.head, source.head);
		if (baseId === undefined) {
			throw new PromptloomError(
				'merge',
				`cannot merge "${opts.source}" into "${opts.target}": they have no common ancestor (unrelated histories)`
			);
		}
		const base = byId.get(baseId)!;
		const ours = byId.get(target.head)!;
		const theirs = byId.get(source.head)!;
		const content = mergeContent(base.content, ours.content, theirs.content);
		const metadata = mergeMetadata(base.metadata, ours.metadata, theirs.metadata);
		const textConflicts = listContentConflicts(content);
		const message = opts.message ?? `Merge branch '${opts.source}' into '${opts.target}'`;
		const state: MergeState = {
			promptId,
			source: opts.source,
			target: opts.target,
			baseId,
			oursId: ours.id,
			theirsId: theirs.id,
			message,
			content,
			metadata,
			textConflicts
		};
		if (textConflicts.length === 0 && metadata.conflicts.length === 0) {
			return {
				status: 'merged',
				version: await this.completeMerge(promptId, state, {}, opts.author)
			};
		}
		return { status: 'conflicts', merge: state };
	}

	/**
	 * Commits a merge once every conflict is resolved. Throws `validation` listing unresolved
	 * conflicts, and `conflict` when the target branch moved since the merge was computed.
	 */
	async completeMerge(
		promptId: string,
		state: MergeState,
		resolutions: MergeResolutions,
		author: string
	): Promise<Version> {
		if (state.promptId !== promptId) {
			throw new PromptloomError('validation', 'this merge belongs to another prompt');
		}
		const text = resolutions.text ?? {};
		const meta = resolutions.metadata ?? {};
		const missing = [
			// Named as the merge view shows them: "conflict 2 (in message 1)", a metadata field path.
			...state.textConflicts.flatMap((c, i) =>
				text[c.id] === undefined ? [`conflict ${i + 1} (in ${c.location})`] : []
			),
			...state.metadata.conflicts.filter((c) => meta[c.path] === undefined).map((c) => c.path)
		];
		if (missing.length) {
			throw new PromptloomError(
				'validation',
				`${missing.length} merge conflict(s) are not resolved: ${missing.join(', ')}`
			);
		}
		const target = await this.#requireBranch(promptId, state.target);
		if (target.head !== state.oursId) {
			throw new PromptloomError(
				'conflict',
				`branch "${state.target}" changed since the merge started: merge again`
			);
		}
		const snapshot: Snapshot = {
			content: resolveContent(state.content, text),
			metadata: resolveMetadata(state.metadata, meta)
		};
		const version = await this.#write(promptId, snapshot, [state.oursId, state.theirsId], {
			branch: state.target,
			message: state.message,
			author
		});
		await this.#store.putBranch({ ...target, head: version.id });
		return version;
	}

	/** A new commit on `branch` whose content and metadata equal an older version's. */
	async rollback(
		promptId: string,
		versionId: string,
		opts: { branch: string; author: string; message?: string }
	): Promise<Version> {
		const old = await this.#requireVersion(promptId, versionId);
		return this.commit(
			promptId,
			{ content: old.content, metadata: old.metadata },
			{
				branch: opts.branch,
				author: opts.author,
				message: opts.message ?? `Roll back to ${shortId(versionId)}`
			}
		);
	}

	/** Points a label at a version (moving it if it exists) and records the move. */
	async setLabel(
		promptId: string,
		label: string,
		versionId: string,
		actor: string
	): Promise<Label> {
		checkName('label', label);
		const version = await this.#store.getVersion(versionId);
		if (!version) {
			throw new PromptloomError(
				'not_found',
				`cannot set label "${label}": version ${shortId(versionId)} does not exist`,
				{ path: versionId }
			);
		}
		if (version.promptId !== promptId) {
			throw new PromptloomError(
				'validation',
				`cannot set label "${label}": version ${shortId(versionId)} belongs to another prompt`,
				{ path: versionId }
			);
		}
		const existing = await this.#store.getLabel(promptId, label);
		if (existing?.versionId === versionId) return existing;
		const at = this.#now();
		const next: Label = { promptId, name: label, versionId, updatedAt: at, updatedBy: actor };
		await this.#store.putLabel(next);
		await this.#recordLabelEvent(
			promptId,
			label,
			existing?.versionId ?? null,
			versionId,
			actor,
			at
		);
		return next;
	}

	/** Removes a label and records the removal. */
	async removeLabel(promptId: string, label: string, actor: string): Promise<void> {
		const existing = await this.#store.getLabel(promptId, label);
		if (!existing) {
			throw new PromptloomError('not_found', `label "${label}" does not exist`, { path: label });
		}
		await this.#store.deleteLabel(promptId, label);
		await this.#recordLabelEvent(promptId, label, existing.versionId, null, actor, this.#now());
	}

	getLabel(promptId: string, label: string): Promise<Label | undefined> {
		return this.#store.getLabel(promptId, label);
	}

	listLabels(promptId: string): Promise<Label[]> {
		return this.#store.listLabels(promptId);
	}

	/** Label moves (who, when, from → to), oldest first; all labels unless one is named. */
	async labelHistory(promptId: string, label?: string): Promise<LabelEvent[]> {
		const events = await this.#store.listLabelEvents(promptId, label);
		return events
			.map((e, i) => ({ e, i }))
			.sort((x, y) => x.e.at - y.e.at || x.i - y.i)
			.map(({ e }) => e);
	}

	async #recordLabelEvent(
		promptId: string,
		label: string,
		from: string | null,
		to: string | null,
		actor: string,
		at: number
	): Promise<void> {
		await this.#store.addLabelEvent({
			id: globalThis.crypto.randomUUID(),
			promptId,
			label,
			from,
			to,
			actor,
			at
		});
	}

	async #write(
		promptId: string,
		snapshot: Snapshot,
		parents: string[],
		opts: { branch: string; message: string; author: string }
	): Promise<Version> {
		const content = structuredClone(snapshot.content);
		const metadata = structuredClone(snapshot.metadata);
		const id = await computeVersionId({ promptId, content, metadata, parents });
		const existing = await this.#store.getVersion(id);
		if (existing) return existing;
		const version: Version = {
			id,
			promptId,
			parents,
			content,
			metadata,
			message: opts.message,
			author: opts.author,
			createdAt: this.#now(),
			branch: opts.branch
		};
		await this.#store.putVersion(version);
		return version;
	}

	async #requireBranch(promptId: string, name: string): Promise<Branch> {
		const branch = await this.#store.getBranch(promptId, name);
		if (!branch) {
			throw new PromptloomError('not_found', `branch "${name}" does not exist`, { path: name });
		}
		return branch;
	}

	async #requireVersion(promptId: string, versionId: string): Promise<Version> {
		const v = await this.#store.getVersion(versionId);
		if (!v || v.promptId !== promptId) {
			throw new PromptloomError('not_found', `version ${shortId(versionId)} does not exist`, {
				path: versionId
			});
		}
		return v;
	}
}
