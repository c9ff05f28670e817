/**
 * @module Checks across entries of a library file: unique ids and names, references, cycles.
 * Works on the raw entries, valid or not, reading each field only when it has the right type, so
 * a file with schema errors still gets every cross-entry problem reported at once.
 */
import type { LibraryIssue } from './issues';
import type { CollectionName } from './library-schema';

/** A raw entry (any object found in a collection) and where it sits in the file. */
export interface RawEntry {
	/** `prompts[3] ("summarize-email")` */
	label: string;
	value: Record<string, unknown>;
}

export type RawCollections = Record<CollectionName, RawEntry[]>;

type Add = (path: string, message: string) => void;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function idsOf(entries: RawEntry[]): Set<string> {
	const out = new Set<string>();
	for (const e of entries) {
		const id = str(e.value.id);
		if (id !== undefined) out.add(id);
	}
	return out;
}

/**
 * Every cross-entry problem, grouped by check, in file order within a check. References into a
 * `malformed` collection (not an array: already reported) are not checked.
 */
export function checkReferences(
	c: RawCollections,
	malformed: ReadonlySet<CollectionName> = new Set()
): LibraryIssue[] {
	const issues: LibraryIssue[] = [];
	const add: Add = (path, message) => issues.push({ path, message });

	for (const kind of [
		'prompts',
		'folders',
		'projects',
		'versions',
		'labelEvents',
		'datasets'
	] as const)
		duplicateIds(c[kind], add);
	duplicatePromptNames(c.prompts, add);

	const known = {
		prompts: idsOf(c.prompts),
		folders: idsOf(c.folders),
		projects: idsOf(c.projects),
		versions: idsOf(c.versions)
	};
	const promptName = new Map<string, string>();
	for (const p of c.prompts) {
		const id = str(p.value.id);
		const name = str(p.value.name);
		if (id !== undefined && name !== undefined && !promptName.has(id)) promptName.set(id, name);
	}
	const promptRef = (id: string) => `"${promptName.get(id) ?? id}"`;
	const mustExist = (path: string, kind: keyof typeof known, id: unknown, what: string) => {
		if (typeof id === 'string' && !malformed.has(kind) && !known[kind].has(id))
			add(path, `${what} "${id}" does not exist`);
	};

	for (const f of c.folders)
		mustExist(`${f.label}.parentId`, 'folders', f.value.parentId, 'folder');
	folderCycles(c.folders, add);

	for (const p of c.prompts) {
		mustExist(`${p.label}.folderId`, 'folders', p.value.folderId, 'folder');
		mustExist(`${p.label}.projectId`, 'projects', p.value.projectId, 'project');
	}

	const versionPrompt = new Map<string, string>();
	for (const v of c.versions) {
		const id = str(v.value.id);
		const promptId = str(v.value.promptId);
		if (id !== undefined && promptId !== undefined && !versionPrompt.has(id))
			versionPrompt.set(id, promptId);
	}
	for (const v of c.versions) {
		mustExist(`${v.label}.promptId`, 'prompts', v.value.promptId, 'prompt');
		const parents = v.value.parents;
		if (Array.isArray(parents))
			parents.forEach((parent, i) => {
				if (typeof parent === 'string' && !malformed.has('versions') && !known.versions.has(parent))
					add(`${v.label}.parents[${i}]`, `parent version ${parent} does not exist`);
			});
	}

	/** A head must exist and belong to the entry's own prompt. */
	const headCheck = (path: string, promptId: string | undefined, versionId: unknown) => {
		if (typeof versionId !== 'string' || malformed.has('versions')) return;
		if (!known.versions.has(versionId)) {
			add(path, `version ${versionId} does not exist`);
			return;
		}
		const owner = versionPrompt.get(versionId);
		if (promptId !== undefined && owner !== undefined && owner !== promptId)
			add(
				path,
				`version ${versionId} belongs to prompt ${promptRef(owner)}, not ${promptRef(promptId)}`
			);
	};

	for (const [kind, headKey] of [
		['branches', 'head'],
		['labels', 'versionId']
	] as const) {
		const noun = kind === 'branches' ? 'branch' : 'label';
		const seen = new Map<string, string>();
		for (const e of c[kind]) {
			const promptId = str(e.value.promptId);
			const name = str(e.value.name);
			mustExist(`${e.label}.promptId`, 'prompts', promptId, 'prompt');
			headCheck(`${e.label}.${headKey}`, promptId, e.value[headKey]);
			if (promptId === undefined || name === undefined) continue;
			const key = `${promptId}\u0000${name}`;
			const first = seen.get(key);
			if (first)
				add(
					`${e.label}.name`,
					`${noun} "${name}" appears twice for prompt ${promptRef(promptId)} (also ${first})`
				);
			else seen.set(key, e.label);
		}
	}
	return issues;
}

function duplicateIds(entries: RawEntry[], add: Add): void {
	const seen = new Map<string, string>();
	for (const e of entries) {
		const id = str(e.value.id);
		if (id === undefined) continue;
		const first = seen.get(id);
		if (first) add(`${e.label}.id`, `duplicate id "${id}" (also ${first})`);
		else seen.set(id, e.label);
	}
}

/** Names must be unique among prompts not in the trash. */
function duplicatePromptNames(prompts: RawEntry[], add: Add): void {
	const seen = new Map<string, string>();
	for (const e of prompts) {
		const name = str(e.value.name);
		const inTrash = e.value.deletedAt !== null && e.value.deletedAt !== undefined;
		if (name === undefined || inTrash) continue;
		const first = seen.get(name);
		if (first)
			add(
				`${e.label}.name`,
				`duplicate name "${name}" (also ${first}); prompt names must be unique in the workspace`
			);
		else seen.set(name, e.label);
	}
}

/** Reports each cycle of folder parents once, at the first folder of the cycle in file order. */
function folderCycles(folders: RawEntry[], add: Add): void {
	const byId = new Map<string, { order: number; entry: RawEntry }>();
	folders.forEach((entry, order) => {
		const id = str(entry.value.id);
		if (id !== undefined && !byId.has(id)) byId.set(id, { order, entry });
	});
	const state = new Map<string, 'visiting' | 'done'>();
	for (const id of byId.keys()) {
		const trail: string[] = [];
		let cur: string | undefined = id;
		while (cur !== undefined && byId.has(cur) && !state.has(cur)) {
			state.set(cur, 'visiting');
			trail.push(cur);
			cur = str(byId.get(cur)?.entry.value.parentId);
		}
		if (cur !== undefined && state.get(cur) === 'visiting') {
			const cycle = trail.slice(trail.indexOf(cur));
			const order = (fid: string) => byId.get(fid)?.order ?? 0;
			const first = cycle.reduce((a, b) => (order(b) < order(a) ? b : a));
			const from = cycle.indexOf(first);
			const loop = [...cycle.slice(from), ...cycle.slice(0, from), first];
			const names = loop
				.map((fid) => JSON.stringify(byId.get(fid)?.entry.value.name ?? fid))
				.join(' → ');
			add(
				`${byId.get(first)?.entry.label}.parentId`,
				`folders form a cycle (each is inside the next): ${names}`
			);
		}
		for (const fid of trail) state.set(fid, 'done');
	}
}
