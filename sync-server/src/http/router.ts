/** @module A tiny exact-path HTTP router: the place the relay's REST API plugs into. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type RouteHandler = (
	req: IncomingMessage,
	res: ServerResponse,
	url: URL,
	/** Values of `:name` segments of a pattern route (percent-decoded). */
	params: Record<string, string>
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

const tooLarge = (maxBytes: number) =>
	new HttpError(413, `request body exceeds ${maxBytes} bytes`, { closeConnection: true });

/**
 * Reads a request body up to `maxBytes`. Beyond it (announced by `Content-Length`, or found
 * while reading) rejects with a 413 that closes the connection; the rest of the body is then
 * read and dropped, never left unread (see {@link Router}). The request is never destroyed
 * here: that would reset the socket before the answer reaches the client.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
	const declared = Number(req.headers['content-length']);
	if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		const stop = () => {
			req.off('data', onData);
			req.off('end', onEnd);
			req.off('close', onClose);
		};
		const onData = (chunk: Buffer) => {
			size += chunk.length;
			if (size <= maxBytes) return void chunks.push(chunk);
			stop();
			// Keep the request flowing: what is still sent is read and dropped.
			req.resume();
			reject(tooLarge(maxBytes));
		};
		const onEnd = () => {
			stop();
			resolve(Buffer.concat(chunks));
		};
		const onClose = () => {
			stop();
			reject(new HttpError(400, 'the request was aborted before its body was complete'));
		};
		req.on('data', onData);
		req.on('end', onEnd);
		req.on('close', onClose);
	});
}

/** An error that becomes an HTTP status and a JSON `{ error }` body. */
export class HttpError extends Error {
	/** True when the connection must close after the answer (the request body was not read). */
	readonly closeConnection: boolean;

	constructor(
		readonly status: number,
		message: string,
		options: { closeConnection?: boolean } = {}
	) {
		super(message);
		this.closeConnection = options.closeConnection ?? false;
	}
}

/** How long a connection closed after a refused body may still send (and be read) before it is dropped. */
export const CLOSE_LINGER_MS = 2000;

/**
 * Answers with `connection: close` and closes gracefully: Node ends the socket after the answer
 * and would destroy it as soon as its FIN is out, so request bytes still arriving would be
 * answered with a TCP reset, which can make the client lose the answer (a "connection reset"
 * instead of the 413). Instead, what the client still sends is read and dropped until it closes
 * its side, or for at most `lingerMs`.
 */
function closeAfterAnswer(req: IncomingMessage, res: ServerResponse, lingerMs: number): void {
	res.setHeader('connection', 'close');
	const socket = req.socket;
	res.once('finish', () => {
		// Node's own handler ran first (`destroySoon`: end now, destroy on 'finish').
		socket.removeListener('finish', socket.destroy);
		const timer = setTimeout(() => socket.destroy(), lingerMs);
		timer.unref();
		socket.once('close', () => clearTimeout(timer));
		socket.once('end', () => socket.destroy());
		req.resume();
		socket.resume();
	});
}

export class Router {
	private readonly routes = new Map<string, Map<string, RouteHandler>>();
	/** See {@link closeAfterAnswer}. */
	constructor(private readonly lingerMs = CLOSE_LINGER_MS) {}

	private readonly patterns: Array<{ parts: string[]; byMethod: Map<string, RouteHandler> }> = [];

	/** Registers `handler` for `method` on the exact `path`, or a pattern with `:name` segments. */
	add(method: string, path: string, handler: RouteHandler): this {
		if (path.includes('/:')) {
			const parts = path.split('/');
			let entry = this.patterns.find((p) => p.parts.join('/') === path);
			if (!entry) this.patterns.push((entry = { parts, byMethod: new Map() }));
			entry.byMethod.set(method.toUpperCase(), handler);
			return this;
		}
		const byMethod = this.routes.get(path) ?? new Map<string, RouteHandler>();
		byMethod.set(method.toUpperCase(), handler);
		this.routes.set(path, byMethod);
		return this;
	}

	/** Answers every request: 404/405 for unknown routes, JSON errors for failing handlers. */
	async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://relay.invalid');
		// Bearer tokens, no cookies: any origin (the app) may call the relay's API.
		res.setHeader('access-control-allow-origin', '*');
		res.setHeader('access-control-expose-headers', 'etag, retry-after');
		if (req.method === 'OPTIONS') {
			res.writeHead(204, {
				'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
				'access-control-allow-headers': 'authorization, content-type, if-none-match',
				'access-control-max-age': '600'
			});
			res.end();
			return;
		}
		let params: Record<string, string> = {};
		let byMethod = this.routes.get(url.pathname);
		if (!byMethod) {
			const match = this.match(url.pathname);
			if (match) ({ byMethod, params } = match);
		}
		if (!byMethod) return sendJson(res, 404, { error: `no route ${url.pathname}` });
		const handler = byMethod.get(req.method ?? 'GET');
		if (!handler) {
			res.setHeader('allow', [...byMethod.keys()].join(', '));
			return sendJson(res, 405, { error: `method ${req.method} not allowed on ${url.pathname}` });
		}
		try {
			await handler(req, res, url, params);
		} catch (e) {
			if (res.headersSent) {
				res.destroy();
				return;
			}
			if (e instanceof HttpError) {
				if (e.closeConnection) closeAfterAnswer(req, res, this.lingerMs);
				return sendJson(res, e.status, { error: e.message });
			}
			sendJson(res, 500, { error: 'internal error' });
		}
	}

	private match(
		pathname: string
	): { byMethod: Map<string, RouteHandler>; params: Record<string, string> } | null {
		const segments = pathname.split('/');
		outer: for (const p of this.patterns) {
			if (p.parts.length !== segments.length) continue;
			const params: Record<string, string> = {};
			for (let i = 0; i < segments.length; i++) {
				const want = p.parts[i];
				if (want.startsWith(':')) {
					if (!segments[i]) continue outer;
					try {
						params[want.slice(1)] = decodeURIComponent(segments[i]);
					} catch {
						continue outer;
					}
				} else if (want !== segments[i]) continue outer;
			}
			return { byMethod: p.byMethod, params };
		}
		return null;
	}
}
