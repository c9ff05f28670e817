/** @module Shape of the synced Yjs documents: the workspace index and one document per prompt. */
import { diffChars } from 'diff';
import * as Y from 'yjs';
import type { ChatMessage, Folder, Project, Prompt } from '../model/prompt';
import type { Branch, Label, LabelEvent, Version } from '../model/version';
import { readMessages, writeMessages } from './chat-doc';

/** Origin of transactions the bridge makes from local mutations (never projected back into Dexie). */
export const LOCAL_ORIGIN = 'promptloom:local';
/** Origin of updates received through batch catch-up. */
export const CATCH_UP_ORIGIN = 'promptloom:catch-up';

/** A label move as synced: a Lamport clock orders moves of one label across devices. */
export type SyncedLabelEvent = LabelEvent & { clock: number };

/** Prompt fields kept in the index (everything but the working copy text). */
export const PROMPT_META_FIELDS = [
	'name',
	'type',
	'description',
	'tags',
	'intent',
	'author',
	'modelConfig',
	'customFields',
	'templateOptions',
	'folderId',
	'projectId',
	'createdAt',
	'updatedAt',
	'deletedAt'
] as const satisfies readonly (keyof Prompt)[];

export type PromptMeta = Pick<Prompt, (typeof PROMPT_META_FIELDS)[number]>;

/** Typed accessors of the workspace index document. */
export interface IndexMaps {
	prompts: Y.Map<Y.Map<unknown>>;
	folders: Y.Map<Y.Map<unknown>>;
	projects: Y.Map<Y.Map<unknown>>;
	branches: Y.Map<Branch>;
	labels: Y.Map<Label>;
	labelEvents: Y.Map<SyncedLabelEvent>;
	datasets: Y.Map<{ id: string; name: string }>;
	/** Per prompt document: client id → highest clock that client wrote into it. */
	markers: Y.Map<Y.Map<number>>;
}

export function indexMaps(doc: Y.Doc): IndexMaps {
	return {
		prompts: doc.getMap('prompts'),
		folders: doc.getMap('folders'),
		projects: doc.getMap('projects'),
		branches: doc.getMap('branches'),
		labels: doc.getMap('labels'),
		labelEvents: doc.getMap('labelEvents'),
		datasets: doc.getMap('datasets'),
		markers: doc.getMap('markers')
	};
}

/** Key of a branch or label in the index: prompt id and name (ids never contain a NUL). */
export const pairKey = (promptId: string, name: string) => `${promptId}\u0000${name}`;
export const splitPairKey = (key: string): [string, string] => {
	const i = key.indexOf('\u0000');
	return [key.slice(0, i), key.slice(i + 1)];
};

/** Typed accessors of a prompt document. */
export interface PromptDocParts {
	content: Y.Text;
	/** Chat messages: see `chat-doc.ts` for their shape and order. */
	messages: Y.Array<Y.Map<unknown>>;
	versions: Y.Map<Version>;
}

export function promptDocParts(doc: Y.Doc): PromptDocParts {
	return {
		content: doc.getText('content'),
		messages: doc.getArray('messages'),
		versions: doc.getMap('versions')
	};
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Sets only the fields that differ, so concurrent edits of other fields survive. */
export function writeFields(
	map: Y.Map<unknown>,
	record: Record<string, unknown>,
	keys: readonly string[]
) {
	for (const k of keys) {
		const v = record[k] === undefined ? null : record[k];
		if (!map.has(k) || !sameJson(map.get(k), v)) map.set(k, structuredClone(v));
	}
}

/** Returns the nested map of `id`, creating it when absent. */
export function nestedMap(parent: Y.Map<Y.Map<unknown>>, id: string): Y.Map<unknown> {
	let m = parent.get(id);
	if (!m) {
		m = new Y.Map<unknown>();
		parent.set(id, m);
	}
	return m;
}

export const FOLDER_FIELDS = ['name', 'parentId', 'createdAt', 'updatedAt'] as const;
export const PROJECT_FIELDS = ['name', 'description', 'createdAt', 'updatedAt'] as const;

export function writePromptMeta(maps: IndexMaps, p: Prompt | (PromptMeta & { id: string })): void {
	writeFields(nestedMap(maps.prompts, p.id), p as Record<string, unknown>, PROMPT_META_FIELDS);
}

export function writeFolder(maps: IndexMaps, f: Folder): void {
	writeFields(nestedMap(maps.folders, f.id), f as Record<string, unknown>, FOLDER_FIELDS);
}

export function writeProject(maps: IndexMaps, p: Project): void {
	writeFields(nestedMap(maps.projects, p.id), p as Record<string, unknown>, PROJECT_FIELDS);
}

/** Longest edit script looked for between two texts, and the time given to look for it. */
const DIFF_LIMITS = { maxEditLength: 400, timeout: 10 };

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/**
 * Turns `text` into `next` with the fewest character edits (a character diff of the changed
 * middle, common prefix and suffix kept; one replacement of the middle when it differs too much
 * to diff quickly). Characters that stay keep their identity, so concurrent edits anywhere and
 * other people's cursors (relative positions) survive. Never splits a surrogate pair.
 * WARNING: call inside a transaction when it is one change (one update, one undo step).
 */
export function applyTextDiff(text: Y.Text, next: string): void {
	const cur = text.toString();
	if (cur === next) return;
	let start = 0;
	const max = Math.min(cur.length, next.length);
	while (start < max && cur.charCodeAt(start) === next.charCodeAt(start)) start++;
	if (start > 0 && isHigh(cur.charCodeAt(start - 1))) start--;
	let end = 0;
	while (
		end < max - start &&
		cur.charCodeAt(cur.length - 1 - end) === next.charCodeAt(next.length - 1 - end)
	)
		end++;
	if (end > 0 && isLow(cur.charCodeAt(cur.length - end))) end--;
	const before = cur.slice(start, cur.length - end);
	const after = next.slice(start, next.length - end);
	const parts = before && after ? diffChars(before, after, DIFF_LIMITS) : undefined;
	if (!parts) {
		if (before) text.delete(start, before.length);
		if (after) text.insert(start, after);
		return;
	}
	let at = start;
	for (const part of parts) {
		if (part.removed) text.delete(at, part.value.length);
		else {
			if (part.added) text.insert(at, part.value);
			at += part.value.length;
		}
	}
}

/** Writes a prompt's working copy into its document (texts diffed in place, messages by position). */
export function writeWorkingCopy(
	parts: PromptDocParts,
	wc: { content: string; messages: ChatMessage[] },
	options: { skipContent?: boolean; skipMessages?: boolean } = {}
): void {
	if (!options.skipContent) applyTextDiff(parts.content, wc.content);
	if (!options.skipMessages) writeMessages(parts.messages, wc.messages, applyTextDiff);
}

export function readWorkingCopy(parts: PromptDocParts): {
	content: string;
	messages: ChatMessage[];
} {
	return { content: parts.content.toString(), messages: readMessages(parts.messages) };
}
