/** @module `promptloom plugin init|check <dir>`: scaffold a plugin, and prove one works before it is shared. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isPromptloomError } from '../../lib/core/model/errors';
import { checkPlugin } from '../../lib/core/plugins/check';
import { checkManifest, MANIFEST_FILE } from '../../lib/core/plugins/manifest';
import { readPluginFiles } from '../../lib/core/plugins/source.node.ts';
import { nodeModuleSessions } from '../../lib/core/sandbox/session.node.ts';
import { exists } from '../files-io';
import type { CliCommand, CliIO } from '../types';
import { CliUsageError, withUsageErrors } from './validate';

const USAGE = `Usage: promptloom plugin <init|check> <dir> [options]

  init <dir>    Write a new plugin into <dir>: ${MANIFEST_FILE} and plugin.js with one scorer
                and an example (the folder's name, in lowercase, is the plugin's id)
  check <dir>   Validate <dir>/${MANIFEST_FILE}, load the module in the sandbox, check every
                contribution the manifest declares is exported, and run the manifest's examples

Options:
  --json        (check) Print {"ok", "pluginId", "steps": [{what, ok, message?}]} as JSON
  -h, --help    Show this help

The plugin API and a tutorial are in docs/plugins.md.

Exit status (check):
  0  every step passed
  1  a step failed (each failure is printed as FAIL <step>: <why>)
  2  usage error, or the manifest or module cannot be read
Exit status (init): 0 written, 2 usage error or files already in the way.
`;

const SCAFFOLD_CODE = `// A Promptloom plugin: an ES module run in a sandbox (no network, no storage, no DOM).
// Each contribution is a function from plain data to plain data. See docs/plugins.md.

export const scorers = {
	/** Passes when the output mentions the assertion's value (case-insensitive). */
	mentions({ output, value }) {
		const wanted = String(value ?? '').toLowerCase();
		const pass = wanted !== '' && output.toLowerCase().includes(wanted);
		return { pass, score: pass ? 1 : 0, reason: pass ? \`mentions \${wanted}\` : \`does not mention \${wanted}\` };
	}
};
`;

function scaffoldManifest(id: string): string {
	return (
		JSON.stringify(
			{
				id,
				name: id,
				version: '0.1.0',
				description: 'What this plugin does.',
				main: 'plugin.js',
				contributes: {
					scorers: [
						{
							name: 'mentions',
							description: 'Passes when the output mentions the assertion value.',
							examples: [
								{ input: { output: 'Paris is lovely', value: 'paris' }, expect: { pass: true } },
								{ input: { output: 'Rome', value: 'paris' }, expect: { pass: false } }
							]
						}
					]
				},
				permissions: { hosts: [], apiKey: false },
				limits: { timeoutMs: 1000, memoryMb: 32 }
			},
			null,
			'\t'
		) + '\n'
	);
}

async function init(dir: string, io: CliIO): Promise<number> {
	const full = resolve(io.cwd, dir);
	const base = full.split(/[\\/]/).filter(Boolean).pop() ?? 'plugin';
	const id =
		base
			.toLowerCase()
			.replace(/[^a-z0-9-]+/g, '-')
			.replace(/^-+|-+$/g, '')
			.slice(0, 63) || 'my-plugin';
	for (const f of [MANIFEST_FILE, 'plugin.js'])
		if (await exists(join(full, f))) throw new CliUsageError(`${join(dir, f)} already exists`);
	await mkdir(full, { recursive: true });
	await writeFile(join(full, MANIFEST_FILE), scaffoldManifest(id));
	await writeFile(join(full, 'plugin.js'), SCAFFOLD_CODE);
	io.stdout(
		`wrote ${join(dir, MANIFEST_FILE)} and ${join(dir, 'plugin.js')}; try: promptloom plugin check ${dir}\n`
	);
	return 0;
}

async function check(dir: string, json: boolean, io: CliIO): Promise<number> {
	let files;
	try {
		files = await readPluginFiles(resolve(io.cwd, dir));
	} catch (e) {
		if (isPromptloomError(e, 'not_found')) throw new CliUsageError(e.message);
		throw e;
	}
	const m = checkManifest(files.manifestText);
	if (m.ok && files.code === null)
		throw new CliUsageError(`cannot read ${join(dir, m.manifest.main)}`);
	const report = await checkPlugin(files.manifestText, files.code ?? '', nodeModuleSessions);
	if (json) io.stdout(JSON.stringify(report, null, 2) + '\n');
	else {
		for (const s of report.steps)
			(s.ok ? io.stdout : io.stderr)(
				`${s.ok ? 'ok  ' : 'FAIL'} ${s.what}${s.message ? `: ${s.message}` : ''}\n`
			);
		const failed = report.steps.filter((s) => !s.ok).length;
		io.stdout(
			report.ok
				? `plugin ${report.pluginId} passed ${report.steps.length} check(s)\n`
				: `plugin ${report.pluginId ?? dir} failed ${failed} of ${report.steps.length} check(s)\n`
		);
	}
	return report.ok ? 0 : 1;
}

export const pluginCommand: CliCommand = {
	name: 'plugin',
	summary: 'Scaffold (init) or check a plugin',
	usage: USAGE,
	run: (args, io) =>
		withUsageErrors('plugin', USAGE, io, async () => {
			const { values, positionals } = parseArgs({
				args,
				allowPositionals: true,
				strict: true,
				options: { json: { type: 'boolean', default: false } }
			});
			const [sub, dir, ...rest] = positionals;
			if (rest.length || !dir || (sub !== 'init' && sub !== 'check'))
				throw new CliUsageError(`expected init <dir> or check <dir>\n\n${USAGE}`);
			return sub === 'init' ? init(dir, io) : check(dir, values.json, io);
		})
};
