/** @module `promptloom push <dir> -m <message>`: each changed prompt file as a new version on the relay, merged when the relay moved on. */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatFileIssue } from '../../lib/core/files/issues';
import { nameFromFileName, readPrompty } from '../../lib/core/files/prompty';
import { conflictMarkerLines, mergeFile, pulledText } from '../../lib/core/files/working-tree';
import type { Prompt } from '../../lib/core/model/prompt';
import {
	EXIT,
	RELAY_OPTIONS,
	folderArg,
	relayFailure,
	requireState,
	requireTarget
} from '../sync/command-support';
import { RelayApiError, commitPrompt, fetchWorkspace, trashPrompt } from '../sync/relay-api';
import { remotePrompts } from '../sync/remote';
import {
	localChanges,
	removeBase,
	saveState,
	writeBase,
	writeTracked,
	type FolderState
} from '../sync/working-folder';
import type { CliCommand } from '../types';
import { CliUsageError, withUsageErrors } from './validate';

const USAGE = `Usage: promptloom push <dir> -m "<message>" [--label <label>] [options]

Commits each changed or added .prompty file of a pulled folder as a new version on branch
main of its prompt (author: the key's name), through the relay's API. Every changed file is
checked first: a file with a front-matter or template problem, or with conflict markers
left in it, is refused (each problem printed as <file>:<line>:<column>) and nothing is pushed.

When the relay has a newer version than the one a file was pulled at, the file is merged
with it three-way (as the app merges): a clean merge is committed and written to the file;
a conflict writes Git-style markers into the file and nothing is committed for that prompt
(resolve the markers, then push again).

A commit carries everything the file holds (text or messages, model configuration, tags,
description, intent, custom fields, template options) and names the version it was based on:
when someone commits in between, the relay refuses it and the file is left for the next push.
A deleted file moves its prompt to the relay's trash (restorable in the app), unless the
prompt changed on the relay since the pull: then it is refused (pull to get it back).

Options:
  -m, --message <text>  Commit message (required)
  --label <label>       Also point this label at each new version (protected labels need a review)
  --relay <url>         The relay (default: the one of the pull)
  --key <secret>        A write key of the workspace (default: PROMPTLOOM_KEY)
  --json                Print the result as JSON
  -h, --help            Show this help

Exit status:
  0  pushed (or nothing to push)
  1  conflicts, invalid files (nothing pushed), or the relay refused a commit
  2  usage error, or not a pulled folder
  3  the relay is unreachable or refused the key (files untouched)
`;

interface Pushed {
	path: string;
	name: string;
	result: 'committed' | 'merged' | 'deleted' | 'conflict' | 'unchanged' | 'refused' | 'skipped';
	version?: string;
	detail?: string;
}

export const pushCommand: CliCommand = {
	name: 'push',
	summary: 'Commit changed prompt files as new versions on the relay (three-way merge)',
	usage: USAGE,
	run: (args, io) =>
		withUsageErrors('push', USAGE, io, async () => {
			const { values, positionals } = parseArgs({
				args,
				allowPositionals: true,
				strict: true,
				options: {
					...RELAY_OPTIONS,
					message: { type: 'string', short: 'm' },
					label: { type: 'string', multiple: true }
				}
			});
			const { root, dir } = folderArg(io, positionals, USAGE);
			if (values.message === undefined) throw new CliUsageError('-m "<message>" is required');
			const state = await requireState(root, dir);
			const target = requireTarget(values, state, io);
			const json = values.json === true;
			const changes = await localChanges(root, state);

			// 1. Every changed file must be valid before anything is sent.
			const problems: string[] = [];
			const parsed = new Map<string, Prompt>();
			for (const c of changes) {
				if (c.kind === 'deleted') continue;
				const file = join(dir, c.path);
				const markers = conflictMarkerLines(c.text!);
				if (markers.length) {
					problems.push(
						`${file}:${markers[0]}:1: error: unresolved conflict markers (lines ${markers.join(', ')})`
					);
					continue;
				}
				const r = readPrompty(c.text!, { fileName: c.path });
				for (const i of r.issues)
					if (i.severity === 'error') problems.push(formatFileIssue(file, i));
				if (r.ok) parsed.set(c.path, r.value.prompt);
			}
			if (problems.length) {
				for (const p of problems) io.stderr(`${p}\n`);
				if (json) io.stdout(JSON.stringify({ ok: false, problems }, null, 2) + '\n');
				io.stderr(`promptloom push: ${problems.length} problem(s); nothing pushed\n`);
				return EXIT.problems;
			}
			if (!changes.length) {
				if (json) io.stdout(JSON.stringify({ ok: true, pushed: [], warnings: [] }, null, 2) + '\n');
				else io.stdout('nothing to push\n');
				return EXIT.ok;
			}

			// 2. The relay's current state (nothing is written if it cannot be reached).
			let lib;
			try {
				lib = await fetchWorkspace(target);
			} catch (e) {
				return relayFailure(io, 'push', e, json);
			}
			const remote = remotePrompts(lib, { branch: 'main' });
			const byName = new Map([...remote.values()].map((r) => [r.prompt.name, r]));
			const files = { ...state.files };
			const results: Pushed[] = [];
			const warnings: string[] = [];
			const labels = values.label ?? [];
			let relayDown: unknown = null;

			const commit = (name: string, prompt: Prompt, expectedParent: string | null) =>
				commitPrompt(target, { name, prompt, message: values.message!, labels, expectedParent });
			const gone = new Set<string>();

			for (const c of changes) {
				if (relayDown) break;
				try {
					if (c.kind === 'deleted') {
						const t = c.tracked!;
						const r = remote.get(t.promptId);
						const headId = r?.head?.id ?? null;
						if (!r) gone.add(c.path);
						else if (headId !== t.version)
							results.push({
								path: c.path,
								name: t.name,
								result: 'refused',
								detail: `deleted here but changed on the relay since the pull (main is at ${headId?.slice(0, 12) ?? 'none'}): pull to get the new version, or delete it in the app`
							});
						else {
							await trashPrompt(target, r.prompt.name, headId);
							gone.add(c.path);
							results.push({ path: c.path, name: r.prompt.name, result: 'deleted' });
						}
						continue;
					}
					const local = parsed.get(c.path)!;
					if (c.kind === 'added') {
						const name = nameFromFileName(c.path);
						if (byName.has(name)) {
							results.push({
								path: c.path,
								name,
								result: 'refused',
								detail: `the relay already has a prompt "${name}": pull, then edit its file`
							});
							continue;
						}
						const v = await commit(name, local, null);
						results.push({ path: c.path, name, result: 'committed', version: v.id });
						continue;
					}
					const t = c.tracked!;
					const r = remote.get(t.promptId);
					if (!r) {
						results.push({
							path: c.path,
							name: t.name,
							result: 'refused',
							detail: 'the prompt is gone from the relay (deleted or in the trash)'
						});
						continue;
					}
					const headId = r.head?.id ?? null;
					if (headId === t.version) {
						const v = await commit(r.prompt.name, local, headId);
						results.push({ path: c.path, name: r.prompt.name, result: 'committed', version: v.id });
						continue;
					}
					// The relay moved on: three-way merge of the file with main's head.
					const theirs = pulledText(r.prompt, r.head);
					const merged = mergeFile(
						c.base ?? theirs,
						c.text!,
						theirs,
						`main, version ${headId?.slice(0, 12) ?? 'none'}`
					);
					if (!merged.clean) {
						await writeTracked(root, c.path, merged.text);
						await writeBase(root, c.path, theirs);
						// No size and time: the file differs from its base until the markers are resolved.
						files[c.path] = { ...t, version: headId, size: -1, mtimeMs: -1 };
						results.push({
							path: c.path,
							name: r.prompt.name,
							result: 'conflict',
							detail: `${merged.conflicts} conflict(s) at line(s) ${merged.lines.join(', ')}: markers written, nothing committed`
						});
						continue;
					}
					const m = readPrompty(merged.text, { fileName: c.path });
					if (!m.ok) {
						results.push({
							path: c.path,
							name: r.prompt.name,
							result: 'refused',
							detail: `the merge is not a valid file: ${m.issues
								.filter((i) => i.severity === 'error')
								.map((i) => `${i.line}:${i.column} ${i.message}`)
								.join('; ')}`
						});
						continue;
					}
					await writeTracked(root, c.path, merged.text);
					const v = await commit(r.prompt.name, m.value.prompt, headId);
					results.push({ path: c.path, name: r.prompt.name, result: 'merged', version: v.id });
				} catch (e) {
					if (!(e instanceof RelayApiError)) throw e;
					if (e.kind === 'refused')
						results.push({
							path: c.path,
							name: c.tracked?.name ?? nameFromFileName(c.path),
							result: 'refused',
							detail: e.message
						});
					else relayDown = e;
				}
			}

			// 3. Record what is now on the relay for the files committed.
			const committed = results.filter((r) => r.result === 'committed' || r.result === 'merged');
			if (committed.length) {
				try {
					const after = remotePrompts(await fetchWorkspace(target), { branch: 'main' });
					const afterByName = new Map([...after.values()].map((r) => [r.prompt.name, r]));
					for (const res of committed) {
						const r = afterByName.get(res.name);
						if (!r) continue;
						await writeBase(root, res.path, pulledText(r.prompt, r.head));
						const { size, mtimeMs } = await stat(join(root, res.path));
						files[res.path] = {
							name: r.prompt.name,
							promptId: r.prompt.id,
							version: r.head?.id ?? null,
							size,
							mtimeMs
						};
					}
				} catch (e) {
					if (!(e instanceof RelayApiError)) throw e;
					relayDown ??= e;
				}
			}
			for (const path of gone) {
				delete files[path];
				await removeBase(root, path);
			}
			const next: FolderState = { ...state, files };
			await saveState(root, next);

			for (const w of warnings) io.stderr(`warning: ${w}\n`);
			const failed = results.filter((r) => r.result === 'conflict' || r.result === 'refused');
			for (const f of failed)
				io.stderr(`${join(dir, f.path)}: ${f.result}: ${f.name}: ${f.detail}\n`);
			if (json)
				io.stdout(
					JSON.stringify({ ok: !failed.length && !relayDown, pushed: results, warnings }, null, 2) +
						'\n'
				);
			else {
				for (const r of results)
					if (r.result === 'committed' || r.result === 'merged')
						io.stdout(`${r.result.padEnd(9)} ${r.path} → version ${r.version?.slice(0, 12)}\n`);
					else if (r.result === 'deleted')
						io.stdout(`deleted   ${r.path} → "${r.name}" is in the relay's trash\n`);
				const deleted = results.filter((r) => r.result === 'deleted').length;
				io.stdout(
					`pushed ${committed.length} prompt(s)${deleted ? `, deleted ${deleted}` : ''}${failed.length ? `, ${failed.length} not pushed` : ''}\n`
				);
			}
			if (relayDown) return relayFailure(io, 'push', relayDown, false);
			return failed.length ? EXIT.problems : EXIT.ok;
		})
};
