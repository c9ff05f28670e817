/** @module Pure reads of the synced documents into the records the local database stores. */
import type * as Y from 'yjs';
import {
	folderSchema,
	projectSchema,
	promptSchema,
	type ChatMessage,
	type Folder,
	type Project,
	type Prompt
} from '../model/prompt';
import type { Label } from '../model/version';
import { winningMove } from './label-resolution';
import { splitPairKey, type IndexMaps, type SyncedLabelEvent } from './ydoc-model';

export interface WorkingCopy {
	content: string;
	messages: ChatMessage[];
}

/**
 * The prompt record of `id`: metadata from the index, text from its document (or `fallback`'s
 * text while the document has not arrived). Remote data is untrusted: invalid records give null.
 */
export function projectPrompt(
	maps: IndexMaps,
	id: string,
	wc: WorkingCopy | undefined,
	fallback?: Pick<Prompt, 'content' | 'messages'>
): Prompt | null {
	const meta = maps.prompts.get(id);
	if (!meta) return null;
	const parsed = promptSchema.safeParse({
		...meta.toJSON(),
		id,
		content: wc?.content ?? fallback?.content ?? '',
		messages: wc?.messages ?? fallback?.messages ?? []
	});
	return parsed.success ? parsed.data : null;
}

function projectRecord<T>(
	map: Y.Map<Y.Map<unknown>>,
	id: string,
	schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }
): T | null {
	const m = map.get(id);
	if (!m) return null;
	const parsed = schema.safeParse({ ...m.toJSON(), id });
	return parsed.success ? parsed.data : null;
}

export const projectFolder = (maps: IndexMaps, id: string): Folder | null =>
	projectRecord(maps.folders, id, folderSchema);

export const projectProject = (maps: IndexMaps, id: string): Project | null =>
	projectRecord(maps.projects, id, projectSchema);

/** Every synced move of one label. */
export function labelMoves(maps: IndexMaps, promptId: string, label: string): SyncedLabelEvent[] {
	const out: SyncedLabelEvent[] = [];
	for (const e of maps.labelEvents.values())
		if (e.promptId === promptId && e.label === label) out.push(e);
	return out;
}

/**
 * Where a label points after resolving concurrent moves (undefined when removed). Labels without
 * any synced move (written before sync existed) keep their index record.
 */
export function resolveLabel(maps: IndexMaps, promptId: string, name: string): Label | undefined {
	const win = winningMove(labelMoves(maps, promptId, name));
	if (!win) {
		for (const [key, l] of maps.labels.entries()) {
			const [p, n] = splitPairKey(key);
			if (p === promptId && n === name) return l;
		}
		return undefined;
	}
	if (win.to === null) return undefined;
	return { promptId, name, versionId: win.to, updatedAt: win.at, updatedBy: win.actor };
}

/** Names of every label of a prompt mentioned anywhere in the index. */
export function labelNames(maps: IndexMaps, promptId: string): Set<string> {
	const names = new Set<string>();
	for (const e of maps.labelEvents.values()) if (e.promptId === promptId) names.add(e.label);
	for (const key of maps.labels.keys()) {
		const [p, n] = splitPairKey(key);
		if (p === promptId) names.add(n);
	}
	return names;
}
