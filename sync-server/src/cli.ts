/**
 * @module The `relay` command line: `relay --port --data [--host] [--postgres --redis]` runs the
 * relay until SIGINT or SIGTERM; `relay token ...` prints a signed token; `relay migrate` moves
 * an embedded relay's data to PostgreSQL. Shared by `promptloom relay` and `main.ts`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_TOKEN_TTL_SECONDS, ROLES, createToken, isRole, signToken } from './auth/token';
import { runMigrateCli, MIGRATE_USAGE } from './scale/migrate-cli';
import { openPostgres } from './scale/postgres';
import { APIKEY_USAGE, runApiKeyCli } from './api/keys-cli';
import { enrollFromCli } from './collab/registry';
import { batchedWriter, jsonLineLogger } from './logger';
import { startRelay } from './relay';

export const RELAY_USAGE = `Usage:
  promptloom relay --port <port> --data <dir> [--host 127.0.0.1]
      Runs the sync relay until SIGINT/SIGTERM; prints its URL. Port 0 picks a free port.
      Clients connect to ws://<host>:<port>/<workspaceId>/<docId>, offering the WebSocket
      subprotocols "promptloom" and "token.<token>" (?token=<token> still works for old clients).
  promptloom relay --port <port> --postgres <postgres://…> [--redis <redis://…>] [--data <dir>] [--host …]
      One of several relay instances sharing PostgreSQL (documents, members, API keys, the token
      secret; schema created and migrated at start) and Redis (updates and presence between
      instances). Also from PROMPTLOOM_POSTGRES_URL / PROMPTLOOM_REDIS_URL. --data holds only
      this instance's webhooks and observations (a temporary directory when omitted).
  promptloom relay token (--data <dir> | --postgres <url>) --workspace <id> --role <${ROLES.join('|')}> [--user <name>] [--ttl <seconds>]
      Prints a signed access token (default lifetime ${DEFAULT_TOKEN_TTL_SECONDS} s) and nothing else.
${APIKEY_USAGE}${MIGRATE_USAGE}`;

export interface RelayCliIO {
	stdout: (text: string) => void;
	stderr: (text: string) => void;
	/** Resolves when the process is asked to stop; defaults to SIGINT/SIGTERM. */
	untilStopped?: () => Promise<string>;
}

class UsageError extends Error {}

function waitForSignal(): Promise<string> {
	return new Promise((resolve) => {
		const on = (signal: string) => {
			process.off('SIGINT', on);
			process.off('SIGTERM', on);
			resolve(signal);
		};
		process.on('SIGINT', on);
		process.on('SIGTERM', on);
	});
}

function parse(args: string[], options: Record<string, { type: 'string' }>) {
	try {
		return parseArgs({ args, options, strict: true, allowPositionals: false }).values as Record<
			string,
			string | undefined
		>;
	} catch (e) {
		throw new UsageError(e instanceof Error ? e.message : String(e));
	}
}

const envPostgres = () => process.env.PROMPTLOOM_POSTGRES_URL || undefined;
const envRedis = () => process.env.PROMPTLOOM_REDIS_URL || undefined;

function requireValue(values: Record<string, string | undefined>, name: string): string {
	const v = values[name];
	if (!v) throw new UsageError(`--${name} is required`);
	return v;
}

function parseIntArg(text: string, name: string, min: number, max: number): number {
	if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
		throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${text}"`);
	}
	return Number(text);
}

async function runToken(args: string[], io: RelayCliIO): Promise<number> {
	const values = parse(args, {
		data: { type: 'string' },
		postgres: { type: 'string' },
		workspace: { type: 'string' },
		role: { type: 'string' },
		user: { type: 'string' },
		ttl: { type: 'string' }
	});
	const postgresUrl = values.postgres ?? (values.data ? undefined : envPostgres());
	const dataDir = postgresUrl ? undefined : requireValue(values, 'data');
	const workspace = requireValue(values, 'workspace');
	const role = requireValue(values, 'role');
	if (!isRole(role))
		throw new UsageError(`--role must be one of ${ROLES.join(', ')}, got "${role}"`);
	const ttlSeconds =
		values.ttl === undefined ? undefined : parseIntArg(values.ttl, 'ttl', 1, 10 * 365 * 24 * 3600);
	const pg = postgresUrl ? await openPostgres(postgresUrl, { max: 2 }) : null;
	let token: string;
	let granted: string;
	try {
		const options = { workspace, role, user: values.user, ttlSeconds };
		try {
			token = pg
				? await signToken(pg.secret, options)
				: await createToken({ dataDir: dataDir!, ...options });
		} catch (e) {
			if (e instanceof RangeError) throw new UsageError(e.message);
			throw e;
		}
		granted = await enrollFromCli(
			pg ? pg.blobs : dataDir!,
			workspace,
			values.user ?? 'anonymous',
			role
		);
	} finally {
		await pg?.close();
	}
	if (granted !== role)
		io.stderr(
			`note: the relay applies role "${granted}" to this user (workspace member registry)\n`
		);
	io.stdout(token + '\n');
	return 0;
}

async function runServer(args: string[], io: RelayCliIO): Promise<number> {
	const values = parse(args, {
		port: { type: 'string' },
		data: { type: 'string' },
		host: { type: 'string' },
		postgres: { type: 'string' },
		redis: { type: 'string' }
	});
	const port = parseIntArg(requireValue(values, 'port'), 'port', 0, 65535);
	const postgres = values.postgres ?? envPostgres();
	const redis = values.redis ?? envRedis();
	if (redis && !postgres)
		throw new UsageError('--redis needs --postgres (or PROMPTLOOM_POSTGRES_URL)');
	// Without --data, an instance on PostgreSQL keeps its local files in a directory of its own.
	const ownDir = postgres && !values.data;
	const dataDir = ownDir
		? await mkdtemp(join(tmpdir(), 'promptloom-relay-instance-'))
		: requireValue(values, 'data');
	const logLines = batchedWriter((text) => io.stderr(text));
	const relay = await startRelay({
		port,
		dataDir,
		host: values.host ?? '127.0.0.1',
		logger: jsonLineLogger(logLines.write),
		postgres,
		redis
	});
	io.stdout(
		`relay listening on ${relay.url} (WebSocket ${relay.wsUrl}/<workspaceId>/<docId>, token as subprotocol "token.<token>")\n`
	);
	const signal = await (io.untilStopped ?? waitForSignal)();
	logLines.flush();
	io.stderr(`relay: ${signal}, closing\n`);
	await relay.close();
	logLines.flush();
	if (ownDir) await rm(dataDir, { recursive: true, force: true });
	return 0;
}

/** Runs `relay ...` arguments; returns the exit code (2 for bad arguments, after printing usage). */
export async function runRelayCli(args: string[], io: RelayCliIO): Promise<number> {
	try {
		if (args[0] === 'apikey') return await runApiKeyCli(args.slice(1), io);
		if (args[0] === 'migrate') return await runMigrateCli(args.slice(1), io);
		return args[0] === 'token' ? await runToken(args.slice(1), io) : await runServer(args, io);
	} catch (e) {
		if (e instanceof UsageError) {
			io.stderr(`promptloom relay: ${e.message}\n\n${RELAY_USAGE}`);
			return 2;
		}
		throw e;
	}
}
