/**
 * @module A library as a folder of `.prompty` files: one file per prompt, folders as directories,
 * and what files cannot hold (folder ids and times, projects, version history, labels, datasets)
 * in `.promptloom/library.json`. Library → folder → library gives the library back exactly; a
 * folder of Prompty files from elsewhere (no `.promptloom/`) reads as a library too.
 * Pure: works on `{path, text}` lists; reading and writing the disk is the caller's.
 */
import { z } from '../model/zod';
import { newId as randomId } from '../model/ids';
import type { Folder, Prompt } from '../model/prompt';
import { folderSchema, projectSchema } from '../model/prompt';
import {
	createLibraryFile,
	libraryDatasetSchema,
	workspaceRefSchema,
	type LibraryFile
} from '../io/library-schema';
import { validateLibraryData } from '../io/library-file';
import { branchSchema, labelEventSchema, labelSchema, versionSchema } from '../io/version-schemas';
import { formatFileIssue, type FileIssue } from './issues';
import { decodeSegment, dirOf, encodeSegment, joinPath } from './paths';
import { PROMPTY_EXTENSION, readPrompty, writePrompty } from './prompty';

/** A file of a prompt folder: its `/`-separated path inside the folder and its text. */
export interface FolderFile {
	path: string;
	text: string;
}

/** A problem in one file of a folder. */
export interface FolderIssue {
	file: string;
	issue: FileIssue;
}

export const META_DIR = '.promptloom';
export const SIDECAR_PATH = `${META_DIR}/library.json`;
export const SIDECAR_FORMAT = 'promptloom-folder';
/** Prompts in the trash: `.promptloom/trash/<id>/<name>.prompty` (a live prompt may have the name). */
export const TRASH_DIR = `${META_DIR}/trash`;

const sidecarSchema = z.object({
	format: z.literal(SIDECAR_FORMAT),
	version: z.literal(1),
	exportedAt: z.string(),
	workspace: workspaceRefSchema.optional(),
	folders: z.array(folderSchema.extend({ path: z.string() })).default([]),
	projects: z.array(projectSchema).default([]),
	versions: z.array(versionSchema).default([]),
	branches: z.array(branchSchema).default([]),
	labels: z.array(labelSchema).default([]),
	labelEvents: z.array(labelEventSchema).default([]),
	datasets: z.array(libraryDatasetSchema).default([])
});

/** Directory path of every folder (parents first), unique even for folders of the same name. */
export function folderPaths(folders: readonly Folder[]): Map<string, string> {
	const byId = new Map(folders.map((f) => [f.id, f]));
	const paths = new Map<string, string>();
	const taken = new Set<string>();
	const visit = (f: Folder, seen: Set<string>): string => {
		const known = paths.get(f.id);
		if (known !== undefined) return known;
		const parent = f.parentId !== null && !seen.has(f.parentId) ? byId.get(f.parentId) : undefined;
		const base = parent ? visit(parent, new Set([...seen, f.id])) : '';
		const seg = encodeSegment(f.name);
		let path = joinPath(base, seg);
		// Same-named siblings (or names equal but for case, on case-insensitive disks) get "~2", "~3".
		for (let n = 2; taken.has(path.toLowerCase()); n++) path = joinPath(base, `${seg}~${n}`);
		taken.add(path.toLowerCase());
		paths.set(f.id, path);
		return path;
	};
	for (const f of [...folders].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)))
		visit(f, new Set());
	return paths;
}

/** The folder file path of a prompt: `<folder dirs>/<name>.prompty`. */
export function promptFilePath(p: Prompt, paths: ReadonlyMap<string, string>): string {
	if (p.deletedAt !== null)
		return joinPath(TRASH_DIR, encodeSegment(p.id), `${p.name}${PROMPTY_EXTENSION}`);
	return joinPath(p.folderId ? (paths.get(p.folderId) ?? '') : '', `${p.name}${PROMPTY_EXTENSION}`);
}

/**
 * Writes a library as the files of a prompt folder (the `.prompty` files, and
 * `.promptloom/library.json` unless `sidecar` is false).
 */
export function libraryToFolder(
	lib: LibraryFile,
	options: { sidecar?: boolean } = {}
): FolderFile[] {
	const paths = folderPaths(lib.folders);
	const files: FolderFile[] = lib.prompts.map((p) => ({
		path: promptFilePath(p, paths),
		text: writePrompty(p, { folderId: p.deletedAt !== null })
	}));
	if (options.sidecar !== false) {
		const sidecar = {
			format: SIDECAR_FORMAT,
			version: 1,
			exportedAt: lib.exportedAt,
			...(lib.workspace ? { workspace: lib.workspace } : {}),
			folders: lib.folders.map((f) => ({ ...f, path: paths.get(f.id)! })),
			projects: lib.projects,
			versions: lib.versions,
			branches: lib.branches,
			labels: lib.labels,
			labelEvents: lib.labelEvents,
			datasets: lib.datasets
		};
		files.push({ path: SIDECAR_PATH, text: JSON.stringify(sidecar, null, 2) + '\n' });
	}
	return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export interface FolderReadOptions {
	now?: number;
	newId?: () => string;
}

export type FolderResult =
	| { ok: true; library: LibraryFile; warnings: FolderIssue[] }
	| { ok: false; issues: FolderIssue[] };

/** Whether a path of the folder is a prompt file (`.prompty`, outside dot-directories). */
export function isPromptyPath(path: string): boolean {
	return path.endsWith(PROMPTY_EXTENSION) && !path.split('/').some((s) => s.startsWith('.'));
}

function readSidecar(files: readonly FolderFile[], issues: FolderIssue[]) {
	const file = files.find((f) => f.path === SIDECAR_PATH);
	if (!file) return null;
	let data: unknown;
	try {
		data = JSON.parse(file.text);
	} catch (e) {
		issues.push({
			file: SIDECAR_PATH,
			issue: {
				severity: 'error',
				line: 1,
				column: 1,
				message: `not valid JSON: ${(e as Error).message}`
			}
		});
		return null;
	}
	const r = sidecarSchema.safeParse(data);
	if (!r.success) {
		for (const i of r.error.issues.slice(0, 20))
			issues.push({
				file: SIDECAR_PATH,
				issue: {
					severity: 'error',
					line: 1,
					column: 1,
					field: i.path.map(String).join('.'),
					message: i.message
				}
			});
		return null;
	}
	return r.data;
}

/**
 * Reads a prompt folder as a library: every `.prompty` file (validated, problems at their line
 * and column), its directory as its folder, and `.promptloom/library.json` when present. The
 * result is validated like a backup file (unique names and ids, references).
 */
export function folderToLibrary(
	files: readonly FolderFile[],
	options: FolderReadOptions = {}
): FolderResult {
	const now = options.now ?? Date.now();
	const newId = options.newId ?? randomId;
	const issues: FolderIssue[] = [];
	const sidecar = readSidecar(files, issues);
	const folders: Folder[] = [];
	const byPath = new Map<string, Folder>();
	for (const f of sidecar?.folders ?? []) {
		const { path, ...folder } = f;
		folders.push(folder);
		byPath.set(path, folder);
	}
	const folderAt = (dir: string): string | null => {
		if (dir === '') return null;
		const known = byPath.get(dir);
		if (known) return known.id;
		const parentId = folderAt(dirOf(dir));
		const seg = dir.slice(dir.lastIndexOf('/') + 1);
		const decoded = decodeSegment(seg);
		const folder: Folder = {
			id: newId(),
			name: decoded === '' || decoded.includes('/') ? seg : decoded,
			parentId,
			createdAt: now,
			updatedAt: now
		};
		folders.push(folder);
		byPath.set(dir, folder);
		return folder.id;
	};
	const prompts: Prompt[] = [];
	const fileOf = new Map<string, string>();
	const names = new Map<string, string>();
	const warnings: FolderIssue[] = [];
	for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : 1))) {
		const trashed = file.path.startsWith(`${TRASH_DIR}/`) && file.path.endsWith(PROMPTY_EXTENSION);
		if (!trashed && !isPromptyPath(file.path)) continue;
		const r = readPrompty(file.text, {
			fileName: file.path,
			...(trashed ? {} : { folderId: folderAt(dirOf(file.path)) }),
			now,
			newId
		});
		for (const issue of r.issues)
			(issue.severity === 'error' ? issues : warnings).push({ file: file.path, issue });
		if (!r.ok) continue;
		const p = r.value.prompt;
		const other = p.deletedAt === null ? names.get(p.name) : undefined;
		if (other) {
			issues.push({
				file: file.path,
				issue: {
					severity: 'error',
					line: 1,
					column: 1,
					message: `prompt name "${p.name}" is already used by ${other}: prompt names are unique in a library`
				}
			});
			continue;
		}
		if (p.deletedAt === null) names.set(p.name, file.path);
		fileOf.set(p.id, file.path);
		prompts.push(p);
	}
	if (issues.length) return { ok: false, issues };
	const library = createLibraryFile({
		exportedAt: sidecar?.exportedAt ?? new Date(now).toISOString(),
		...(sidecar?.workspace ? { workspace: sidecar.workspace } : {}),
		prompts,
		folders,
		projects: sidecar?.projects ?? [],
		versions: sidecar?.versions ?? [],
		branches: sidecar?.branches ?? [],
		labels: sidecar?.labels ?? [],
		labelEvents: sidecar?.labelEvents ?? [],
		datasets: sidecar?.datasets ?? []
	});
	const v = validateLibraryData(JSON.parse(JSON.stringify(library)));
	if (!v.ok) {
		for (const e of v.errors) {
			const m = /^prompts\[(\d+)\]/.exec(e.path);
			const file = m ? (fileOf.get(prompts[Number(m[1])]?.id) ?? SIDECAR_PATH) : SIDECAR_PATH;
			issues.push({
				file,
				issue: { severity: 'error', line: 1, column: 1, message: `${e.path}: ${e.message}` }
			});
		}
		return { ok: false, issues };
	}
	return { ok: true, library: v.library, warnings };
}

/** Every issue as `file:line:col: severity: message`. */
export function formatFolderIssues(issues: readonly FolderIssue[]): string[] {
	return issues.map((i) => formatFileIssue(i.file, i.issue));
}
