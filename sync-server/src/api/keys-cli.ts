/**
 * @module `promptloom relay apikey create|list|revoke`: manages API keys in a relay's data
 * directory, or in the PostgreSQL database shared by relay instances (`--postgres`).
 */
import { parseArgs } from 'node:util';
import { API_SCOPES, apiKeyNameSchema, type ApiScope } from '../../../src/lib/core/api/schemas';
import { isValidId } from '../auth/token';
import { ApiKeyStore } from './keys';
import { openPostgres, type RelayPostgres } from '../scale/postgres';

export const APIKEY_USAGE = `  promptloom relay apikey create (--data <dir> | --postgres <url>) --workspace <id> [--scope read|write] [--name <label>] [--json]
      Creates an API key for the HTTP API (/v1, Langfuse-compatible endpoints) and prints its
      public and secret key; the secret is shown once (only its SHA-256 is stored). --json prints
      {"publicKey": "...", "secretKey": "...", "workspace": "...", "scope": "..."}.
  promptloom relay apikey list (--data <dir> | --postgres <url>) [--workspace <id>] [--json]
      Lists keys (public key, workspace, scope, name, created, last used); never secrets.
  promptloom relay apikey revoke (--data <dir> | --postgres <url>) --workspace <id> <public-key>
      Deletes a key; requests with it are refused from then on (a running relay notices within 1 s).
`;

interface Io {
	stdout: (text: string) => void;
	stderr: (text: string) => void;
}

class Usage extends Error {}

/** JSON with a space after ":" and ",", as the example prints it. */
function spacedJson(fields: Record<string, string>): string {
	const parts = Object.entries(fields).map(
		([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`
	);
	return `{${parts.join(', ')}}`;
}

const iso = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toISOString());

function workspaceArg(value: string | undefined): string {
	if (!value) throw new Usage('--workspace is required');
	if (!isValidId(value, 128))
		throw new Usage(`invalid workspace id "${value}": use letters, digits and . _ : - (max 128)`);
	return value;
}

async function run(args: string[], io: Io): Promise<number> {
	const [action, ...rest] = args;
	let parsed;
	try {
		parsed = parseArgs({
			args: rest,
			allowPositionals: action === 'revoke',
			strict: true,
			options: {
				data: { type: 'string' },
				postgres: { type: 'string' },
				workspace: { type: 'string' },
				scope: { type: 'string' },
				name: { type: 'string' },
				json: { type: 'boolean', default: false }
			}
		});
	} catch (e) {
		throw new Usage((e as Error).message);
	}
	const { values, positionals } = parsed;
	const postgresUrl =
		values.postgres ?? (values.data ? undefined : process.env.PROMPTLOOM_POSTGRES_URL || undefined);
	if (!values.data && !postgresUrl) throw new Usage('--data or --postgres is required');
	let pg: RelayPostgres | null = null;
	if (postgresUrl) pg = await openPostgres(postgresUrl, { max: 2 });
	try {
		return await act(
			action,
			pg ? new ApiKeyStore(pg.blobs) : new ApiKeyStore(values.data!),
			values,
			positionals,
			io
		);
	} finally {
		await pg?.close();
	}
}

async function act(
	action: string | undefined,
	store: ApiKeyStore,
	values: { workspace?: string; scope?: string; name?: string; json?: boolean },
	positionals: string[],
	io: Io
): Promise<number> {
	if (action === 'create') {
		const workspace = workspaceArg(values.workspace);
		const scope = (values.scope ?? 'read') as ApiScope;
		if (!API_SCOPES.includes(scope))
			throw new Usage(`--scope must be read or write, got "${values.scope}"`);
		const name = apiKeyNameSchema.safeParse(values.name ?? 'cli');
		if (!name.success) throw new Usage(`--name: ${name.error.issues[0].message}`);
		const key = await store.create({ workspace, scope, name: name.data, createdBy: 'cli' });
		if (values.json)
			io.stdout(
				spacedJson({
					publicKey: key.publicKey,
					secretKey: key.secretKey,
					workspace: key.workspace,
					scope: key.scope
				}) + '\n'
			);
		else
			io.stdout(
				`public key: ${key.publicKey}\nsecret key: ${key.secretKey}\n` +
					`workspace:  ${key.workspace}\nscope:      ${key.scope}\nname:       ${key.name}\n` +
					`The secret key is shown only now: store it where your application reads secrets.\n`
			);
		return 0;
	}
	if (action === 'list') {
		const workspace = values.workspace ? workspaceArg(values.workspace) : undefined;
		const keys = await store.list(workspace);
		if (values.json) io.stdout(JSON.stringify(keys, null, 2) + '\n');
		else if (!keys.length) io.stdout('no API keys\n');
		else
			for (const k of keys)
				io.stdout(
					`${k.publicKey}  ${k.workspace}  ${k.scope}  "${k.name}"  created ${iso(k.createdAt)}  last used ${iso(k.lastUsedAt)}\n`
				);
		return 0;
	}
	if (action === 'revoke') {
		const workspace = workspaceArg(values.workspace);
		if (positionals.length !== 1) throw new Usage('expected one <public-key> to revoke');
		const removed = await store.revoke(workspace, positionals[0]);
		if (!removed) {
			io.stderr(`promptloom relay apikey: no key ${positionals[0]} in workspace "${workspace}"\n`);
			return 1;
		}
		io.stdout(`revoked ${removed.publicKey} ("${removed.name}")\n`);
		return 0;
	}
	throw new Usage(action ? `unknown apikey action "${action}"` : 'expected create, list or revoke');
}

/** Runs `relay apikey ...`; exit 0 done, 1 unknown key, 2 bad arguments (usage printed). */
export async function runApiKeyCli(args: string[], io: Io): Promise<number> {
	try {
		return await run(args, io);
	} catch (e) {
		if (e instanceof Usage) {
			io.stderr(`promptloom relay apikey: ${e.message}\n\nUsage:\n${APIKEY_USAGE}`);
			return 2;
		}
		throw e;
	}
}
