/**
 * @module A library from prompt files chosen in the app (a folder of `.prompty` files, Dotprompt
 * `.prompt` files, Langfuse JSON): each file read and checked, problems as
 * `file:line:col: error: …`, the whole validated like a backup file before anything is imported.
 */
import { validateLibraryData } from '../io/library-file';
import { createLibraryFile, type LibraryFile } from '../io/library-schema';
import { issueLine } from '../io/issues';
import { readDotprompt } from './dotprompt';
import { formatFileIssue, type FileIssue } from './issues';
import { readLangfuse } from './langfuse';
import {
	folderToLibrary,
	formatFolderIssues,
	SIDECAR_PATH,
	type FolderFile
} from './prompty-folder';

export type FilesImport =
	{ ok: true; library: LibraryFile; warnings: string[] } | { ok: false; problems: string[] };

/** Files of a chosen folder keep their path inside it: `chosen/support/x.prompty` → `support/x.prompty`. */
export function withinFolder(files: readonly FolderFile[]): FolderFile[] {
	const tops = new Set(files.map((f) => f.path.split('/')[0]));
	if (tops.size !== 1 || files.some((f) => !f.path.includes('/'))) return [...files];
	const top = [...tops][0].length + 1;
	return files.map((f) => ({ path: f.path.slice(top), text: f.text }));
}

/** Reads `.prompty` files (with `.promptloom/library.json`), `.prompt` files and Langfuse `.json` files as one library. */
export async function libraryFromFiles(files: readonly FolderFile[]): Promise<FilesImport> {
	const problems: string[] = [];
	const warnings: string[] = [];
	const report = (file: string, issues: readonly FileIssue[]) => {
		for (const i of issues)
			(i.severity === 'error' ? problems : warnings).push(formatFileIssue(file, i));
	};
	const prompty = files.filter((f) => f.path.endsWith('.prompty') || f.path === SIDECAR_PATH);
	const folder = folderToLibrary(prompty);
	if (!folder.ok) problems.push(...formatFolderIssues(folder.issues));
	else warnings.push(...formatFolderIssues(folder.warnings));
	const parts: LibraryFile[] = folder.ok ? [folder.library] : [];
	for (const f of files) {
		if (f.path.endsWith('.prompt')) {
			const r = readDotprompt(f.text, { fileName: f.path });
			report(f.path, r.issues);
			if (r.ok) parts.push(createLibraryFile({ prompts: [r.prompt] }));
		} else if (f.path.endsWith('.json') && !f.path.split('/').some((seg) => seg.startsWith('.'))) {
			// (.promptloom/state.json of a pulled folder and the like are not prompts)
			const r = await readLangfuse(f.text, { fileName: f.path });
			report(f.path, r.issues);
			if (r.ok) parts.push(r.library);
		}
	}
	if (problems.length) return { ok: false, problems };
	const library = createLibraryFile({
		...(folder.ok && folder.library.workspace ? { workspace: folder.library.workspace } : {}),
		prompts: parts.flatMap((p) => p.prompts),
		folders: parts.flatMap((p) => p.folders),
		projects: parts.flatMap((p) => p.projects),
		versions: parts.flatMap((p) => p.versions),
		branches: parts.flatMap((p) => p.branches),
		labels: parts.flatMap((p) => p.labels),
		labelEvents: parts.flatMap((p) => p.labelEvents),
		datasets: parts.flatMap((p) => p.datasets)
	});
	const v = validateLibraryData(JSON.parse(JSON.stringify(library)));
	if (!v.ok) return { ok: false, problems: v.errors.map(issueLine) };
	if (!v.library.prompts.length)
		return {
			ok: false,
			problems: ['no .prompty, .prompt or Langfuse .json file among the files chosen']
		};
	return { ok: true, library: v.library, warnings };
}
