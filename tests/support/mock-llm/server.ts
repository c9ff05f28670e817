/**
 * @module The test LLM server: OpenAI-, Anthropic-, Gemini- and Ollama-compatible HTTP on 127.0.0.1.
 *
 * It is the project's only test double, at the network boundary. Endpoints:
 * - `POST /v1/chat/completions` (also `/chat/completions`) — OpenAI; `stream: true` sends SSE
 *   `data:` chunks, a usage chunk when `stream_options.include_usage`, then `data: [DONE]`.
 * - `GET /v1/models` — OpenAI model list.
 * - `POST /v1/messages` — Anthropic; streaming sends message_start, content_block_start,
 *   content_block_delta…, content_block_stop, message_delta, message_stop. Requires the
 *   `anthropic-version` header (400 without it), like the real API.
 * - `POST /v1beta/models/{model}:generateContent` and `:streamGenerateContent?alt=sse` — Gemini.
 * - `POST /api/chat` (NDJSON when streaming, the default as in Ollama), `GET /api/tags` — Ollama.
 * - Control, for tests in another process (e2e): `POST /__mock/failures` (JSON array of
 *   MockFailure, queued), `POST /__mock/reset`, `GET /__mock/requests`.
 *
 * Answers are deterministic (see answers.ts). Failures, by model-name convention:
 * `fail-429` (Retry-After: 1), `fail-500`, `fail-401`, `fail-malformed`, `fail-cut` (stream or body
 * cut mid-way), `fail-hang` (never answers), `unknown-…` (404 unknown model), `slow-<ms>-…` (extra
 * latency); the API key `bad-key` gets 401 on every format. Or queue failures for the next
 * requests with `setFailures([...])`. SSE events are written in two halves (splitting multi-byte
 * characters) so clients must reassemble chunks.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
	answerFor,
	countInputTokens,
	countTextTokens,
	limitTokens,
	streamPieces,
	type MockMessage
} from './answers';

export type Wire = 'openai' | 'anthropic' | 'gemini' | 'ollama';

export type MockFailure =
	/** 429 with a Retry-After header: seconds (number) or an HTTP date (string); omitted if undefined. */
	| { type: 'rate_limit'; retryAfter?: number | string }
	/** 5xx, 500 by default. */
	| { type: 'server_error'; status?: number }
	| { type: 'auth' }
	| { type: 'unknown_model' }
	/** 200 with a body (or a stream event) that is not valid JSON. */
	| { type: 'malformed' }
	/** Half the answer, then the connection is destroyed. */
	| { type: 'cut' }
	/** Never answers; the request stays open until the client gives up. */
	| { type: 'hang' };

export interface MockRequestLog {
	wire: Wire | 'other';
	method: string;
	path: string;
	model?: string;
	stream: boolean;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
	status: number;
	failure?: MockFailure['type'];
}

export interface MockLlmOptions {
	/** 0 (default) picks a free port. */
	port?: number;
	host?: string;
	/** Delay before each response starts, in ms. Default 0. */
	latencyMs?: number;
	/** Delay between streamed pieces, in ms. Default 0. */
	chunkDelayMs?: number;
}

export interface MockLlmServer {
	/** `http://127.0.0.1:<port>` — OpenAI clients use `${url}/v1` as base URL. */
	url: string;
	port: number;
	/** Every request received, in order. */
	requests: MockRequestLog[];
	/** Queues failures for the next requests to chat endpoints, one per request. */
	setFailures(failures: MockFailure[]): void;
	setLatency(latencyMs: number, chunkDelayMs?: number): void;
	/** Clears the request log and queued failures. */
	reset(): void;
	close(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface ChatCall {
	wire: Wire;
	model: string;
	messages: MockMessage[];
	stream: boolean;
	includeUsage: boolean;
	maxTokens?: number;
	apiKey?: string;
}

function str(v: unknown): string {
	return typeof v === 'string' ? v : '';
}

function asMessages(v: unknown): MockMessage[] | undefined {
	if (!Array.isArray(v)) return undefined;
	return v.map((m) => {
		const r = (m ?? {}) as Record<string, unknown>;
		const content = Array.isArray(r.content)
			? r.content.map((p) => str((p as Record<string, unknown>)?.text)).join('')
			: str(r.content);
		return { role: str(r.role), content };
	});
}

function bearer(req: IncomingMessage): string | undefined {
	const h = req.headers.authorization;
	return h?.startsWith('Bearer ') ? h.slice(7) : undefined;
}

function failureFromModel(model: string): MockFailure | undefined {
	if (model === 'fail-429') return { type: 'rate_limit', retryAfter: 1 };
	if (model === 'fail-500') return { type: 'server_error' };
	if (model === 'fail-401') return { type: 'auth' };
	if (model === 'fail-malformed') return { type: 'malformed' };
	if (model === 'fail-cut') return { type: 'cut' };
	if (model === 'fail-hang') return { type: 'hang' };
	if (model.startsWith('unknown-')) return { type: 'unknown_model' };
	return undefined;
}

/** Error body in each wire format's own shape. */
function errorBody(wire: Wire, status: number, message: string): unknown {
	const type =
		status === 401
			? 'authentication_error'
			: status === 404
				? 'not_found_error'
				: status === 429
					? 'rate_limit_error'
					: status === 400
						? 'invalid_request_error'
						: 'api_error';
	switch (wire) {
		case 'openai':
			return { error: { message, type, code: status } };
		case 'anthropic':
			return { type: 'error', error: { type, message } };
		case 'gemini':
			return {
				error: { code: status, message, status: status === 429 ? 'RESOURCE_EXHAUSTED' : 'ERROR' }
			};
		case 'ollama':
			return { error: message };
	}
}

/** Starts the server; resolves once it listens. */
export async function startMockLlm(options: MockLlmOptions = {}): Promise<MockLlmServer> {
	let latencyMs = options.latencyMs ?? 0;
	let chunkDelayMs = options.chunkDelayMs ?? 0;
	let queued: MockFailure[] = [];
	const requests: MockRequestLog[] = [];

	function sendJson(
		res: ServerResponse,
		status: number,
		body: unknown,
		headers: Record<string, string> = {}
	) {
		res.writeHead(status, { 'content-type': 'application/json', ...headers });
		res.end(JSON.stringify(body));
	}

	/** Writes in two halves so clients see events (and UTF-8 characters) split across reads. */
	async function writeSplit(res: ServerResponse, text: string): Promise<void> {
		const buf = Buffer.from(text, 'utf8');
		const mid = Math.floor(buf.length / 2);
		res.write(buf.subarray(0, mid));
		if (chunkDelayMs > 0) await sleep(chunkDelayMs / 2);
		res.write(buf.subarray(mid));
		if (chunkDelayMs > 0) await sleep(chunkDelayMs / 2);
	}

	function parseCall(
		wire: Wire,
		req: IncomingMessage,
		url: URL,
		body: Record<string, unknown>
	): ChatCall | string {
		switch (wire) {
			case 'openai': {
				const messages = asMessages(body.messages);
				if (!messages || typeof body.model !== 'string')
					return '`model` and `messages` are required';
				const so = (body.stream_options ?? {}) as Record<string, unknown>;
				const max = body.max_completion_tokens ?? body.max_tokens;
				return {
					wire,
					model: body.model,
					messages,
					stream: body.stream === true,
					includeUsage: so.include_usage === true,
					maxTokens: typeof max === 'number' ? max : undefined,
					apiKey: bearer(req)
				};
			}
			case 'anthropic': {
				const messages = asMessages(body.messages);
				if (!messages || typeof body.model !== 'string') return 'model: Field required';
				if (typeof body.max_tokens !== 'number') return 'max_tokens: Field required';
				if (!req.headers['anthropic-version']) return 'anthropic-version: header is required';
				const system =
					typeof body.system === 'string' ? [{ role: 'system', content: body.system }] : [];
				const key = req.headers['x-api-key'];
				return {
					wire,
					model: body.model,
					messages: [...system, ...messages],
					stream: body.stream === true,
					includeUsage: true,
					maxTokens: body.max_tokens,
					apiKey: typeof key === 'string' ? key : undefined
				};
			}
			case 'gemini': {
				const m = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(
					url.pathname
				);
				if (!m || !Array.isArray(body.contents)) return '`contents` is required';
				const messages: MockMessage[] = [];
				const sys = body.systemInstruction as { parts?: { text?: string }[] } | undefined;
				if (sys?.parts)
					messages.push({ role: 'system', content: sys.parts.map((p) => str(p.text)).join('') });
				for (const c of body.contents as { role?: string; parts?: { text?: string }[] }[]) {
					messages.push({
						role: c.role === 'model' ? 'assistant' : 'user',
						content: (c.parts ?? []).map((p) => str(p.text)).join('')
					});
				}
				const gc = (body.generationConfig ?? {}) as Record<string, unknown>;
				const key = req.headers['x-goog-api-key'];
				return {
					wire,
					model: decodeURIComponent(m[1]),
					messages,
					stream: m[2] === 'streamGenerateContent',
					includeUsage: true,
					maxTokens: typeof gc.maxOutputTokens === 'number' ? gc.maxOutputTokens : undefined,
					apiKey: typeof key === 'string' ? key : (url.searchParams.get('key') ?? undefined)
				};
			}
			case 'ollama': {
				const messages = asMessages(body.messages);
				if (!messages || typeof body.model !== 'string') return 'model is required';
				const opts = (body.options ?? {}) as Record<string, unknown>;
				return {
					wire,
					model: body.model,
					messages,
					stream: body.stream !== false,
					includeUsage: true,
					maxTokens: typeof opts.num_predict === 'number' ? opts.num_predict : undefined,
					apiKey: bearer(req)
				};
			}
		}
	}

	async function sendFailure(
		res: ServerResponse,
		call: ChatCall,
		f: MockFailure,
		log: MockRequestLog
	) {
		log.failure = f.type;
		const err = (status: number, message: string, headers: Record<string, string> = {}) => {
			log.status = status;
			sendJson(res, status, errorBody(call.wire, status, message), headers);
		};
		switch (f.type) {
			case 'rate_limit': {
				const headers: Record<string, string> = {};
				if (f.retryAfter !== undefined) headers['retry-after'] = String(f.retryAfter);
				return err(429, 'Rate limit reached for requests', headers);
			}
			case 'server_error':
				return err(f.status ?? 500, 'The server had an error while processing your request');
			case 'auth':
				return err(401, `Incorrect API key provided: ${call.apiKey ?? '(none)'}`);
			case 'unknown_model':
				return err(404, `The model \`${call.model}\` does not exist`);
			case 'hang':
				log.status = 0;
				return; // the response stays open; close() destroys it
			case 'malformed':
			case 'cut':
				return; // handled while answering
		}
	}

	async function answer(
		res: ServerResponse,
		call: ChatCall,
		mode: 'ok' | 'malformed' | 'cut',
		log: MockRequestLog
	) {
		const full = answerFor(call.model, call.messages);
		const { text, truncated } = limitTokens(full, call.maxTokens);
		const input = countInputTokens(call.messages);
		const output = countTextTokens(text);
		const id = `mock-${log.path.length}-${requests.length}`;
		log.status = 200;
		if (!call.stream) {
			const body = completeBody(call, text, truncated, input, output, id);
			const json = JSON.stringify(body);
			res.writeHead(200, { 'content-type': 'application/json' });
			if (mode === 'malformed')
				return void res.end(json.slice(0, Math.floor(json.length / 2)) + '<<not json');
			if (mode === 'cut') {
				res.flushHeaders();
				res.write(json.slice(0, Math.floor(json.length / 2)));
				await sleep(5);
				return void res.destroy();
			}
			return void res.end(json);
		}
		const ndjson = call.wire === 'ollama';
		res.writeHead(200, {
			'content-type': ndjson ? 'application/x-ndjson' : 'text/event-stream',
			'cache-control': 'no-cache'
		});
		const events = streamEvents(call, text, truncated, input, output, id);
		const cutAt = Math.max(1, Math.floor(events.length / 2));
		for (let i = 0; i < events.length; i++) {
			if (mode === 'cut' && i === cutAt) {
				await sleep(5);
				return void res.destroy();
			}
			if (mode === 'malformed' && i === cutAt) {
				await writeSplit(
					res,
					ndjson ? '{"message": {"content": "broken\n' : 'data: {"broken": \n\n'
				);
				continue;
			}
			const [event, data] = events[i];
			const line = ndjson
				? `${data}\n`
				: event
					? `event: ${event}\ndata: ${data}\n\n`
					: `data: ${data}\n\n`;
			await writeSplit(res, line);
		}
		res.end();
	}

	const server = createServer((req, res) => {
		// Real providers answer browsers with CORS headers; so does this stand-in.
		res.setHeader('access-control-allow-origin', '*');
		res.setHeader('access-control-expose-headers', 'retry-after');
		if (req.method === 'OPTIONS') {
			res.writeHead(204, {
				'access-control-allow-methods': 'GET, POST, OPTIONS',
				'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*',
				'access-control-max-age': '600'
			});
			res.end();
			return;
		}
		void handle(req, res).catch(() => {
			if (!res.headersSent) sendJson(res, 500, { error: { message: 'mock server crashed' } });
			else res.destroy();
		});
	});

	async function handle(req: IncomingMessage, res: ServerResponse) {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const path = url.pathname;
		const chunks: Buffer[] = [];
		for await (const c of req) chunks.push(c as Buffer);
		const rawBody = Buffer.concat(chunks).toString('utf8');

		if (path.startsWith('/__mock/')) {
			if (req.method === 'POST' && path === '/__mock/failures') {
				queued.push(...(JSON.parse(rawBody || '[]') as MockFailure[]));
				return sendJson(res, 200, { queued: queued.length });
			}
			if (req.method === 'POST' && path === '/__mock/reset') {
				queued = [];
				requests.length = 0;
				return sendJson(res, 200, { ok: true });
			}
			if (req.method === 'GET' && path === '/__mock/requests') return sendJson(res, 200, requests);
			return sendJson(res, 404, { error: 'unknown control endpoint' });
		}

		let wire: Wire | undefined;
		if (req.method === 'POST' && (path === '/v1/chat/completions' || path === '/chat/completions'))
			wire = 'openai';
		else if (req.method === 'POST' && path === '/v1/messages') wire = 'anthropic';
		else if (req.method === 'POST' && path.startsWith('/v1beta/models/')) wire = 'gemini';
		else if (req.method === 'POST' && path === '/api/chat') wire = 'ollama';

		const log: MockRequestLog = {
			wire: wire ?? 'other',
			method: req.method ?? 'GET',
			path: path + url.search,
			stream: false,
			headers: { ...req.headers },
			body: undefined,
			status: 200
		};
		requests.push(log);
		if (latencyMs > 0) await sleep(latencyMs);

		if (!wire) {
			if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
				return sendJson(res, 200, {
					object: 'list',
					data: ['echo', 'mock-small', 'mock-large', 'gpt-4o-mini', 'claude-3-5-haiku-latest'].map(
						(id) => ({
							id,
							object: 'model',
							created: 0,
							owned_by: 'promptloom-mock'
						})
					)
				});
			}
			if (req.method === 'GET' && path === '/api/tags') {
				return sendJson(res, 200, {
					models: [
						{ name: 'echo', model: 'echo' },
						{ name: 'llama3', model: 'llama3' }
					]
				});
			}
			log.status = 404;
			return sendJson(res, 404, { error: { message: `no route for ${req.method} ${path}` } });
		}

		let body: Record<string, unknown>;
		try {
			body = JSON.parse(rawBody) as Record<string, unknown>;
			log.body = body;
		} catch {
			log.status = 400;
			return sendJson(res, 400, errorBody(wire, 400, 'request body is not valid JSON'));
		}
		const call = parseCall(wire, req, url, body);
		if (typeof call === 'string') {
			log.status = 400;
			return sendJson(res, 400, errorBody(wire, 400, call));
		}
		log.model = call.model;
		log.stream = call.stream;
		const slow = /^slow-(\d+)/.exec(call.model);
		if (slow) await sleep(Number(slow[1]));

		const failure: MockFailure | undefined =
			call.apiKey === 'bad-key'
				? { type: 'auth' }
				: (queued.shift() ?? failureFromModel(call.model));
		if (failure && failure.type !== 'malformed' && failure.type !== 'cut') {
			return sendFailure(res, call, failure, log);
		}
		if (failure) log.failure = failure.type;
		return answer(res, call, failure?.type ?? 'ok', log);
	}

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
	});
	const port = (server.address() as AddressInfo).port;
	const host = options.host ?? '127.0.0.1';

	return {
		url: `http://${host}:${port}`,
		port,
		requests,
		setFailures(failures) {
			queued = [...failures];
		},
		setLatency(ms, chunkMs) {
			latencyMs = ms;
			if (chunkMs !== undefined) chunkDelayMs = chunkMs;
		},
		reset() {
			queued = [];
			requests.length = 0;
		},
		close() {
			return new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
		}
	};
}

/** The complete (non-streamed) response body in the call's wire format. */
function completeBody(
	call: ChatCall,
	text: string,
	truncated: boolean,
	input: number,
	output: number,
	id: string
): unknown {
	switch (call.wire) {
		case 'openai':
			return {
				id: `chatcmpl-${id}`,
				object: 'chat.completion',
				created: 0,
				model: call.model,
				choices: [
					{
						index: 0,
						message: { role: 'assistant', content: text },
						finish_reason: truncated ? 'length' : 'stop'
					}
				],
				usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output }
			};
		case 'anthropic':
			return {
				id: `msg_${id}`,
				type: 'message',
				role: 'assistant',
				model: call.model,
				content: [{ type: 'text', text }],
				stop_reason: truncated ? 'max_tokens' : 'end_turn',
				stop_sequence: null,
				usage: { input_tokens: input, output_tokens: output }
			};
		case 'gemini':
			return {
				candidates: [
					{
						content: { parts: [{ text }], role: 'model' },
						finishReason: truncated ? 'MAX_TOKENS' : 'STOP',
						index: 0
					}
				],
				usageMetadata: {
					promptTokenCount: input,
					candidatesTokenCount: output,
					totalTokenCount: input + output
				},
				modelVersion: call.model
			};
		case 'ollama':
			return {
				model: call.model,
				created_at: '2025-01-01T00:00:00Z',
				message: { role: 'assistant', content: text },
				done: true,
				done_reason: truncated ? 'length' : 'stop',
				prompt_eval_count: input,
				eval_count: output
			};
	}
}

/** The streamed events `[eventName, data]` in the call's wire format. */
function streamEvents(
	call: ChatCall,
	text: string,
	truncated: boolean,
	input: number,
	output: number,
	id: string
): [string, string][] {
	const pieces = streamPieces(text);
	const j = JSON.stringify;
	switch (call.wire) {
		case 'openai': {
			const base = {
				id: `chatcmpl-${id}`,
				object: 'chat.completion.chunk',
				created: 0,
				model: call.model
			};
			const out: [string, string][] = [
				[
					'',
					j({
						...base,
						choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]
					})
				]
			];
			for (const p of pieces) {
				out.push([
					'',
					j({ ...base, choices: [{ index: 0, delta: { content: p }, finish_reason: null }] })
				]);
			}
			out.push([
				'',
				j({
					...base,
					choices: [{ index: 0, delta: {}, finish_reason: truncated ? 'length' : 'stop' }]
				})
			]);
			if (call.includeUsage) {
				out.push([
					'',
					j({
						...base,
						choices: [],
						usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output }
					})
				]);
			}
			out.push(['', '[DONE]']);
			return out;
		}
		case 'anthropic': {
			const out: [string, string][] = [
				[
					'message_start',
					j({
						type: 'message_start',
						message: {
							id: `msg_${id}`,
							type: 'message',
							role: 'assistant',
							model: call.model,
							content: [],
							stop_reason: null,
							usage: { input_tokens: input, output_tokens: 1 }
						}
					})
				],
				[
					'content_block_start',
					j({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } })
				],
				['ping', j({ type: 'ping' })]
			];
			for (const p of pieces) {
				out.push([
					'content_block_delta',
					j({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: p } })
				]);
			}
			out.push(['content_block_stop', j({ type: 'content_block_stop', index: 0 })]);
			out.push([
				'message_delta',
				j({
					type: 'message_delta',
					delta: { stop_reason: truncated ? 'max_tokens' : 'end_turn', stop_sequence: null },
					usage: { output_tokens: output }
				})
			]);
			out.push(['message_stop', j({ type: 'message_stop' })]);
			return out;
		}
		case 'gemini': {
			const out: [string, string][] = [];
			const list = pieces.length > 0 ? pieces : [''];
			let sent = '';
			list.forEach((p, i) => {
				sent += p;
				const last = i === list.length - 1;
				const candidate: Record<string, unknown> = {
					content: { parts: [{ text: p }], role: 'model' },
					index: 0
				};
				if (last) candidate.finishReason = truncated ? 'MAX_TOKENS' : 'STOP';
				out.push([
					'',
					j({
						candidates: [candidate],
						usageMetadata: {
							promptTokenCount: input,
							candidatesTokenCount: last ? output : countTextTokens(sent),
							totalTokenCount: input + (last ? output : countTextTokens(sent))
						},
						modelVersion: call.model
					})
				]);
			});
			return out;
		}
		case 'ollama': {
			const out: [string, string][] = pieces.map((p) => [
				'',
				j({
					model: call.model,
					created_at: '2025-01-01T00:00:00Z',
					message: { role: 'assistant', content: p },
					done: false
				})
			]);
			out.push([
				'',
				j({
					model: call.model,
					created_at: '2025-01-01T00:00:00Z',
					message: { role: 'assistant', content: '' },
					done: true,
					done_reason: truncated ? 'length' : 'stop',
					prompt_eval_count: input,
					eval_count: output
				})
			]);
			return out;
		}
	}
}
