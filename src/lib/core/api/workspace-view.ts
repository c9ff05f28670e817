/**
 * @module Read-only views of a workspace's synced documents for the HTTP API: the prompt list from
 * the index document and the committed versions of a prompt document, decoded with the sync
 * engine's own readers (`projection.ts`, `ydoc-model.ts`) and validated like any remote data.
 */
import type * as Y from 'yjs';
import type { Prompt } from '../model/prompt';
import type { Version } from '../model/version';
import { versionSchema } from '../io/version-schemas';
import { winningMove } from '../sync/label-resolution';
import { projectFolder, projectPrompt } from '../sync/projection';
import {
	indexMaps,
	pairKey,
	promptDocParts,
	readWorkingCopy,
	splitPairKey,
	type IndexMaps,
	type SyncedLabelEvent
} from '../sync/ydoc-model';
import { MAIN_BRANCH } from '../vcs/service';

/** One prompt as the index describes it. */
export interface PromptEntry {
	id: string;
	name: string;
	prompt: Prompt;
	/** Folder path (`a/b`), null at the top. */
	folder: string | null;
	/** Label → version id, after resolving concurrent moves. */
	labels: Map<string, string>;
	/** Head of branch main, null before the first commit. */
	mainHead: string | null;
	/** Lowercased name, description and tags, for `q`. */
	haystack: string;
}

export interface IndexView {
	/** Prompts not in the trash, sorted by name. */
	prompts: PromptEntry[];
	byName: Map<string, PromptEntry>;
	/** Names of prompts in the trash (writes must not reuse them). */
	trashed: Map<string, string>;
}

/** Index maps whose changes change an {@link IndexView} (not markers, reviews or the audit log). */
export const INDEX_VIEW_MAPS = ['prompts', 'folders', 'branches', 'labels', 'labelEvents'] as const;

function folderPaths(maps: IndexMaps): Map<string, string> {
	const names = new Map<string, { name: string; parentId: string | null }>();
	for (const id of maps.folders.keys()) {
		const f = projectFolder(maps, id);
		if (f) names.set(id, { name: f.name, parentId: f.parentId });
	}
	const paths = new Map<string, string>();
	const pathOf = (id: string, seen: Set<string>): string | null => {
		const known = paths.get(id);
		if (known !== undefined) return known;
		const f = names.get(id);
		if (!f || seen.has(id)) return null;
		seen.add(id);
		const parent = f.parentId ? pathOf(f.parentId, seen) : null;
		const path = parent ? `${parent}/${f.name}` : f.name;
		paths.set(id, path);
		return path;
	};
	for (const id of names.keys()) pathOf(id, new Set());
	return paths;
}

/**
 * Where every label of every prompt points, as `resolveLabel` (`sync/projection.ts`) decides it
 * for one: the winning synced move, else (no move synced) the label record. One pass over the
 * moves and the records, so a large library is not read once per prompt.
 */
function resolvedLabels(maps: IndexMaps): Map<string, Map<string, string>> {
	const moves = new Map<string, Map<string, SyncedLabelEvent[]>>();
	for (const e of maps.labelEvents.values()) {
		if (!e || typeof e.promptId !== 'string' || typeof e.label !== 'string') continue;
		const byLabel = moves.get(e.promptId) ?? new Map<string, SyncedLabelEvent[]>();
		moves.set(e.promptId, byLabel);
		byLabel.set(e.label, [...(byLabel.get(e.label) ?? []), e]);
	}
	const out = new Map<string, Map<string, string>>();
	const put = (promptId: string, label: string, versionId: string) => {
		const m = out.get(promptId) ?? new Map<string, string>();
		out.set(promptId, m);
		m.set(label, versionId);
	};
	for (const [promptId, byLabel] of moves)
		for (const [label, events] of byLabel) {
			const win = winningMove(events);
			if (win?.to) put(promptId, label, win.to);
		}
	for (const [key, l] of maps.labels.entries()) {
		const [promptId, label] = splitPairKey(key);
		if (moves.get(promptId)?.has(label)) continue;
		if (l && typeof l.versionId === 'string') put(promptId, label, l.versionId);
	}
	return out;
}

/** Decodes the prompt list of an index document. */
export function readIndexView(index: Y.Doc): IndexView {
	const maps = indexMaps(index);
	const folders = folderPaths(maps);
	const allLabels = resolvedLabels(maps);
	const prompts: PromptEntry[] = [];
	const trashed = new Map<string, string>();
	for (const id of maps.prompts.keys()) {
		const prompt = projectPrompt(maps, id, { content: '', messages: [] });
		if (!prompt) continue;
		if (prompt.deletedAt !== null) {
			trashed.set(prompt.name, id);
			continue;
		}
		const labels = allLabels.get(id) ?? new Map<string, string>();
		prompts.push({
			id,
			name: prompt.name,
			prompt,
			folder: prompt.folderId ? (folders.get(prompt.folderId) ?? null) : null,
			labels,
			mainHead: maps.branches.get(pairKey(id, MAIN_BRANCH))?.head ?? null,
			haystack: [prompt.name, prompt.description, ...prompt.tags].join('\n').toLowerCase()
		});
	}
	prompts.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
	return { prompts, byName: new Map(prompts.map((p) => [p.name, p])), trashed };
}

/** The committed versions of a prompt document and its working copy. */
export interface PromptDocView {
	versions: Map<string, Version>;
	workingCopy: ReturnType<typeof readWorkingCopy>;
}

/** Decodes a prompt document; versions that do not validate (or belong elsewhere) are skipped. */
export function readPromptDocView(doc: Y.Doc, promptId: string): PromptDocView {
	const parts = promptDocParts(doc);
	const versions = new Map<string, Version>();
	for (const [id, raw] of parts.versions.entries()) {
		const parsed = versionSchema.safeParse(raw);
		if (parsed.success && parsed.data.id === id && parsed.data.promptId === promptId)
			versions.set(id, parsed.data as Version);
	}
	return { versions, workingCopy: readWorkingCopy(parts) };
}

/**
 * The first-parent chain of branch main, oldest first: the commit order on main that numbers
 * versions (1 = the first commit). Stops at a missing version or a cycle.
 */
export function mainChain(versions: ReadonlyMap<string, Version>, head: string | null): string[] {
	const chain: string[] = [];
	const seen = new Set<string>();
	for (let id = head; id && !seen.has(id);) {
		const v = versions.get(id);
		if (!v) break;
		seen.add(id);
		chain.push(id);
		id = v.parents[0] ?? null;
	}
	return chain.reverse();
}

/** Labels of `entry` pointing at `versionId`, sorted. */
export function labelsOf(entry: PromptEntry, versionId: string): string[] {
	const out: string[] = [];
	for (const [name, id] of entry.labels) if (id === versionId) out.push(name);
	return out.sort();
}
