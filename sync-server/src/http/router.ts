/** @module A tiny exact-path HTTP router: the place the relay's REST API plugs into. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type RouteHandler = (
	req: IncomingMessage,
	res: ServerResponse,
	url: URL
) => void | Promise<void>;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': 'application/json; charset=utf-8',
		'content-length': Buffer.byteLength(text),
		'cache-control': 'no-store'
	});
	res.end(text);
}

/** Reads a request body up to `maxBytes`; rejects with a 413-worthy error beyond it. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		size += (chunk as Buffer).length;
		if (size > maxBytes) throw new HttpError(413, `request body exceeds ${maxBytes} bytes`);
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks);
}

/** An error that becomes an HTTP status and a JSON `{ error }` body. */
export class HttpError extends Error {
	constructor(
		readonly status: number,
		message: string
	) {
		super(message);
	}
}

export class Router {
	private readonly routes = new Map<string, Map<string, RouteHandler>>();

	/** Registers `handler` for `method` on the exact `path`. */
	add(method: string, path: string, handler: RouteHandler): this {
		const byMethod = this.routes.get(path) ?? new Map<string, RouteHandler>();
		byMethod.set(method.toUpperCase(), handler);
		this.routes.set(path, byMethod);
		return this;
	}

	/** Answers every request: 404/405 for unknown routes, JSON errors for failing handlers. */
	async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://relay.invalid');
		const byMethod = this.routes.get(url.pathname);
		if (!byMethod) return sendJson(res, 404, { error: `no route ${url.pathname}` });
		const handler = byMethod.get(req.method ?? 'GET');
		if (!handler) {
			res.setHeader('allow', [...byMethod.keys()].join(', '));
			return sendJson(res, 405, { error: `method ${req.method} not allowed on ${url.pathname}` });
		}
		try {
			await handler(req, res, url);
		} catch (e) {
			if (res.headersSent) {
				res.destroy();
				return;
			}
			if (e instanceof HttpError) return sendJson(res, e.status, { error: e.message });
			sendJson(res, 500, { error: 'internal error' });
		}
	}
}
