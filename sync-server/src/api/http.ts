/**
 * @module HTTP answers of the API: JSON errors `{"error":{"code","message"}}`, JSON bodies with a
 * strong ETag (304 when `If-None-Match` matches) and explicit `Cache-Control`.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
	API_ERROR_STATUS,
	describeIssue,
	type ApiErrorCode
} from '../../../src/lib/core/api/schemas';
import type { z } from '../../../src/lib/core/model/zod';
import { HttpError, readBody } from '../http/router';

/** An API failure: becomes its status and `{"error":{"code","message"}}`. */
export class ApiError extends Error {
	readonly status: number;
	constructor(
		readonly code: ApiErrorCode,
		message: string,
		readonly headers: Record<string, string> = {}
	) {
		super(message);
		this.status = API_ERROR_STATUS[code];
	}
}

const CODE_OF_STATUS: Record<number, ApiErrorCode> = Object.fromEntries(
	Object.entries(API_ERROR_STATUS).map(([code, status]) => [status, code as ApiErrorCode])
);

export function sendApiError(res: ServerResponse, e: unknown): void {
	const err =
		e instanceof ApiError
			? e
			: e instanceof HttpError
				? new ApiError(CODE_OF_STATUS[e.status] ?? 'bad_request', e.message)
				: new ApiError('internal', 'internal error');
	if (e instanceof HttpError && e.closeConnection) res.setHeader('connection', 'close');
	const text = JSON.stringify({ error: { code: err.code, message: err.message } });
	res.writeHead(err.status, {
		...err.headers,
		'content-type': 'application/json; charset=utf-8',
		'content-length': Buffer.byteLength(text),
		'cache-control': 'no-store'
	});
	res.end(text);
}

/** A strong ETag of a body: the first 16 bytes of its SHA-256, base64url. */
export function etagOf(body: string | Buffer): string {
	return `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
}

/** True when the request's `If-None-Match` names `etag` (or `*`). */
function matches(req: IncomingMessage, etag: string): boolean {
	const header = req.headers['if-none-match'];
	if (!header) return false;
	return header
		.split(',')
		.map((s) => s.trim().replace(/^W\//, ''))
		.some((t) => t === etag || t === '*');
}

/** A prepared answer: its bytes, ETag and content type (cached between requests). */
export interface Answer {
	body: Buffer;
	etag: string;
	contentType: string;
	cacheControl: string;
}

export function jsonAnswer(value: unknown, cacheControl: string): Answer {
	const body = Buffer.from(JSON.stringify(value));
	return {
		body,
		etag: etagOf(body),
		contentType: 'application/json; charset=utf-8',
		cacheControl
	};
}

/** Sends `answer`, or 304 without a body when the client holds the same ETag. */
export function sendAnswer(
	req: IncomingMessage,
	res: ServerResponse,
	answer: Answer,
	status = 200,
	extra: Record<string, string> = {}
): void {
	const headers = {
		etag: answer.etag,
		'cache-control': answer.cacheControl,
		vary: 'authorization',
		...extra
	};
	if (status === 200 && matches(req, answer.etag)) {
		res.writeHead(304, headers);
		res.end();
		return;
	}
	res.writeHead(status, {
		...headers,
		'content-type': answer.contentType,
		'content-length': answer.body.byteLength
	});
	res.end(req.method === 'HEAD' ? undefined : answer.body);
}

/** Cache-Control of answers that may change (labels move): revalidate every time. */
export const REVALIDATE = 'private, no-cache';
/** Cache-Control of answers pinned to an immutable version. */
export const IMMUTABLE = 'private, max-age=86400, immutable';

/** Parses a query string with `schema`; 400 naming the first problem. */
export function parseQuery<S extends z.ZodType>(url: URL, schema: S): z.output<S> {
	const raw: Record<string, string> = {};
	for (const [k, v] of url.searchParams) raw[k] = v;
	const parsed = schema.safeParse(raw);
	if (!parsed.success) throw new ApiError('bad_request', describeIssue(parsed.error));
	return parsed.data;
}

/** Reads and parses a JSON body with `schema`; 400 for bad JSON or a failed check, 413 too large. */
export async function parseBody<S extends z.ZodType>(
	req: IncomingMessage,
	maxBytes: number,
	schema: S
): Promise<z.output<S>> {
	const text = (await readBody(req, maxBytes)).toString('utf8');
	let value: unknown;
	try {
		value = text.trim() ? JSON.parse(text) : {};
	} catch (e) {
		throw new ApiError('bad_request', `the body is not valid JSON: ${(e as Error).message}`);
	}
	const parsed = schema.safeParse(value);
	if (!parsed.success) throw new ApiError('bad_request', describeIssue(parsed.error));
	return parsed.data;
}
