/**
 * @module The `relay` command line: `relay --port --data [--host]` runs the relay until SIGINT or
 * SIGTERM; `relay token ...` prints a signed token. Shared by `promptloom relay` and `main.ts`.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_TOKEN_TTL_SECONDS, ROLES, createToken, isRole } from './auth/token';
import { APIKEY_USAGE, runApiKeyCli } from './api/keys-cli';
import { enrollFromCli } from './collab/registry';
import { jsonLineLogger } from './logger';
import { startRelay } from './relay';

export const RELAY_USAGE = `Usage:
  promptloom relay --port <port> --data <dir> [--host 127.0.0.1]
      Runs the sync relay until SIGINT/SIGTERM; prints its URL. Port 0 picks a free port.
      Clients connect to ws://<host>:<port>/<workspaceId>/<docId>, offering the WebSocket
      subprotocols "promptloom" and "token.<token>" (?token=<token> still works for old clients).
  promptloom relay token --data <dir> --workspace <id> --role <${ROLES.join('|')}> [--user <name>] [--ttl <seconds>]
      Prints a signed access token (default lifetime ${DEFAULT_TOKEN_TTL_SECONDS} s) and nothing else.
${APIKEY_USAGE}`;

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
		workspace: { type: 'string' },
		role: { type: 'string' },
		user: { type: 'string' },
		ttl: { type: 'string' }
	});
	const dataDir = requireValue(values, 'data');
	const workspace = requireValue(values, 'workspace');
	const role = requireValue(values, 'role');
	if (!isRole(role))
		throw new UsageError(`--role must be one of ${ROLES.join(', ')}, got "${role}"`);
	const ttlSeconds =
		values.ttl === undefined ? undefined : parseIntArg(values.ttl, 'ttl', 1, 10 * 365 * 24 * 3600);
	let token: string;
	try {
		token = await createToken({ dataDir, workspace, role, user: values.user, ttlSeconds });
	} catch (e) {
		if (e instanceof RangeError) throw new UsageError(e.message);
		throw e;
	}
	const granted = await enrollFromCli(dataDir, workspace, values.user ?? 'anonymous', role);
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
		host: { type: 'string' }
	});
	const port = parseIntArg(requireValue(values, 'port'), 'port', 0, 65535);
	const dataDir = requireValue(values, 'data');
	const relay = await startRelay({
		port,
		dataDir,
		host: values.host ?? '127.0.0.1',
		logger: jsonLineLogger((line) => io.stderr(line))
	});
	io.stdout(
		`relay listening on ${relay.url} (WebSocket ${relay.wsUrl}/<workspaceId>/<docId>, token as subprotocol "token.<token>")\n`
	);
	const signal = await (io.untilStopped ?? waitForSignal)();
	io.stderr(`relay: ${signal}, closing\n`);
	await relay.close();
	return 0;
}

/** Runs `relay ...` arguments; returns the exit code (2 for bad arguments, after printing usage). */
export async function runRelayCli(args: string[], io: RelayCliIO): Promise<number> {
	try {
		if (args[0] === 'apikey') return await runApiKeyCli(args.slice(1), io);
		return args[0] === 'token' ? await runToken(args.slice(1), io) : await runServer(args, io);
	} catch (e) {
		if (e instanceof UsageError) {
			io.stderr(`promptloom relay: ${e.message}\n\n${RELAY_USAGE}`);
			return 2;
		}
		throw e;
	}
}
