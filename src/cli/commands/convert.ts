/** @module `promptloom convert <in> <out>`: rewrites a library file as JSON or YAML, validated first. */
import { randomBytes } from 'node:crypto';
import { access, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { serializeLibrary } from '../../lib/core/io/library-file';
import { formatFromFileName } from '../../lib/core/io/text-format';
import { libraryToFolder } from '../../lib/core/files/prompty-folder';
import { summarizeLibrary } from '../../lib/core/io/library-schema';
import { isDirectory, loadLibrary, walk, writeAtomic } from '../files-io';
import type { CliCommand, CliIO } from '../types';
import {
	CliUsageError,
	checkLibraryText,
	parseFormatOption,
	printIssues,
	readTextFile,
	summaryLine,
	withUsageErrors
} from './validate';

const USAGE = `Usage: promptloom convert <input> <output> [options]

Converts a library backup file between JSON and YAML, or to and from a folder of .prompty
files (the on-disk format: an existing folder, or an output name ending in "/" or without an
extension, is one;
its .promptloom/library.json keeps history and ids). The input is validated first
(the same checks as \`promptloom validate\`); if it has any problem, every problem is
printed and the output file is not written. The output is written atomically (a
temporary file renamed into place), so an existing file is never left half-written.

Formats come from the file extensions: .json, .yaml or .yml.

Options:
  --format json|yaml  Output format, overriding the output file's extension
  --from json|yaml    Input format, overriding the input file's extension
  --force             Overwrite the output file if it exists
  -h, --help          Show this help

Examples:
  promptloom convert backup.json backup.yaml
  promptloom convert library.yml library.json --force
  promptloom convert backup.json prompts/          (a folder of .prompty files)
  promptloom convert prompts/ backup.yaml

Exit status:
  0  converted
  1  the input has problems (each printed as <file>: <path>: <message>); nothing written
  2  usage error, unreadable input, existing output without --force, or unwritable output
`;

async function exists(path: string): Promise<boolean> {
	try {
		await access(path);
		return true;
	} catch {
		return false;
	}
}

/** Writes through a temporary file in the same directory, then renames it over `target`. */
async function writeAtomically(target: string, text: string): Promise<void> {
	const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
	try {
		await writeFile(temp, text, { encoding: 'utf8', flag: 'wx' });
		await rename(temp, target);
	} catch (e) {
		await unlink(temp).catch(() => undefined);
		throw e;
	}
}

/** Conversions where the input or the output is a folder of .prompty files. */
async function convertWithFolder(
	io: CliIO,
	input: string,
	output: string,
	force: boolean,
	format: string | undefined,
	outFolder: boolean
): Promise<number> {
	const outFormat = outFolder ? null : (parseFormatOption(format) ?? formatFromFileName(output));
	if (!outFolder && !outFormat)
		throw new CliUsageError(
			`cannot tell the output format from "${output}": use a .json, .yaml or .yml name, or --format`
		);
	const target = resolve(io.cwd, output);
	const loaded = await loadLibrary(io, input);
	if (!loaded.ok) {
		for (const p of loaded.problems) io.stderr(`${p}\n`);
		return 1;
	}
	for (const w of loaded.warnings) io.stderr(`${w}\n`);
	const lib = loaded.library;
	if (outFormat) {
		if (!force && (await exists(target)))
			throw new CliUsageError(`${output} already exists; use --force to overwrite it`);
		await writeAtomically(target, serializeLibrary(lib, outFormat));
		io.stdout(`wrote ${output} (${outFormat}): ${summaryLine(summarizeLibrary(lib))}\n`);
		return 0;
	}
	const files = libraryToFolder(lib);
	if (!force && (await exists(target)) && (await walk(target)).length)
		throw new CliUsageError(`${output} is a folder with files in it; use --force to write into it`);
	for (const f of files) await writeAtomic(join(target, f.path), f.text);
	io.stdout(`wrote ${output} (folder of .prompty files): ${summaryLine(summarizeLibrary(lib))}\n`);
	return 0;
}

export const convertCommand: CliCommand = {
	name: 'convert',
	summary: 'Convert a library file between JSON and YAML (validated first)',
	usage: USAGE,
	run: (args, io) =>
		withUsageErrors('convert', USAGE, io, async () => {
			const { values, positionals } = parseArgs({
				args,
				allowPositionals: true,
				strict: true,
				options: {
					format: { type: 'string' },
					from: { type: 'string' },
					force: { type: 'boolean', default: false }
				}
			});
			if (positionals.length !== 2)
				throw new CliUsageError(
					`expected an input and an output file, got ${positionals.length} argument(s)\n\n${USAGE}`
				);
			const [input, output] = positionals;
			// A folder: an existing one, a name ending in "/", or a name without an extension.
			const outFolder =
				output.endsWith('/') ||
				(await isDirectory(resolve(io.cwd, output))) ||
				(!values.format && !/\.[^/.]+$/.test(basename(output)));
			if ((await isDirectory(resolve(io.cwd, input))) || outFolder)
				return convertWithFolder(
					io,
					input,
					output,
					values.force === true,
					values.format,
					outFolder
				);
			const outFormat = parseFormatOption(values.format) ?? formatFromFileName(output);
			if (!outFormat)
				throw new CliUsageError(
					`cannot tell the output format from "${output}": use a .json, .yaml or .yml name, or --format`
				);
			const inFormat = parseFormatOption(values.from) ?? formatFromFileName(input) ?? 'auto';
			const target = resolve(io.cwd, output);
			if (!values.force && (await exists(target)))
				throw new CliUsageError(`${output} already exists; use --force to overwrite it`);

			const text = await readTextFile(io, input);
			const result = await checkLibraryText(text, inFormat);
			if (!result.ok) {
				printIssues(io, input, result.errors);
				return 1;
			}
			try {
				await writeAtomically(target, serializeLibrary(result.library, outFormat));
			} catch (e) {
				throw new CliUsageError(`cannot write ${output}: ${(e as Error).message}`);
			}
			io.stdout(`wrote ${output} (${outFormat}): ${summaryLine(result.summary)}\n`);
			return 0;
		})
};
