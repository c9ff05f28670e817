/** @module `promptloom import <file|dir>... --to <library.json|dir>`: Prompty, Dotprompt, Langfuse JSON and library files into a library. */
import { basename, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readDotprompt } from '../../lib/core/files/dotprompt';
import { formatFileIssue, type FileIssue } from '../../lib/core/files/issues';
import { readLangfuse } from '../../lib/core/files/langfuse';
import { readPrompty } from '../../lib/core/files/prompty';
import {
	formatFolderIssues,
	folderToLibrary,
	libraryToFolder
} from '../../lib/core/files/prompty-folder';
import { serializeLibrary, validateLibraryData } from '../../lib/core/io/library-file';
import { createLibraryFile, type LibraryFile } from '../../lib/core/io/library-schema';
import { issueLine } from '../../lib/core/io/issues';
import { formatFromFileName } from '../../lib/core/io/text-format';
import type { Folder, Prompt } from '../../lib/core/model/prompt';
import {
	exists,
	isDirectory,
	loadLibrary,
	readPromptFolder,
	readUtf8,
	walk,
	writeAtomic
} from '../files-io';
import type { CliCommand, CliIO } from '../types';
import { CliUsageError, checkLibraryText, withUsageErrors } from './validate';

const USAGE = `Usage: promptloom import <file|dir>... --to <library.json|library.yaml|dir> [options]

Reads prompts from other tools' files and adds them to a library: a backup file (JSON or
YAML) or a folder of .prompty files (the on-disk format). The target is created if missing;
an existing one keeps its prompts and gets the new ones.

Inputs (files, or folders searched recursively):
  .prompty   Prompty (front matter, system:/user:/assistant: lines, Jinja2 body)
  .prompt    Dotprompt (Handlebars translated to Jinja; _name.prompt is the partial "name")
  .json      Langfuse prompt JSON (one prompt, a list, or {"data": [...]}; versions become
             history, labels are kept) or a Promptloom library backup
  .yaml/.yml a Promptloom library backup
  a folder with .promptloom/library.json is read as a Promptloom prompt folder

Every file is checked first; if any has a problem, every problem is printed as
<file>:<line>:<column>: error: <message> and nothing is written.

Options:
  --to <target>  The library to import into (required)
  --json         Print the result as JSON: {"imported": [...], "warnings": [...]}
  -h, --help     Show this help

Exit status:
  0  imported
  1  an input has problems, or a prompt name is already taken (nothing written)
  2  usage error or unreadable input
`;

interface Source {
	file: string;
	library: LibraryFile;
}

/** Input files of the arguments: files as given, folders searched for the formats above. */
async function inputFiles(
	io: CliIO,
	inputs: string[]
): Promise<Array<{ file: string; folder?: true }>> {
	const out: Array<{ file: string; folder?: true }> = [];
	for (const input of inputs) {
		const full = resolve(io.cwd, input);
		if (await isDirectory(full)) {
			if (await exists(join(full, '.promptloom', 'library.json'))) {
				out.push({ file: input, folder: true });
				continue;
			}
			for (const p of await walk(full, { skipDot: true }))
				if (/\.(prompty|prompt|json|ya?ml)$/i.test(p)) out.push({ file: join(input, p) });
		} else if (await exists(full)) out.push({ file: input });
		else throw new CliUsageError(`cannot read ${input}: no such file or directory`);
	}
	return out;
}

async function readOne(
	io: CliIO,
	file: string,
	problems: string[],
	warnings: string[]
): Promise<LibraryFile | null> {
	const text = await readUtf8(resolve(io.cwd, file));
	const ext = extname(file).toLowerCase();
	const report = (issues: FileIssue[]) => {
		for (const i of issues)
			(i.severity === 'error' ? problems : warnings).push(formatFileIssue(file, i));
	};
	if (ext === '.prompty') {
		const r = readPrompty(text, { fileName: basename(file) });
		report(r.issues);
		return r.ok ? createLibraryFile({ prompts: [r.value.prompt] }) : null;
	}
	if (ext === '.prompt') {
		const r = readDotprompt(text, { fileName: basename(file) });
		report(r.issues);
		return r.ok ? createLibraryFile({ prompts: [r.prompt] }) : null;
	}
	const isLibrary = /"format"\s*:\s*"promptloom-library"|^format:\s*promptloom-library/m.test(text);
	if (ext === '.json' && !isLibrary) {
		const r = await readLangfuse(text, { fileName: file });
		report(r.issues);
		return r.ok ? r.library : null;
	}
	const r = await checkLibraryText(text, formatFromFileName(file) ?? 'auto');
	if (!r.ok) {
		for (const e of r.errors) problems.push(`${file}: ${issueLine(e)}`);
		return null;
	}
	return r.library;
}

/** Adds `add` to `into` (renaming nothing): a prompt whose name is taken is a problem. */
function merge(into: LibraryFile, sources: Source[], problems: string[]): LibraryFile {
	const out: LibraryFile = structuredClone(into);
	const live = new Map(
		out.prompts.filter((p) => p.deletedAt === null).map((p) => [p.name, 'the target'])
	);
	const ids = new Set([...out.prompts.map((p) => p.id), ...out.folders.map((f) => f.id)]);
	for (const s of sources) {
		for (const p of s.library.prompts) {
			const other = p.deletedAt === null ? live.get(p.name) : undefined;
			if (other) {
				problems.push(`${s.file}: prompt "${p.name}" already exists in ${other}`);
				continue;
			}
			if (p.deletedAt === null) live.set(p.name, s.file);
		}
		// Ids from files written elsewhere may repeat (e.g. one file imported twice): new ones then.
		const renamed = new Map<string, string>();
		const fresh = (id: string) => {
			if (!ids.has(id)) {
				ids.add(id);
				return id;
			}
			const n = globalThis.crypto.randomUUID();
			renamed.set(id, n);
			ids.add(n);
			return n;
		};
		const folders: Folder[] = s.library.folders.map((f) => ({ ...f, id: fresh(f.id) }));
		const prompts: Prompt[] = s.library.prompts.map((p) => ({ ...p, id: fresh(p.id) }));
		const map = (id: string | null) => (id === null ? null : (renamed.get(id) ?? id));
		out.folders.push(...folders.map((f) => ({ ...f, parentId: map(f.parentId) })));
		out.prompts.push(...prompts.map((p) => ({ ...p, folderId: map(p.folderId) })));
		out.projects.push(...s.library.projects);
		if (renamed.size === 0) {
			out.versions.push(...s.library.versions);
			out.branches.push(...s.library.branches);
			out.labels.push(...s.library.labels);
			out.labelEvents.push(...s.library.labelEvents);
		}
		out.datasets.push(...s.library.datasets);
	}
	return out;
}

export const importCommand: CliCommand = {
	name: 'import',
	summary: 'Import Prompty, Dotprompt and Langfuse files into a library file or prompt folder',
	usage: USAGE,
	run: (args, io) =>
		withUsageErrors('import', USAGE, io, async () => {
			const { values, positionals } = parseArgs({
				args,
				allowPositionals: true,
				strict: true,
				options: { to: { type: 'string' }, json: { type: 'boolean', default: false } }
			});
			if (!positionals.length)
				throw new CliUsageError(`name the files or folders to import\n\n${USAGE}`);
			if (!values.to) throw new CliUsageError('--to <library.json|dir> is required');
			const target = values.to;
			const targetFull = resolve(io.cwd, target);
			const toFolder = !formatFromFileName(target) || (await isDirectory(targetFull));

			const problems: string[] = [];
			const warnings: string[] = [];
			const sources: Source[] = [];
			for (const { file, folder } of await inputFiles(io, positionals)) {
				if (folder) {
					const r = folderToLibrary(await readPromptFolder(resolve(io.cwd, file)));
					if (!r.ok) problems.push(...formatFolderIssues(r.issues).map((l) => `${file}/${l}`));
					else sources.push({ file, library: r.library });
					continue;
				}
				const lib = await readOne(io, file, problems, warnings);
				if (lib) sources.push({ file, library: lib });
			}
			let base = createLibraryFile();
			if (await exists(targetFull)) {
				const current = await loadLibrary(io, target);
				if (!current.ok) {
					problems.push(...current.problems);
				} else base = current.library;
			}
			const merged = problems.length ? base : merge(base, sources, problems);
			if (!problems.length) {
				const v = validateLibraryData(JSON.parse(JSON.stringify(merged)));
				if (!v.ok) problems.push(...v.errors.map((e) => `${target}: ${issueLine(e)}`));
			}
			for (const w of warnings) io.stderr(`${w}\n`);
			if (problems.length) {
				for (const p of problems) io.stderr(`${p}\n`);
				io.stderr(`promptloom import: ${problems.length} problem(s); nothing written\n`);
				return 1;
			}
			merged.exportedAt = new Date().toISOString();
			if (toFolder) {
				for (const f of libraryToFolder(merged))
					await writeAtomic(join(targetFull, f.path), f.text);
			} else await writeAtomic(targetFull, serializeLibrary(merged, formatFromFileName(target)!));
			const imported = sources.flatMap((s) =>
				s.library.prompts.map((p) => ({ name: p.name, from: s.file }))
			);
			if (values.json) io.stdout(JSON.stringify({ target, imported, warnings }, null, 2) + '\n');
			else
				io.stdout(
					`imported ${imported.length} prompt(s) from ${sources.length} file(s) into ${target}${toFolder ? ' (prompt folder)' : ''}\n`
				);
			return 0;
		})
};
