/** @module Reading and writing prompt folders on disk for the CLI: walks, atomic writes, libraries from files or folders. */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import {
	formatFolderIssues,
	folderToLibrary,
	type FolderFile
} from '../lib/core/files/prompty-folder';
import type { LibraryFile } from '../lib/core/io/library-schema';
import { issueLine } from '../lib/core/io/issues';
import { formatFromFileName } from '../lib/core/io/text-format';
import { checkLibraryText } from './commands/validate';
import type { CliIO } from './types';

/** Directories never walked into. */
const SKIP_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn']);

export async function isDirectory(path: string): Promise<boolean> {
	try {
		return (await stat(path)).isDirectory();
	} catch {
		return false;
	}
}

export async function exists(path: string): Promise<boolean> {
	try {
		await stat(path);
		return true;
	} catch {
		return false;
	}
}

/** Every file under `root` as a `/`-separated relative path (dot-directories included unless `skipDot`). */
export async function walk(root: string, options: { skipDot?: boolean } = {}): Promise<string[]> {
	const out: string[] = [];
	const visit = async (dir: string) => {
		let entries;
		try {
			entries = await readdir(dir, { withFileTypes: true });
		} catch {
			return;
		}
		for (const e of entries) {
			if (e.isDirectory()) {
				if (SKIP_DIRS.has(e.name) || (options.skipDot && e.name.startsWith('.'))) continue;
				await visit(join(dir, e.name));
			} else if (e.isFile()) out.push(relative(root, join(dir, e.name)).split(sep).join('/'));
		}
	};
	await visit(root);
	return out.sort();
}

/** Writes through a temporary file in the same directory, renamed into place (creating directories). */
export async function writeAtomic(target: string, text: string): Promise<void> {
	await mkdir(dirname(target), { recursive: true });
	const temp = join(dirname(target), `.${randomBytes(6).toString('hex')}.tmp`);
	try {
		await writeFile(temp, text, 'utf8');
		await rename(temp, target);
	} catch (e) {
		await unlink(temp).catch(() => undefined);
		throw e;
	}
}

const made = new Set<string>();

/**
 * Writes a file that does not exist yet (flag `wx`: an existing one is an error), creating its
 * directory once per process. Cheaper than {@link writeAtomic}; there is no old state to keep.
 */
export async function writeNew(target: string, text: string): Promise<void> {
	const dir = dirname(target);
	if (!made.has(dir)) {
		await mkdir(dir, { recursive: true });
		made.add(dir);
	}
	await writeFile(target, text, { encoding: 'utf8', flag: 'wx' });
}

/** Removes a file and the directories it leaves empty (up to `root`). */
export async function removeFile(root: string, path: string): Promise<void> {
	await rm(join(root, path), { force: true });
	for (let dir = dirname(path); dir !== '.' && dir !== ''; dir = dirname(dir)) {
		try {
			if ((await readdir(join(root, dir))).length) break;
			await rm(join(root, dir), { recursive: false, force: true });
		} catch {
			break;
		}
	}
}

export async function readUtf8(path: string): Promise<string> {
	return new TextDecoder('utf-8', { fatal: true }).decode(await readFile(path));
}

/** The `.prompty` files and `.promptloom/library.json` of a prompt folder. */
export async function readPromptFolder(root: string): Promise<FolderFile[]> {
	const paths = (await walk(root)).filter(
		(p) => p.endsWith('.prompty') || p === '.promptloom/library.json'
	);
	return Promise.all(paths.map(async (path) => ({ path, text: await readUtf8(join(root, path)) })));
}

export type LoadedLibrary =
	{ ok: true; library: LibraryFile; warnings: string[] } | { ok: false; problems: string[] };

/** A library from a backup file (JSON/YAML, fully validated) or a folder of `.prompty` files. */
export async function loadLibrary(io: CliIO, path: string): Promise<LoadedLibrary> {
	const full = resolve(io.cwd, path);
	if (await isDirectory(full)) {
		const r = folderToLibrary(await readPromptFolder(full));
		const under = (l: string) => `${path.replace(/\/+$/, '')}/${l}`;
		if (!r.ok) return { ok: false, problems: formatFolderIssues(r.issues).map(under) };
		return { ok: true, library: r.library, warnings: formatFolderIssues(r.warnings).map(under) };
	}
	const text = await readUtf8(full);
	const result = await checkLibraryText(text, formatFromFileName(path) ?? 'auto');
	if (!result.ok)
		return { ok: false, problems: result.errors.map((e) => `${path}: ${issueLine(e)}`) };
	return { ok: true, library: result.library, warnings: [] };
}
