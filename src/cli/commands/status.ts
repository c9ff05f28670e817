/** @module `promptloom status <dir>`: added, modified and deleted files, and prompts changed on the relay since the pull. */
import { parseArgs } from 'node:util';
import {
	EXIT,
	RELAY_OPTIONS,
	folderArg,
	relayFailure,
	requireState
} from '../sync/command-support';
import { fetchWorkspace, relayUrl } from '../sync/relay-api';
import { describeSelector, remotePrompts } from '../sync/remote';
import { localChanges, resolveTarget } from '../sync/working-folder';
import type { CliCommand } from '../types';
import { withUsageErrors } from './validate';

const USAGE = `Usage: promptloom status <dir> [options]

Lists the prompt files of a pulled folder that changed since the last pull or push:
  added:           a .prompty file the relay does not have yet
  modified:        what a commit would record differs from the pulled version
  deleted:         a pulled file that is gone
and, when a key is given (--key or PROMPTLOOM_KEY) and not --offline, prompts that changed
on the relay since:
  remote-changed:  a newer version (pull to get it)
  remote-added:    a prompt not pulled yet
  remote-deleted:  a pulled prompt that is gone from the relay (or lost the label)

Options:
  --relay <url>   The relay (default: the one of the pull)
  --key <secret>  An API key of the workspace (default: PROMPTLOOM_KEY)
  --offline       Only local changes
  --json          Print {"changes": [{"path", "name", "status"}...]} as JSON
  -h, --help      Show this help

Exit status:
  0  listed (whether or not anything changed)
  2  usage error, or not a pulled folder
  3  the relay is unreachable or refused the key (local changes are still listed)
`;

export const statusCommand: CliCommand = {
	name: 'status',
	summary: 'List prompt files changed here and on the relay since the pull',
	usage: USAGE,
	run: (args, io) =>
		withUsageErrors('status', USAGE, io, async () => {
			const { values, positionals } = parseArgs({
				args,
				allowPositionals: true,
				strict: true,
				options: { ...RELAY_OPTIONS, offline: { type: 'boolean', default: false } }
			});
			const { root, dir } = folderArg(io, positionals, USAGE);
			const state = await requireState(root, dir);
			const changes: Array<{ path: string; name: string; status: string }> = (
				await localChanges(root, state)
			).map((c) => ({
				path: c.path,
				name: c.tracked?.name ?? c.path.replace(/^.*\//, '').replace(/\.prompty$/, ''),
				status: c.kind
			}));
			let code: number = EXIT.ok;
			let remoteChecked = false;
			const target = resolveTarget(values, state, io.env);
			if (!values.offline && target.key && target.relay) {
				try {
					const lib = await fetchWorkspace({ url: relayUrl(target.relay), key: target.key });
					remoteChecked = true;
					const remote = remotePrompts(lib, state.selector);
					const tracked = new Map(
						Object.entries(state.files).map(([p, t]) => [t.promptId, { p, t }])
					);
					for (const [id, r] of remote) {
						const t = tracked.get(id);
						if (!t) changes.push({ path: r.path, name: r.prompt.name, status: 'remote-added' });
						else if ((r.version?.id ?? null) !== t.t.version)
							changes.push({ path: t.p, name: r.prompt.name, status: 'remote-changed' });
					}
					for (const [id, { p, t }] of tracked)
						if (!remote.has(id)) changes.push({ path: p, name: t.name, status: 'remote-deleted' });
				} catch (e) {
					code = relayFailure(io, 'status', e, false);
				}
			}
			changes.sort((a, b) =>
				a.path < b.path ? -1 : a.path > b.path ? 1 : a.status < b.status ? -1 : 1
			);
			if (values.json)
				io.stdout(
					JSON.stringify({ dir, selector: state.selector, remoteChecked, changes }, null, 2) + '\n'
				);
			else {
				for (const c of changes) io.stdout(`${`${c.status}:`.padEnd(16)} ${c.path}\n`);
				if (!changes.length) io.stdout(`nothing changed (${describeSelector(state.selector)})\n`);
				if (!remoteChecked && !values.offline && code === EXIT.ok)
					io.stdout('(the relay was not checked: give --key or set PROMPTLOOM_KEY)\n');
			}
			return code;
		})
};
