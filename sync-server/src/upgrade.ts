/**
 * @module Admission of a WebSocket upgrade: room name, token, workspace and limits are all
 * checked on the HTTP request, so a refused client gets a plain HTTP status and never a socket.
 */
import { RELAY_SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX } from '../../src/lib/core/relay/protocol';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { isValidId, verifyToken, type TokenClaims } from './auth/token';
import type { RelayConfig } from './config';

/** A client allowed in, with the room it asked for. */
export interface Admission {
	claims: TokenClaims;
	/** The raw token, used to count connections per token. */
	token: string;
	workspace: string;
	docId: string;
	/** `<workspaceId>/<docId>` */
	room: string;
}

export type AdmissionResult =
	{ ok: true; admission: Admission } | { ok: false; status: number; error: string };

export { RELAY_SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX };

/**
 * The token of an upgrade request, from (first match wins) a `token.<token>` entry of
 * `Sec-WebSocket-Protocol` (what browsers can send: a JWT is made of HTTP token characters), an
 * `Authorization: Bearer <token>` header (other clients), or the `?token=` query of old clients
 * (which puts the token in URLs, and so in access logs and browser consoles).
 */
export function tokenOfUpgrade(req: IncomingMessage, url: URL): string | null {
	const offered = req.headers['sec-websocket-protocol'];
	if (offered) {
		for (const p of offered.split(',')) {
			const v = p.trim();
			if (v.startsWith(TOKEN_SUBPROTOCOL_PREFIX) && v.length > TOKEN_SUBPROTOCOL_PREFIX.length)
				return v.slice(TOKEN_SUBPROTOCOL_PREFIX.length);
		}
	}
	const header = req.headers.authorization;
	if (header?.startsWith('Bearer ')) return header.slice(7).trim() || null;
	return url.searchParams.get('token');
}

/**
 * Chooses the subprotocol of an accepted socket: `promptloom` when offered, so the token entry
 * is never echoed back (a browser refuses a handshake that offered protocols and got none).
 */
export function chooseSubprotocol(offered: Set<string>): string | false {
	return offered.has(RELAY_SUBPROTOCOL) ? RELAY_SUBPROTOCOL : false;
}

/** Live counts the admission checks need. */
export interface AdmissionState {
	connections: number;
	connectionsOfToken(token: string): number;
	wouldExceedWorkspaceLimit(workspace: string, room: string): boolean;
}

/** Splits `/<workspaceId>/<docId>` (percent-decoded) or explains what is wrong. */
export function parseRoomPath(
	pathname: string,
	maxIdLength: number
): { workspace: string; docId: string } | { error: string } {
	const parts = pathname.split('/').slice(1);
	if (parts.length !== 2) return { error: 'the URL path must be /<workspaceId>/<docId>' };
	let workspace: string;
	let docId: string;
	try {
		[workspace, docId] = parts.map(decodeURIComponent);
	} catch {
		return { error: 'the URL path is not valid percent-encoding' };
	}
	for (const [what, id] of [
		['workspace id', workspace],
		['document id', docId]
	]) {
		if (!isValidId(id, maxIdLength)) {
			return {
				error: `invalid ${what} "${id.slice(0, 40)}": use letters, digits and . _ : - (max ${maxIdLength})`
			};
		}
	}
	return { workspace, docId };
}

/** Decides whether `req` may open a socket; never throws. */
export async function admit(
	req: IncomingMessage,
	secret: Uint8Array,
	config: RelayConfig,
	state: AdmissionState
): Promise<AdmissionResult> {
	const url = new URL(req.url ?? '/', 'http://relay.invalid');
	const path = parseRoomPath(url.pathname, config.maxIdLength);
	if ('error' in path) return { ok: false, status: 404, error: path.error };
	const token = tokenOfUpgrade(req, url);
	const check = await verifyToken(secret, token);
	if (!check.ok) return { ok: false, status: 401, error: check.message };
	if (check.claims.workspace !== path.workspace) {
		return {
			ok: false,
			status: 403,
			error: `token is for workspace "${check.claims.workspace}", not "${path.workspace}"`
		};
	}
	if (state.connections >= config.maxConnections) {
		return {
			ok: false,
			status: 503,
			error: `relay is at its limit of ${config.maxConnections} connections`
		};
	}
	if (state.connectionsOfToken(token as string) >= config.maxConnectionsPerToken) {
		return {
			ok: false,
			status: 429,
			error: `this token already holds ${config.maxConnectionsPerToken} connections (maxConnectionsPerToken)`
		};
	}
	const room = `${path.workspace}/${path.docId}`;
	if (state.wouldExceedWorkspaceLimit(path.workspace, room)) {
		return {
			ok: false,
			status: 429,
			error: `workspace already has ${config.maxRoomsPerWorkspace} open documents (maxRoomsPerWorkspace)`
		};
	}
	return { ok: true, admission: { claims: check.claims, token: token as string, room, ...path } };
}

const STATUS_TEXT: Record<number, string> = {
	401: 'Unauthorized',
	403: 'Forbidden',
	404: 'Not Found',
	429: 'Too Many Requests',
	500: 'Internal Server Error',
	503: 'Service Unavailable'
};

/** Answers a refused upgrade with an HTTP status and a JSON `{ error }` body, then closes. */
export function refuseUpgrade(socket: Duplex, status: number, error: string): void {
	if (socket.destroyed) return;
	const body = JSON.stringify({ error });
	socket.end(
		`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\n` +
			'Content-Type: application/json; charset=utf-8\r\n' +
			`Content-Length: ${Buffer.byteLength(body)}\r\n` +
			'Connection: close\r\n\r\n' +
			body
	);
}
