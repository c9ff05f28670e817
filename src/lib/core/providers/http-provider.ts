/** @module One provider over fetch: timeout, cancel, retries, streaming, usage and cost. */
import { ProviderError, kindForStatus, messageForStatus, redact } from './errors';
import { costOf, type PriceTable } from './prices';
import { parseRetryAfter, withRetry, type RetryEnv, type RetryPolicy } from './retry';
import { NdjsonParser, SseParser, readText } from './stream-parse';
import { countChatTokens, countTokens, loadTokenizer } from './tokens';
import type { ChatOptions, ChatRequest, ChatResult, LlmProvider, ProviderKind } from './types';
import { WireShapeError, parseJson, type WireAdapter, type WireOutcome } from './wire';

export interface HttpProviderConfig {
	id: string;
	kind: ProviderKind;
	label: string;
	/** Base URL without a trailing slash; the adapter appends its path. */
	baseUrl: string;
	apiKey?: string;
	/** Extra headers sent with every request (e.g. OpenRouter's `HTTP-Referer`). */
	headers?: Record<string, string>;
	/** Per-attempt time limit in ms. */
	timeoutMs: number;
	retry?: Partial<RetryPolicy>;
	/** Clock overrides, for tests that observe backoff delays. */
	retryEnv?: Partial<RetryEnv>;
	prices?: PriceTable;
	/** A fetch implementation; defaults to `globalThis.fetch`. */
	fetch?: typeof fetch;
}

function describeNetworkError(e: unknown): string {
	const cause = e instanceof Error && e.cause instanceof Error ? e.cause : undefined;
	const code = cause && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
	return code ?? cause?.message ?? (e instanceof Error ? e.message : String(e));
}

/** Creates an LlmProvider that speaks `adapter`'s wire format with `fetch`. */
export function createHttpProvider(adapter: WireAdapter, config: HttpProviderConfig): LlmProvider {
	const doFetch = config.fetch ?? ((input, init) => globalThis.fetch(input, init));
	const label = config.label;
	const clean = (text: string) => redact(text, config.apiKey);

	function fail(
		kind: ProviderError['kind'],
		message: string,
		extra: { status?: number; retryAfterMs?: number; partialText?: string; cause?: unknown } = {}
	): ProviderError {
		return new ProviderError(clean(message), { kind, provider: label, ...extra });
	}

	const cancelled = () => fail('cancelled', `request to ${label} was cancelled`);

	async function attempt(
		req: ChatRequest,
		opts: ChatOptions,
		stream: boolean
	): Promise<ChatResult> {
		const wire = adapter.build(req, stream, config.apiKey);
		const url = config.baseUrl + wire.path;
		const controller = new AbortController();
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			controller.abort();
		}, config.timeoutMs);
		const onAbort = () => controller.abort();
		opts.signal?.addEventListener('abort', onAbort, { once: true });
		let partial = '';

		/** Turns any thrown value into the right ProviderError for this moment of the call. */
		const classify = (e: unknown, phase: 'connect' | 'body'): ProviderError => {
			if (opts.signal?.aborted) {
				return fail('cancelled', `request to ${label} was cancelled`, {
					partialText: partial || undefined
				});
			}
			if (timedOut) {
				return fail('timeout', `${label} did not answer within ${config.timeoutMs} ms`, {
					partialText: partial || undefined
				});
			}
			if (e instanceof ProviderError) return e;
			if (e instanceof WireShapeError) {
				return fail('malformed', `malformed response from ${label}: ${e.message}`, { cause: e });
			}
			if (phase === 'connect') {
				return fail(
					'network',
					`network down: could not reach ${url} (${describeNetworkError(e)})`,
					{
						cause: e
					}
				);
			}
			return fail(
				'network',
				stream
					? `${label} stream was cut mid-way after ${partial.length} characters (${describeNetworkError(e)})`
					: `${label} response was cut mid-way (${describeNetworkError(e)})`,
				{ partialText: partial || undefined, cause: e }
			);
		};

		try {
			if (opts.signal?.aborted) throw cancelled();
			const started = Date.now();
			let res: Response;
			try {
				res = await doFetch(url, {
					method: 'POST',
					headers: { ...wire.headers, ...config.headers },
					body: JSON.stringify(wire.body),
					signal: controller.signal
				});
			} catch (e) {
				throw classify(e, 'connect');
			}
			try {
				if (!res.ok) {
					const text = await res.text().catch(() => '');
					let body: unknown = text;
					try {
						body = JSON.parse(text);
					} catch {
						// plain-text error body
					}
					const status = res.status;
					throw fail(
						kindForStatus(status),
						messageForStatus(label, status, req.model, adapter.errorMessage(body)),
						{
							status,
							retryAfterMs: parseRetryAfter(res.headers.get('retry-after'))
						}
					);
				}
				let outcome: WireOutcome;
				let raw: unknown;
				if (!stream || !res.body) {
					const json = parseJson(await res.text());
					raw = json;
					outcome = adapter.parse(json, req);
				} else {
					const state = adapter.startStream(req);
					const handle = (event: string, data: string) => {
						const step = state.handle(event, data);
						if (step.error)
							throw fail(
								step.error.kind,
								`${label} reported an error mid-stream: ${step.error.message}`,
								{ partialText: partial || undefined }
							);
						if (step.delta) {
							partial += step.delta;
							opts.onDelta?.(step.delta);
						}
					};
					if (adapter.streamFormat === 'sse') {
						const parser = new SseParser();
						for await (const chunk of readText(res.body)) {
							for (const ev of parser.push(chunk)) handle(ev.event, ev.data);
						}
						parser.end();
					} else {
						const parser = new NdjsonParser();
						for await (const chunk of readText(res.body)) {
							for (const line of parser.push(chunk)) handle('line', line);
						}
						for (const line of parser.end()) handle('line', line);
					}
					if (!state.finished()) {
						throw fail(
							'network',
							`${label} stream was cut mid-way after ${partial.length} characters (ended without its final event)`,
							{ partialText: partial || undefined }
						);
					}
					raw = state.last();
					outcome = { text: partial, ...state.outcome() };
				}
				const latencyMs = Date.now() - started;
				if (!outcome.usage) await loadTokenizer();
				const usage = outcome.usage
					? { ...outcome.usage }
					: {
							inputTokens: countChatTokens(req.messages, req.model),
							outputTokens: countTokens(outcome.text),
							estimated: true
						};
				const model = outcome.model ?? req.model;
				const priceOpts = { table: config.prices, provider: config.kind };
				const costUsd = costOf(usage, model, priceOpts) ?? costOf(usage, req.model, priceOpts);
				return {
					text: outcome.text,
					usage,
					latencyMs,
					costUsd,
					model,
					finishReason: outcome.finishReason,
					attempts: 1,
					raw
				};
			} catch (e) {
				throw classify(e, 'body');
			}
		} finally {
			clearTimeout(timer);
			opts.signal?.removeEventListener('abort', onAbort);
		}
	}

	return {
		id: config.id,
		kind: config.kind,
		label,
		async chat(req: ChatRequest, opts: ChatOptions = {}): Promise<ChatResult> {
			const stream = opts.stream ?? opts.onDelta !== undefined;
			let attempts = 0;
			const result = await withRetry(
				(ctx) => {
					attempts = ctx.attempt;
					return attempt(req, opts, stream);
				},
				{
					policy: config.retry,
					env: config.retryEnv,
					signal: opts.signal,
					onCancelled: cancelled,
					// Once text reached the caller, a retry would show it twice: stop instead.
					canRetry: (e) => !e.partialText
				}
			);
			return { ...result, attempts };
		}
	};
}
