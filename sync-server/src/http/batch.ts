/**
 * @module `POST /sync/batch`: catch-up for many documents of one workspace in one request, so a
 * new device does not open one socket per document.
 *
 * Request: `Authorization: Bearer <token>` (`?token=` only for old clients), JSON
 * `{ "docs": [{ "doc": "<docId>", "sv": "<base64 Yjs state vector, optional>" }] }`.
 * Response: `{ "docs": [{ "doc": "<docId>", "update": "<base64 Yjs update>" }] }` with, for each
 * document, what the caller lacks (everything when `sv` is omitted). Read-only for every role,
 * but only for members of a managed workspace (the same check as the WebSocket upgrade).
 */
import type { BatchResponse } from '../../../src/lib/core/relay/protocol';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as Y from 'yjs';
import { isValidId, verifyToken, type TokenClaims } from '../auth/token';
import type { RelayConfig } from '../config';
import type { RoomRegistry } from '../rooms/registry';
import type { RoomStore } from '../rooms/store';
import { HttpError, readBody, sendJson, type Router } from './router';

export const MAX_BATCH_DOCS = 20_000;

interface BatchContext {
	secret: Uint8Array;
	config: RelayConfig;
	store: RoomStore;
	rooms: RoomRegistry;
	/** The member registry's decision on a verified token (403 with a reason when refused). */
	access(claims: TokenClaims): Promise<{ ok: true } | { ok: false; status: number; error: string }>;
}

function tokenOf(req: IncomingMessage, url: URL): string | null {
	const header = req.headers.authorization;
	if (header?.startsWith('Bearer ')) return header.slice(7).trim();
	return url.searchParams.get('token');
}

function parseRequest(
	body: Buffer,
	maxIdLength: number
): Array<{ doc: string; sv: Uint8Array | undefined }> {
	let json: unknown;
	try {
		json = JSON.parse(body.toString('utf8'));
	} catch {
		throw new HttpError(400, 'body is not valid JSON');
	}
	const docs = (json as { docs?: unknown })?.docs;
	if (!Array.isArray(docs))
		throw new HttpError(400, 'body must be { "docs": [{ "doc": id, "sv"?: base64 }] }');
	if (docs.length > MAX_BATCH_DOCS)
		throw new HttpError(413, `at most ${MAX_BATCH_DOCS} documents per batch`);
	return docs.map((entry: unknown, i) => {
		const { doc, sv } = (entry ?? {}) as { doc?: unknown; sv?: unknown };
		if (typeof doc !== 'string' || !isValidId(doc, maxIdLength))
			throw new HttpError(400, `docs[${i}].doc is not a valid document id`);
		if (sv !== undefined && typeof sv !== 'string')
			throw new HttpError(400, `docs[${i}].sv must be a base64 string`);
		return { doc, sv: sv === undefined ? undefined : new Uint8Array(Buffer.from(sv, 'base64')) };
	});
}

/** Registers `POST /sync/batch` on `router`. */
export function addBatchRoute(router: Router, ctx: BatchContext): void {
	router.add('POST', '/sync/batch', async (req: IncomingMessage, res: ServerResponse, url: URL) => {
		const check = await verifyToken(ctx.secret, tokenOf(req, url));
		if (!check.ok) throw new HttpError(401, check.message);
		const verdict = await ctx.access(check.claims);
		if (!verdict.ok) throw new HttpError(verdict.status, verdict.error);
		const workspace = check.claims.workspace;
		const entries = parseRequest(
			await readBody(req, ctx.config.maxHttpBodyBytes),
			ctx.config.maxIdLength
		);
		const out: Array<{ doc: string; update: string }> = [];
		// Documents nobody has open are read from storage together (a new device asks for hundreds).
		const closed = entries
			.map((e) => `${workspace}/${e.doc}`)
			.filter((name) => !ctx.rooms.get(name));
		const stored = new Map<string, Uint8Array>();
		if (closed.length > 1 && ctx.store.loadMany) {
			const updates = await ctx.store.loadMany(closed);
			closed.forEach((name, i) => stored.set(name, updates[i]));
		}
		for (const { doc, sv } of entries) {
			const name = `${workspace}/${doc}`;
			const room = ctx.rooms.get(name);
			let update: Uint8Array;
			try {
				if (room) {
					await room.ready;
					await room.persisted().catch((e: unknown) => {
						throw new HttpError(503, e instanceof Error ? e.message : String(e));
					});
					update = Y.encodeStateAsUpdate(room.doc, sv);
				} else {
					const state = stored.get(name) ?? (await ctx.store.load(name));
					update = sv ? Y.diffUpdate(state, sv) : state;
				}
			} catch (e) {
				if (e instanceof HttpError || (e instanceof Error && /LevelDB/.test(e.message))) throw e;
				throw new HttpError(400, `docs entry for "${doc}" has an invalid state vector`);
			}
			out.push({ doc, update: Buffer.from(update).toString('base64') });
		}
		sendJson(res, 200, { workspace, docs: out } satisfies BatchResponse);
	});
}
