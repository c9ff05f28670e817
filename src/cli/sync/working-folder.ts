/**
 * @module A folder pulled from a workspace: `.promptloom/state.json` (the relay, what was pulled,
 * and for each file its prompt and version) and `.promptloom/base/` (each file's text as pulled,
 * the base of diffs and three-way merges), and the local changes against them.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readPrompty } from '../../lib/core/files/prompty';
import { isPromptyPath } from '../../lib/core/files/prompty-folder';
import { sameSnapshotOf } from '../../lib/core/files/working-tree';
import { z } from '../../lib/core/model/zod';
import { exists, readUtf8, removeFile, walk, writeAtomic, writeNew } from '../files-io';

export const STATE_PATH = '.promptloom/state.json';
export const BASE_DIR = '.promptloom/base';

const trackedSchema = z.object({
	name: z.string(),
	promptId: z.string(),
	/** The version the file was pulled at (null: a prompt never committed). */
	version: z.string().nullable(),
	size: z.number(),
	mtimeMs: z.number()
});
export type TrackedFile = z.infer<typeof trackedSchema>;

const stateSchema = z.object({
	format: z.literal('promptloom-files'),
	version: z.literal(1),
	relay: z.string(),
	workspace: z.string().optional(),
	selector: z.union([z.object({ branch: z.string() }), z.object({ label: z.string() })]),
	pulledAt: z.string(),
	files: z.record(z.string(), trackedSchema)
});
export type FolderState = z.infer<typeof stateSchema>;
export type Selector = FolderState['selector'];

/** The folder's state; null when it was never pulled. A damaged state file is an Error. */
export async function loadState(root: string): Promise<FolderState | null> {
	const path = join(root, STATE_PATH);
	if (!(await exists(path))) return null;
	let data: unknown;
	try {
		data = JSON.parse(await readFile(path, 'utf8'));
	} catch (e) {
		throw new Error(
			`${STATE_PATH} is not valid JSON (${(e as Error).message}): pull again into a new folder`
		);
	}
	const r = stateSchema.safeParse(data);
	if (!r.success)
		throw new Error(
			`${STATE_PATH}: ${r.error.issues[0]?.path.join('.')}: ${r.error.issues[0]?.message} (written by another promptloom?)`
		);
	return r.data;
}

export async function saveState(root: string, state: FolderState): Promise<void> {
	const files = Object.fromEntries(
		Object.entries(state.files).sort(([a], [b]) => (a < b ? -1 : 1))
	);
	await writeAtomic(join(root, STATE_PATH), JSON.stringify({ ...state, files }, null, 2) + '\n');
}

export async function readBase(root: string, path: string): Promise<string | null> {
	try {
		return await readUtf8(join(root, BASE_DIR, path));
	} catch {
		return null;
	}
}

export async function writeBase(
	root: string,
	path: string,
	text: string,
	fresh = false
): Promise<void> {
	if (fresh) await writeNew(join(root, BASE_DIR, path), text);
	else await writeAtomic(join(root, BASE_DIR, path), text);
}

export async function removeBase(root: string, path: string): Promise<void> {
	await removeFile(join(root, BASE_DIR), path);
}

/**
 * Writes a prompt file (`fresh`: one that does not exist yet) and returns what the state
 * records of it (size and time).
 */
export async function writeTracked(
	root: string,
	path: string,
	text: string,
	fresh = false
): Promise<Pick<TrackedFile, 'size' | 'mtimeMs'>> {
	if (fresh) await writeNew(join(root, path), text);
	else await writeAtomic(join(root, path), text);
	const s = await stat(join(root, path));
	return { size: s.size, mtimeMs: s.mtimeMs };
}

export type ChangeKind = 'modified' | 'added' | 'deleted';

export interface LocalChange {
	path: string;
	kind: ChangeKind;
	/** The tracked entry (absent for an added file). */
	tracked?: TrackedFile;
	/** The file's text now (absent when deleted). */
	text?: string;
	base?: string | null;
}

/**
 * Files changed since the last pull or push: modified (what a commit would record differs; a
 * file only reformatted is not modified), added (a `.prompty` file not tracked), deleted. Files
 * whose size and time are as recorded are not read.
 */
export async function localChanges(root: string, state: FolderState): Promise<LocalChange[]> {
	const out: LocalChange[] = [];
	// Dot-directories (.promptloom/ with its base copies, .git) hold no prompt files.
	const onDisk = new Set((await walk(root, { skipDot: true })).filter(isPromptyPath));
	const check = async (path: string, tracked: TrackedFile): Promise<void> => {
		if (!onDisk.has(path)) {
			out.push({ path, kind: 'deleted', tracked, base: await readBase(root, path) });
			return;
		}
		const s = await stat(join(root, path));
		if (s.size === tracked.size && s.mtimeMs === tracked.mtimeMs) return;
		const text = await readUtf8(join(root, path));
		const base = await readBase(root, path);
		if (text === base) return;
		if (base !== null && !hasMarkers(text)) {
			const a = readPrompty(text, { fileName: path });
			const b = readPrompty(base, { fileName: path });
			if (a.ok && b.ok && sameSnapshotOf(a.value.prompt, b.value.prompt)) return;
		}
		out.push({ path, kind: 'modified', tracked, text, base });
	};
	const entries = Object.entries(state.files);
	for (let i = 0; i < entries.length; i += 64)
		await Promise.all(entries.slice(i, i + 64).map(([path, t]) => check(path, t)));
	for (const path of Object.keys(state.files)) onDisk.delete(path);
	for (const path of onDisk)
		out.push({ path, kind: 'added', text: await readUtf8(join(root, path)) });
	return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

function hasMarkers(text: string): boolean {
	return /^(<<<<<<< |>>>>>>> )/m.test(text);
}

/** `relay`, `key` and selector of a command: options first, then the state, then the environment. */
export function resolveTarget(
	options: { relay?: string; key?: string },
	state: FolderState | null,
	env: Record<string, string | undefined>
): { relay?: string; key?: string } {
	return {
		relay: options.relay ?? state?.relay ?? env.PROMPTLOOM_RELAY,
		key: options.key ?? env.PROMPTLOOM_KEY
	};
}
