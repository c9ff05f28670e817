/** @module `promptloom pull <dir>`: the workspace's prompts as `.prompty` files, merged with local edits. */
import { mkdir } from 'node:fs/promises';
import PQueue from 'p-queue';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readPrompty } from '../../lib/core/files/prompty';
import { mergeFile, pulledText, sameSnapshotOf } from '../../lib/core/files/working-tree';
import { exists, readUtf8, removeFile } from '../files-io';
import {
	EXIT,
	RELAY_OPTIONS,
	folderArg,
	relayFailure,
	requireTarget
} from '../sync/command-support';
import { fetchWorkspace } from '../sync/relay-api';
import { describeSelector, remotePrompts, type RemotePrompt } from '../sync/remote';
import {
	BASE_DIR,
	loadState,
	readBase,
	removeBase,
	saveState,
	writeBase,
	writeTracked,
	type FolderState,
	type Selector
} from '../sync/working-folder';
import type { CliCommand } from '../types';
import { CliUsageError, withUsageErrors } from './validate';

const USAGE = `Usage: promptloom pull <dir> --relay <http(s)://host:port> --key <secret key> [--label <label> | --branch <branch>] [options]

Writes the workspace's prompts into <dir> as .prompty files (folders as directories) and
records in <dir>/.promptloom/state.json the version each file came from (the relay and the
label or branch are remembered: later pulls need only the key). Files you edited are merged
with the relay's changes (three-way, as the app merges); where both changed the same lines,
Git-style conflict markers are written into the file.

Options:
  --relay <url>      The relay (default: the one of the last pull, or PROMPTLOOM_RELAY)
  --key <secret>     An API key of the workspace (default: PROMPTLOOM_KEY)
  --label <label>    Pull the version each prompt's label points at (prompts without it are left out)
  --branch <branch>  Pull the head of a branch (default: main)
  --json             Print the result as JSON
  -h, --help         Show this help

Exit status:
  0  pulled
  1  conflicts (markers written; each file named on stderr) or files in the way
  2  usage error
  3  the relay is unreachable or refused the key (nothing written)
`;

interface Outcome {
	path: string;
	name: string;
	action: 'added' | 'updated' | 'merged' | 'conflict' | 'removed' | 'kept' | 'blocked';
	detail?: string;
}

export const pullCommand: CliCommand = {
	name: 'pull',
	summary: "Write a workspace's prompts as .prompty files (merging local edits)",
	usage: USAGE,
	run: (args, io) =>
		withUsageErrors('pull', USAGE, io, async () => {
			const { values, positionals } = parseArgs({
				args,
				allowPositionals: true,
				strict: true,
				options: { ...RELAY_OPTIONS, label: { type: 'string' }, branch: { type: 'string' } }
			});
			const { dir, root } = folderArg(io, positionals, USAGE);
			if (values.label && values.branch)
				throw new CliUsageError('give --label or --branch, not both');
			let state: FolderState | null;
			try {
				state = await loadState(root);
			} catch (e) {
				throw new CliUsageError((e as Error).message);
			}
			const target = requireTarget(values, state, io);
			const selector: Selector = values.label
				? { label: values.label }
				: values.branch
					? { branch: values.branch }
					: (state?.selector ?? { branch: 'main' });
			let lib;
			try {
				lib = await fetchWorkspace(target);
			} catch (e) {
				return relayFailure(io, 'pull', e, values.json === true);
			}
			await mkdir(root, { recursive: true });
			const remote = remotePrompts(lib, selector);
			const files: FolderState['files'] = {};
			const byPrompt = new Map(
				Object.entries(state?.files ?? {}).map(([path, t]) => [t.promptId, { path, t }])
			);
			const outcomes: Outcome[] = [];
			const tracked = new Set(Object.keys(state?.files ?? {}));

			// Prompts are independent: their files are written 32 at a time.
			const queue = new PQueue({ concurrency: 32 });
			const one = async (promptId: string, r: RemotePrompt): Promise<void> => {
				const text = pulledText(r.prompt, r.version);
				const version = r.version?.id ?? null;
				const name = r.prompt.name;
				/** A file not tracked already at the prompt's path (a new prompt only). */
				let inTheWay = true;
				const entry = byPrompt.get(promptId);
				byPrompt.delete(promptId);
				const record = async (
					path: string,
					written: string | null,
					base: string,
					action: Outcome['action'],
					detail?: string
				) => {
					// A first pull writes new files (no temporary copies); the state, written last, commits it.
					const fresh = action === 'added' && !inTheWay;
					const stat = written !== null ? await writeTracked(root, path, written, fresh) : null;
					// A folder never pulled has no base copies yet.
					const freshBase =
						fresh && (state === null || !(await exists(join(root, BASE_DIR, path))));
					await writeBase(root, path, base, freshBase);
					// A file that differs from its base (merged, conflicts) is read by status, not trusted by its time.
					const same = written === base && stat;
					files[path] = {
						name,
						promptId,
						version,
						size: same ? stat.size : -1,
						mtimeMs: same ? stat.mtimeMs : -1
					};
					outcomes.push({ path, name, action, ...(detail ? { detail } : {}) });
				};
				if (entry) {
					const old = entry.path;
					const local = (await exists(join(root, old))) ? await readUtf8(join(root, old)) : null;
					const base = await readBase(root, old);
					const moved = old !== r.path;
					const unchangedRemote = entry.t.version === version && !moved && base === text;
					if (local === null) {
						// Deleted here: stays deleted unless the relay changed it.
						if (unchangedRemote) {
							files[old] = entry.t;
							return;
						}
						await record(r.path, text, text, 'updated', 'restored: it changed on the relay');
						return;
					}
					if (local === base || base === null) {
						if (unchangedRemote && local === text) {
							files[old] = entry.t;
							return;
						}
						if (moved) {
							await removeFile(root, old);
							await removeBase(root, old);
						}
						await record(r.path, text, text, 'updated', moved ? `moved from ${old}` : undefined);
						return;
					}
					if (entry.t.version === version && !moved) {
						// Edited here, not on the relay: the edits stay.
						files[old] = entry.t;
						outcomes.push({ path: old, name, action: 'kept', detail: 'local edits kept' });
						return;
					}
					const merged = mergeFile(
						base,
						local,
						text,
						`${describeSelector(selector)}, version ${version?.slice(0, 12) ?? 'none'}`
					);
					if (moved) {
						await removeFile(root, old);
						await removeBase(root, old);
					}
					if (merged.clean) await record(r.path, merged.text, text, 'merged');
					else
						await record(
							r.path,
							merged.text,
							text,
							'conflict',
							`${merged.conflicts} conflict(s) at line(s) ${merged.lines.join(', ')}`
						);
					return;
				}
				// New here. A file already in the way is kept unless it says the same.
				inTheWay = await exists(join(root, r.path));
				if (inTheWay) {
					const local = await readUtf8(join(root, r.path));
					const parsed = readPrompty(local, { fileName: r.path });
					const mine = readPrompty(text, { fileName: r.path });
					if (!(parsed.ok && mine.ok && sameSnapshotOf(parsed.value.prompt, mine.value.prompt))) {
						outcomes.push({
							path: r.path,
							name,
							action: 'blocked',
							detail: 'an untracked file is in the way (move it and pull again)'
						});
						return;
					}
				}
				await record(r.path, text, text, 'added');
			};
			await Promise.all([...remote].map(([id, r]) => queue.add(() => one(id, r))));
			// Tracked files whose prompt is gone from the relay (or lost the label).
			for (const { path, t } of byPrompt.values()) {
				const local = (await exists(join(root, path))) ? await readUtf8(join(root, path)) : null;
				const base = await readBase(root, path);
				await removeBase(root, path);
				if (local === null || local === base) {
					await removeFile(root, path);
					outcomes.push({ path, name: t.name, action: 'removed' });
				} else
					outcomes.push({
						path,
						name: t.name,
						action: 'kept',
						detail: `gone from the relay (${describeSelector(selector)}); your edited copy is now untracked`
					});
			}
			for (const path of tracked)
				if (!(path in files) && !outcomes.some((o) => o.path === path))
					await removeBase(root, path);

			await saveState(root, {
				format: 'promptloom-files',
				version: 1,
				relay: target.url,
				...(lib.workspace ? { workspace: lib.workspace.id } : {}),
				selector,
				pulledAt: new Date().toISOString(),
				files
			});
			const conflicts = outcomes.filter((o) => o.action === 'conflict' || o.action === 'blocked');
			for (const c of conflicts)
				io.stderr(`${join(dir, c.path)}: ${c.action}: ${c.name}: ${c.detail}\n`);
			if (values.json)
				io.stdout(
					JSON.stringify({ ok: conflicts.length === 0, dir, selector, files: outcomes }, null, 2) +
						'\n'
				);
			else {
				for (const o of outcomes)
					if (o.action !== 'conflict' && o.action !== 'blocked')
						io.stdout(`${o.action.padEnd(8)} ${o.path}${o.detail ? ` (${o.detail})` : ''}\n`);
				io.stdout(
					`pulled ${Object.keys(files).length} prompt(s) (${describeSelector(selector)}) into ${dir}\n`
				);
			}
			return conflicts.length ? EXIT.problems : EXIT.ok;
		})
};
