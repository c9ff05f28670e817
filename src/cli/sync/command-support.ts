/** @module What pull, status, diff and push share: the folder argument, the relay and key, relay errors as exit codes. */
import { resolve } from 'node:path';
import type { CliIO } from '../types';
import { CliUsageError } from '../commands/validate';
import { RelayApiError, relayUrl, type RelayTarget } from './relay-api';
import { loadState, resolveTarget, type FolderState } from './working-folder';

/** Exit codes of the file commands. */
export const EXIT = { ok: 0, problems: 1, usage: 2, relay: 3 } as const;

export const RELAY_OPTIONS = {
	relay: { type: 'string' },
	key: { type: 'string' },
	json: { type: 'boolean', default: false }
} as const;

export function folderArg(
	io: CliIO,
	positionals: string[],
	usage: string
): { dir: string; root: string } {
	const dir = positionals[0];
	if (!dir) throw new CliUsageError(`name the prompt folder\n\n${usage}`);
	return { dir, root: resolve(io.cwd, dir) };
}

/** The folder's state, or a usage error naming `pull` when it was never pulled. */
export async function requireState(root: string, dir: string): Promise<FolderState> {
	let state: FolderState | null;
	try {
		state = await loadState(root);
	} catch (e) {
		throw new CliUsageError((e as Error).message);
	}
	if (!state)
		throw new CliUsageError(
			`${dir} is not a pulled folder (no .promptloom/state.json): run promptloom pull first`
		);
	return state;
}

/** The relay and key to use; a usage error when either is missing. */
export function requireTarget(
	options: { relay?: string; key?: string },
	state: FolderState | null,
	io: CliIO
): RelayTarget {
	const t = resolveTarget(options, state, io.env);
	if (!t.relay)
		throw new CliUsageError('--relay <http(s)://host:port> is required (or PROMPTLOOM_RELAY)');
	if (!t.key) throw new CliUsageError('--key <secret key> is required (or PROMPTLOOM_KEY)');
	try {
		return { url: relayUrl(t.relay), key: t.key };
	} catch (e) {
		throw new CliUsageError((e as Error).message);
	}
}

/** Prints a relay failure and returns its exit code (3 unreachable or refused auth, else 1). */
export function relayFailure(io: CliIO, command: string, e: unknown, json: boolean): number {
	if (!(e instanceof RelayApiError)) throw e;
	const code = e.kind === 'refused' ? EXIT.problems : EXIT.relay;
	if (json)
		io.stdout(JSON.stringify({ ok: false, error: { kind: e.kind, message: e.message } }) + '\n');
	io.stderr(`promptloom ${command}: ${e.message}\n`);
	return code;
}
