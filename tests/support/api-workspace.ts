/** A shared workspace written by a real app device through a test relay, and API keys for it. */
import type { AppCore } from '../../src/lib/core/app-core';
import { runRelayCli } from '../../sync-server/src/cli';
import { enrollFromCli } from '../../sync-server/src/collab/registry';
import type { RelayScope, TestRelay } from '../../sync-server/testing/harness';
import { relayDevices, settle } from './relay-devices';

export interface IssuedKey {
	publicKey: string;
	secretKey: string;
	workspace: string;
	scope: string;
}

/** Runs `relay apikey create --json` (the CLI, in-process) and parses its one line. */
export async function cliKey(
	relay: TestRelay,
	workspace: string,
	scope: 'read' | 'write' = 'read',
	name = 'test app'
): Promise<IssuedKey> {
	let out = '';
	let err = '';
	const code = await runRelayCli(
		[
			'apikey',
			'create',
			'--data',
			relay.dataDir,
			'--workspace',
			workspace,
			'--scope',
			scope,
			'--name',
			name,
			'--json'
		],
		{ stdout: (t) => (out += t), stderr: (t) => (err += t) }
	);
	if (code !== 0) throw new Error(`apikey create exited ${code}: ${err}`);
	return JSON.parse(out) as IssuedKey;
}

/** `fetch` of an API path with a bearer secret key (none when undefined). */
export function apiFetch(
	relay: TestRelay,
	path: string,
	secret: string | undefined,
	init: RequestInit = {}
): Promise<Response> {
	return fetch(`${relay.relay.url}${path}`, {
		...init,
		headers: {
			...(secret ? { authorization: `Bearer ${secret}` } : {}),
			...(init.body ? { 'content-type': 'application/json' } : {}),
			...(init.headers as Record<string, string> | undefined)
		}
	});
}

/**
 * An owner device (`olga`, the only member unless `members` adds more) that joins `workspace`
 * on the relay; its library is synced before this resolves.
 */
export async function ownerDevice(
	relays: RelayScope,
	relay: TestRelay,
	workspace = 'team',
	members: Array<[string, 'editor' | 'reviewer' | 'viewer']> = []
): Promise<{ core: AppCore; token: string }> {
	await enrollFromCli(relay.dataDir, workspace, 'olga', 'owner');
	for (const [user, role] of members) await enrollFromCli(relay.dataDir, workspace, user, role);
	const { device } = relayDevices(relays, () => relay);
	const core = await device('olga');
	const token = await relay.token(workspace, 'owner', 'olga');
	await core.sync.connect({ relay: relay.relay.url, workspace, token });
	await settle(core);
	return { core, token };
}

/** Creates a prompt, commits it and points `labels` at the commit; returns its id and version. */
export async function commitPrompt(
	core: AppCore,
	input: Parameters<AppCore['library']['createPrompt']>[0],
	labels: string[] = [],
	message = 'first'
): Promise<{ id: string; versionId: string }> {
	const p = await core.library.createPrompt(input);
	const v = await core.vcs.commit(p.id, message);
	for (const l of labels) await core.vcs.setLabel(p.id, l, v.id);
	return { id: p.id, versionId: v.id };
}
