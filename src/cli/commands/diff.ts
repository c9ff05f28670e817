/** @module `promptloom diff <dir> [name]`: line diffs of changed prompt files against the pulled version. */
import { createTwoFilesPatch } from 'diff';
import { parseArgs } from 'node:util';
import { folderArg, requireState } from '../sync/command-support';
import { localChanges } from '../sync/working-folder';
import type { CliCommand } from '../types';
import { CliUsageError, withUsageErrors } from './validate';

const USAGE = `Usage: promptloom diff <dir> [name|path] [options]

Shows what changed in the prompt files of a pulled folder since the last pull or push, as a
unified line diff (a/ is the pulled version, b/ the file now). Give a prompt name or a file
path to see one prompt.

Options:
  --json      Print {"diffs": [{"path", "status", "patch"}...]} as JSON
  -h, --help  Show this help

Exit status:
  0  shown (also when nothing changed)
  2  usage error, not a pulled folder, or no changed prompt of that name
`;

export const diffCommand: CliCommand = {
	name: 'diff',
	summary: 'Show line diffs of changed prompt files against the pulled version',
	usage: USAGE,
	run: (args, io) =>
		withUsageErrors('diff', USAGE, io, async () => {
			const { values, positionals } = parseArgs({
				args,
				allowPositionals: true,
				strict: true,
				options: { json: { type: 'boolean', default: false } }
			});
			const { root, dir } = folderArg(io, positionals, USAGE);
			const state = await requireState(root, dir);
			const only = positionals[1];
			let changes = await localChanges(root, state);
			if (only) {
				changes = changes.filter(
					(c) =>
						c.path === only ||
						c.tracked?.name === only ||
						c.path.endsWith(`/${only}.prompty`) ||
						c.path === `${only}.prompty`
				);
				if (!changes.length) throw new CliUsageError(`no changed prompt "${only}" in ${dir}`);
			}
			const diffs = changes.map((c) => ({
				path: c.path,
				status: c.kind,
				patch: createTwoFilesPatch(
					c.kind === 'added' ? '/dev/null' : `a/${c.path}`,
					c.kind === 'deleted' ? '/dev/null' : `b/${c.path}`,
					c.base ?? '',
					c.text ?? '',
					undefined,
					undefined,
					{ context: 3 }
				).replace(/^=+\n/, '')
			}));
			if (values.json) io.stdout(JSON.stringify({ dir, diffs }, null, 2) + '\n');
			else for (const d of diffs) io.stdout(d.patch);
			return 0;
		})
};
