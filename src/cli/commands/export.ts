/** @module `promptloom export <library|dir> --format prompty|dotprompt|langfuse|plugin:<id>/<name> --out <dir>`: a library as other tools' files. */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeDotprompt } from '../../lib/core/files/dotprompt-export';
import { formatFileIssue } from '../../lib/core/files/issues';
import { writeLangfuse } from '../../lib/core/files/langfuse';
import { folderPaths, libraryToFolder } from '../../lib/core/files/prompty-folder';
import { isPromptloomError } from '../../lib/core/model/errors';
import { runPluginExporter } from '../../lib/core/plugins/exporters';
import { exists, loadLibrary, writeAtomic } from '../files-io';
import { loadCliPlugins } from './plugin-load';
import type { LibraryFile } from '../../lib/core/io/library-schema';
import type { ExportedFile } from '../../lib/core/plugins/exporters';
import type { CliCommand, CliIO } from '../types';
import { CliUsageError, withUsageErrors } from './validate';

const FORMATS = ['prompty', 'dotprompt', 'langfuse'] as const;
type Format = (typeof FORMATS)[number];

const USAGE = `Usage: promptloom export <library.json|library.yaml|dir> --format prompty|dotprompt|langfuse|plugin:<id>/<name> --out <dir> [options]

Writes a library (a backup file, or a folder of .prompty files) as files other tools read,
one per prompt, in directories named after its folders. Prompts in the trash are left out
(except in prompty, which keeps everything in .promptloom/).

Formats:
  prompty    <name>.prompty files and .promptloom/library.json (history, ids): reading the
             folder back gives the same library
  dotprompt  <name>.prompt files (Jinja translated to Handlebars; an included prompt is also
             written as the partial _<name>.prompt). A prompt using what Dotprompt cannot
             express (filters, set, macros…) is reported with its line and not written
  langfuse   <name>.json: the prompt's versions along main as Langfuse's API returns them
  plugin:<id>/<name>
             the files that exporter <name> of the plugin loaded with --plugin returns (run in
             the sandbox; every path is checked to stay inside --out)

Options:
  --format <f>   prompty, dotprompt, langfuse or plugin:<id>/<name> (required)
  --plugin <dir> Load the plugin in <dir> (its promptloom-plugin.json); repeatable
  --out <dir>    Folder to write into (required)
  --force        Overwrite files that already exist there
  --json         Print {"written": [...], "problems": [...]} as JSON
  -h, --help     Show this help

Exit status:
  0  written
  1  the input has problems (nothing written), or some prompts could not be translated (the
     others are written; each problem is printed as <prompt>:<line>:<column>: error: …), or
     the plugin exporter failed (nothing written; the error names the plugin and the call)
  2  usage error, unreadable input or plugin, or files in the way without --force
`;

/**
 * The files plugin exporter `ref` makes of `lib`, or null when the exporter failed (reported).
 * An unreadable or unknown plugin is a usage error.
 */
async function exportWithPlugin(
	io: CliIO,
	paths: readonly string[],
	ref: string,
	lib: LibraryFile
): Promise<ExportedFile[] | null> {
	const usage = (e: unknown) => (isPromptloomError(e) ? new CliUsageError(e.message) : e);
	const plugins = await loadCliPlugins(io, paths).catch((e: unknown) => {
		throw usage(e);
	});
	try {
		let found;
		try {
			found = plugins.resolve('exporters', ref);
		} catch (e) {
			throw usage(e);
		}
		return await runPluginExporter(found.plugin, found.name, lib);
	} catch (e) {
		if (e instanceof CliUsageError || !isPromptloomError(e)) throw e;
		io.stderr(`promptloom export: ${e.message}\n`);
		return null;
	} finally {
		plugins.close();
	}
}

export const exportCommand: CliCommand = {
	name: 'export',
	summary: 'Export a library as Prompty, Dotprompt or Langfuse files',
	usage: USAGE,
	run: (args, io) =>
		withUsageErrors('export', USAGE, io, async () => {
			const { values, positionals } = parseArgs({
				args,
				allowPositionals: true,
				strict: true,
				options: {
					format: { type: 'string' },
					out: { type: 'string' },
					force: { type: 'boolean', default: false },
					json: { type: 'boolean', default: false },
					plugin: { type: 'string', multiple: true }
				}
			});
			if (positionals.length !== 1)
				throw new CliUsageError(`expected one library file or folder\n\n${USAGE}`);
			const format = values.format as Format | undefined;
			const pluginFormat = values.format?.startsWith('plugin:') ? values.format : null;
			if (!pluginFormat && (!format || !FORMATS.includes(format)))
				throw new CliUsageError(
					`--format must be one of ${FORMATS.join(', ')} or plugin:<id>/<name>`
				);
			if (pluginFormat && !values.plugin?.length)
				throw new CliUsageError(`--format ${pluginFormat} needs its plugin: --plugin <dir>`);
			if (!values.out) throw new CliUsageError('--out <dir> is required');
			const outDir = resolve(io.cwd, values.out);
			const loaded = await loadLibrary(io, positionals[0]);
			if (!loaded.ok) {
				for (const p of loaded.problems) io.stderr(`${p}\n`);
				return 1;
			}
			const lib = loaded.library;
			const files: Array<{ path: string; text: string }> = [];
			const problems: string[] = [];
			const warnings: string[] = [];
			if (pluginFormat) {
				const exported = await exportWithPlugin(io, values.plugin ?? [], pluginFormat, lib);
				if (!exported) return 1;
				files.push(...exported);
			} else if (format === 'prompty') files.push(...libraryToFolder(lib));
			else if (format === 'langfuse') {
				for (const f of writeLangfuse(lib)) {
					files.push({ path: f.path, text: JSON.stringify(f.prompts, null, 2) + '\n' });
					warnings.push(...f.warnings);
				}
			} else {
				const paths = folderPaths(lib.folders);
				const partials = new Set<string>();
				for (const p of lib.prompts) {
					if (p.deletedAt !== null) continue;
					const out = writeDotprompt(p);
					for (const i of out.issues)
						(i.severity === 'error' ? problems : warnings).push(
							formatFileIssue(`${p.name}${i.field ? ` ${i.field}` : ''}`, i)
						);
					if (out.issues.some((i) => i.severity === 'error')) continue;
					for (const name of out.partials) partials.add(name);
					const dir = p.folderId ? (paths.get(p.folderId) ?? '') : '';
					files.push({ path: `${dir ? `${dir}/` : ''}${p.name}.prompt`, text: out.text });
				}
				// Dotprompt finds a partial by name: each included prompt's body as _<name>.prompt.
				for (const name of partials) {
					const p = lib.prompts.find((x) => x.name === name && x.deletedAt === null);
					if (!p) {
						problems.push(`${name}: included but not in the library`);
						continue;
					}
					const out = writeDotprompt(p);
					if (out.issues.some((i) => i.severity === 'error')) continue;
					files.push({ path: `_${name}.prompt`, text: out.body });
				}
			}
			if (!values.force) {
				const taken: string[] = [];
				for (const f of files) if (await exists(join(outDir, f.path))) taken.push(f.path);
				if (taken.length)
					throw new CliUsageError(
						`${taken.length} file(s) already exist in ${values.out} (e.g. ${taken[0]}); use --force to overwrite`
					);
			}
			for (const f of files) await writeAtomic(join(outDir, f.path), f.text);
			for (const w of warnings) io.stderr(`warning: ${w}\n`);
			for (const p of problems) io.stderr(`${p}\n`);
			if (values.json)
				io.stdout(
					JSON.stringify({ written: files.map((f) => f.path), problems, warnings }, null, 2) + '\n'
				);
			else
				io.stdout(`wrote ${files.length} file(s) to ${values.out} (${pluginFormat ?? format})\n`);
			return problems.length ? 1 : 0;
		})
};
