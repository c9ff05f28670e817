/**
 * @module Writes the HTTP API makes into a workspace's documents: a commit on branch main (new
 * prompt or new version) and label moves, in the same shapes the app's sync engine writes
 * (`sync/bridge.ts`): the version in the prompt document, the branch head, the label record and
 * its synced move (with its Lamport clock) in the index, and the change marker that tells other
 * devices to fetch the prompt document.
 * WARNING: the `apply*` functions mutate the documents; call them inside one transaction each.
 */
import * as Y from 'yjs';
import type { ChatMessage, Prompt, PromptContent, PromptMetadata } from '../model/prompt';
import type { Branch, Label, Version } from '../model/version';
import { nextLabelClock } from '../sync/label-resolution';
import { labelMoves } from '../sync/projection';
import {
	indexMaps,
	pairKey,
	promptDocParts,
	writePromptMeta,
	writeWorkingCopy,
	type IndexMaps,
	type SyncedLabelEvent
} from '../sync/ydoc-model';
import { computeVersionId, sameSnapshot } from '../vcs/canonical';
import { MAIN_BRANCH } from '../vcs/service';
import type { PromptDocView, PromptEntry } from './workspace-view';

/** What a commit through the API carries. */
export interface CommitRequest {
	name: string;
	type: 'text' | 'chat';
	content: string;
	messages: ChatMessage[];
	/** Model configuration; keeps the head's when absent. */
	modelConfig?: Prompt['modelConfig'];
	/** Tags; keep the head's when absent. */
	tags?: string[];
	/** Each keeps the head's value when absent. */
	description?: string;
	intent?: string;
	customFields?: Prompt['customFields'];
	templateOptions?: Prompt['templateOptions'];
	message: string;
	author: string;
}

/** A commit ready to be applied: the version computed (its id needs async hashing). */
export interface PlannedCommit {
	promptId: string;
	/** True when the prompt does not exist yet. */
	created: boolean;
	version: Version;
	/** False when the snapshot equals main's head: nothing is written, the head is returned. */
	changed: boolean;
	/** The prompt record of a new prompt, or the metadata to write into a clean working copy. */
	meta: Prompt | null;
}

const defaultMetadata = (): PromptMetadata => ({
	modelConfig: { model: '', params: {} },
	tags: [],
	description: '',
	customFields: [],
	intent: '',
	templateOptions: { trimBlocks: false, lstripBlocks: false }
});

/**
 * Plans a commit on main of prompt `entry` (undefined: a new prompt named `req.name`). A
 * working copy that equals main's head follows the new version; one with unsaved edits keeps
 * them (and its metadata).
 */
export async function planCommit(
	req: CommitRequest,
	entry: PromptEntry | undefined,
	doc: PromptDocView | undefined,
	now: number,
	newId: () => string = () => globalThis.crypto.randomUUID()
): Promise<PlannedCommit> {
	const head = entry?.mainHead ? doc?.versions.get(entry.mainHead) : undefined;
	const base = head?.metadata ?? (entry ? metadataOf(entry.prompt) : defaultMetadata());
	const content: PromptContent =
		req.type === 'text'
			? { type: 'text', content: req.content, messages: [] }
			: { type: 'chat', content: '', messages: req.messages };
	const metadata: PromptMetadata = {
		...structuredClone(base),
		...(req.modelConfig ? { modelConfig: req.modelConfig } : {}),
		...(req.tags ? { tags: [...new Set(req.tags)] } : {}),
		...(req.description !== undefined ? { description: req.description } : {}),
		...(req.intent !== undefined ? { intent: req.intent } : {}),
		...(req.customFields ? { customFields: structuredClone(req.customFields) } : {}),
		...(req.templateOptions ? { templateOptions: { ...req.templateOptions } } : {})
	};
	const promptId = entry?.id ?? newId();
	if (head && sameSnapshot(head, { content, metadata }))
		return { promptId, created: false, version: head, changed: false, meta: null };
	const parents = head ? [head.id] : [];
	const id = await computeVersionId({ promptId, content, metadata, parents });
	const version: Version = {
		id,
		promptId,
		parents,
		content,
		metadata,
		message: req.message,
		author: req.author,
		createdAt: now,
		branch: MAIN_BRANCH
	};
	let meta: Prompt | null = null;
	if (!entry)
		meta = {
			id: promptId,
			name: req.name,
			...content,
			...metadata,
			author: req.author,
			folderId: null,
			projectId: null,
			createdAt: now,
			updatedAt: now,
			deletedAt: null
		};
	else if (head ? isClean(doc, head) : isEmpty(doc))
		meta = { ...entry.prompt, ...content, ...metadata, updatedAt: now };
	return { promptId, created: !entry, version, changed: true, meta };
}

function metadataOf(p: Prompt): PromptMetadata {
	return {
		modelConfig: p.modelConfig,
		tags: p.tags,
		description: p.description,
		customFields: p.customFields,
		intent: p.intent,
		templateOptions: p.templateOptions
	};
}

/** True when the working copy holds exactly `head`'s text (no unsaved edits to keep). */
function isClean(doc: PromptDocView | undefined, head: Version): boolean {
	if (!doc) return true;
	const wc = doc.workingCopy;
	return (
		wc.content === head.content.content &&
		JSON.stringify(wc.messages) === JSON.stringify(head.content.messages)
	);
}

/** True when the working copy holds no text yet (a prompt never committed). */
function isEmpty(doc: PromptDocView | undefined): boolean {
	return !doc || (!doc.workingCopy.content && doc.workingCopy.messages.length === 0);
}

/** Writes the planned version (and a clean working copy) into the prompt document. */
export function applyCommitToPromptDoc(doc: Y.Doc, plan: PlannedCommit): void {
	if (!plan.changed) return;
	const parts = promptDocParts(doc);
	if (!parts.versions.has(plan.version.id))
		parts.versions.set(plan.version.id, structuredClone(plan.version));
	if (plan.meta) writeWorkingCopy(parts, plan.meta);
}

/**
 * Records in the index the commit (branch head, metadata of a new or clean prompt) and the
 * change marker of the prompt document (`promptDoc`'s client id → its clock), so devices fetch it.
 */
export function applyCommitToIndex(index: Y.Doc, plan: PlannedCommit, promptDoc: Y.Doc): void {
	if (!plan.changed) return;
	const maps = indexMaps(index);
	if (plan.meta) writePromptMeta(maps, plan.meta);
	const key = pairKey(plan.promptId, MAIN_BRANCH);
	const old = maps.branches.get(key);
	const branch: Branch = {
		promptId: plan.promptId,
		name: MAIN_BRANCH,
		head: plan.version.id,
		createdAt: old?.createdAt ?? plan.version.createdAt,
		createdBy: old?.createdBy ?? plan.version.author
	};
	maps.branches.set(key, branch);
	markChanged(maps, plan.promptId, promptDoc);
}

function markChanged(maps: IndexMaps, promptId: string, doc: Y.Doc): void {
	let m = maps.markers.get(promptId);
	if (!m) {
		m = new Y.Map<number>();
		maps.markers.set(promptId, m);
	}
	const clock = Y.getState(doc.store, doc.clientID);
	const key = String(doc.clientID);
	if (clock > 0 && (m.get(key) ?? -1) < clock) m.set(key, clock);
}

/** Points `label` of a prompt at `versionId`, recording the move as the app does. */
export function applyLabelMove(
	index: Y.Doc,
	move: { promptId: string; label: string; versionId: string; from: string | null },
	actor: string,
	now: number,
	newId: () => string = () => globalThis.crypto.randomUUID()
): void {
	const maps = indexMaps(index);
	const event: SyncedLabelEvent = {
		id: newId(),
		promptId: move.promptId,
		label: move.label,
		from: move.from,
		to: move.versionId,
		actor,
		at: now,
		clock: nextLabelClock(labelMoves(maps, move.promptId, move.label))
	};
	maps.labelEvents.set(event.id, event);
	const label: Label = {
		promptId: move.promptId,
		name: move.label,
		versionId: move.versionId,
		updatedAt: now,
		updatedBy: actor
	};
	maps.labels.set(pairKey(move.promptId, move.label), label);
}
