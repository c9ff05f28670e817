import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { startMockLlm, type MockLlmServer } from '../../../../tests/support/mock-llm/server';
import { answerFor, countInputTokens } from '../../../../tests/support/mock-llm/answers';
import { createProvider, providerFromEnv, type ProviderSettings } from './create';
import { ProviderError } from './errors';
import type { PriceTable } from './prices';
import { countChatTokens, loadTokenizer } from './tokens';
import type { ChatMessage, ChatResult, ProviderKind } from './types';

let mock: MockLlmServer;
beforeAll(async () => {
	mock = await startMockLlm({ port: 0 });
});
afterAll(async () => {
	await mock.close();
});
beforeEach(() => {
	mock.reset();
	mock.setLatency(0, 0);
});

const PRICES: PriceTable = {
	asOf: '2026-01-01',
	currency: 'USD',
	entries: [{ model: 'mock-model', inputPer1M: 1, outputPer1M: 2 }]
};

/** Records backoff delays instead of waiting them out. */
function recordedSleep() {
	const delays: number[] = [];
	return { delays, env: { sleep: async (ms: number) => void delays.push(ms) } };
}

function provider(kind: ProviderKind, extra: Partial<ProviderSettings> = {}) {
	return createProvider({
		kind,
		baseUrl: kind === 'openai' || kind === 'openai-compatible' ? `${mock.url}/v1` : mock.url,
		apiKey: 'test-key-123',
		prices: PRICES,
		retry: { baseDelayMs: 1 },
		...extra
	});
}

async function failure(p: Promise<ChatResult>): Promise<ProviderError> {
	const e = await p.then(
		() => undefined,
		(x: unknown) => x
	);
	expect(e).toBeInstanceOf(ProviderError);
	return e as ProviderError;
}

const messages: ChatMessage[] = [
	{ role: 'system', content: 'You are a careful assistant.' },
	{ role: 'user', content: 'Name three colours of the sea, please. Ünïcödé 🌊' }
];

describe.each(['openai', 'anthropic', 'gemini', 'ollama'] as const)('%s wire format', (kind) => {
	it('answers a chat with text, usage, cost, latency and finish reason', async () => {
		const result = await provider(kind).chat({ model: 'mock-model', messages, temperature: 0 });
		expect(result.text).toBe(answerFor('mock-model', messages));
		expect(result.usage.inputTokens).toBe(countInputTokens(messages));
		expect(result.usage.estimated).toBeUndefined();
		expect(result.usage.outputTokens).toBeGreaterThan(5);
		expect(result.costUsd).toBeCloseTo(
			(result.usage.inputTokens * 1 + result.usage.outputTokens * 2) / 1e6,
			12
		);
		expect(result.latencyMs).toBeGreaterThanOrEqual(0);
		expect(result.finishReason).toBe('stop');
		expect(result.attempts).toBe(1);
		expect(mock.requests).toHaveLength(1);
		expect(mock.requests[0]).toMatchObject({ wire: kind, stream: false, status: 200 });
	});

	it('streams deltas that concatenate to the final text, with the same usage', async () => {
		const deltas: string[] = [];
		const p = provider(kind);
		const streamed = await p.chat(
			{ model: 'mock-model', messages },
			{ onDelta: (d) => deltas.push(d) }
		);
		const whole = await p.chat({ model: 'mock-model', messages });
		expect(deltas.length).toBeGreaterThan(3);
		expect(deltas.join('')).toBe(streamed.text);
		expect(streamed.text).toBe(whole.text);
		expect(streamed.usage).toEqual(whole.usage);
		expect(streamed.costUsd).toBe(whole.costUsd);
		expect(mock.requests[0].stream).toBe(true);
	});

	it('echoes the last user message for echo models, multi-byte characters intact', async () => {
		const deltas: string[] = [];
		const r = await provider(kind).chat(
			{ model: 'echo', messages },
			{ onDelta: (d) => deltas.push(d) }
		);
		expect(r.text).toBe(messages[1].content);
		expect(deltas.join('')).toBe(messages[1].content);
	});

	it('reports finish reason length when maxTokens cuts the answer', async () => {
		const r = await provider(kind).chat({ model: 'mock-model', messages, maxTokens: 3 });
		expect(r.finishReason).toBe('length');
		expect(r.usage.outputTokens).toBe(3);
	});

	it('reports an unknown model as unknown_model (404) without retrying', async () => {
		const e = await failure(provider(kind).chat({ model: 'unknown-model', messages }));
		expect(e.kind).toBe('unknown_model');
		expect(e.status).toBe(404);
		expect(e.message).toContain('unknown-model');
		expect(mock.requests).toHaveLength(1);
	});

	it('reports a rejected key as auth (401) without retrying and without echoing the key', async () => {
		const e = await failure(
			provider(kind, { apiKey: 'bad-key' }).chat({ model: 'mock-model', messages })
		);
		expect(e.kind).toBe('auth');
		expect(e.status).toBe(401);
		expect(e.message).toMatch(/rejected the API key \(401\)/);
		expect(e.message).not.toContain('bad-key');
		expect(mock.requests).toHaveLength(1);
	});

	it('reports a stream cut mid-way as network, keeps the partial text and does not retry it', async () => {
		const deltas: string[] = [];
		const e = await failure(
			provider(kind).chat({ model: 'fail-cut', messages }, { onDelta: (d) => deltas.push(d) })
		);
		expect(e.kind).toBe('network');
		expect(e.message).toContain('cut mid-way');
		expect(e.partialText).toBe(deltas.join(''));
		expect(deltas.length).toBeGreaterThan(0);
		expect(e.attempts).toBe(1);
		expect(mock.requests).toHaveLength(1);
	});

	it('reports invalid JSON in a stream as malformed', async () => {
		const e = await failure(
			provider(kind).chat({ model: 'fail-malformed', messages }, { onDelta: () => undefined })
		);
		expect(e.kind).toBe('malformed');
		expect(e.message).toContain('malformed response');
	});
});

describe('request shape', () => {
	it('sends Anthropic its key, version and browser-access headers, and the system prompt apart', async () => {
		await provider('anthropic').chat({ model: 'mock-model', messages });
		const { headers, body } = mock.requests[0];
		expect(headers['x-api-key']).toBe('test-key-123');
		expect(headers['anthropic-version']).toBe('2023-06-01');
		expect(headers['anthropic-dangerous-direct-browser-access']).toBe('true');
		expect(body).toMatchObject({
			system: messages[0].content,
			max_tokens: 1024,
			messages: [{ role: 'user' }]
		});
	});

	it('sends OpenAI a bearer token, stream_options.include_usage and extra params', async () => {
		await provider('openai').chat(
			{ model: 'mock-model', messages, params: { top_p: 0.5 } },
			{ onDelta: () => undefined }
		);
		const { headers, body } = mock.requests[0];
		expect(headers.authorization).toBe('Bearer test-key-123');
		expect(body).toMatchObject({
			stream: true,
			stream_options: { include_usage: true },
			top_p: 0.5
		});
	});

	it('sends Gemini its key header and the model in the path', async () => {
		await provider('gemini').chat(
			{ model: 'gemini-2.5-flash', messages, maxTokens: 50 },
			{ onDelta: () => undefined }
		);
		const r = mock.requests[0];
		expect(r.headers['x-goog-api-key']).toBe('test-key-123');
		expect(r.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
		expect(r.body).toMatchObject({ generationConfig: { maxOutputTokens: 50 } });
	});

	it('counts the same input tokens locally as the server reports', async () => {
		const r = await provider('openai').chat({ model: 'gpt-4o-mini', messages });
		await loadTokenizer();
		expect(countChatTokens(messages, 'gpt-4o-mini')).toBe(r.usage.inputTokens);
	});
});

describe('retries', () => {
	it('retries a 429 after the Retry-After seconds, then succeeds', async () => {
		const clock = recordedSleep();
		mock.setFailures([{ type: 'rate_limit', retryAfter: 2 }]);
		const r = await provider('openai', { retryEnv: clock.env }).chat({
			model: 'mock-model',
			messages
		});
		expect(r.text).toBe(answerFor('mock-model', messages));
		expect(r.attempts).toBe(2);
		expect(clock.delays).toEqual([2000]);
		expect(mock.requests.map((q) => q.status)).toEqual([429, 200]);
	});

	it('honours a Retry-After given as an HTTP date', async () => {
		const clock = recordedSleep();
		mock.setFailures([
			{ type: 'rate_limit', retryAfter: new Date(Date.now() + 5000).toUTCString() }
		]);
		await provider('gemini', { retryEnv: clock.env }).chat({ model: 'mock-model', messages });
		expect(clock.delays).toHaveLength(1);
		expect(clock.delays[0]).toBeGreaterThan(2000);
		expect(clock.delays[0]).toBeLessThanOrEqual(5000);
	});

	it('waits for real on the default clock before retrying', async () => {
		mock.setFailures([{ type: 'rate_limit', retryAfter: 1 }]);
		const r = await provider('anthropic').chat({ model: 'mock-model', messages });
		expect(r.attempts).toBe(2);
	});

	it('gives up on a 429 storm after maxAttempts, saying how often it retried', async () => {
		const clock = recordedSleep();
		const e = await failure(
			provider('anthropic', { retryEnv: clock.env, retry: { maxAttempts: 5 } }).chat({
				model: 'fail-429',
				messages
			})
		);
		expect(e.kind).toBe('rate_limit');
		expect(e.status).toBe(429);
		expect(e.message).toMatch(/^rate limited by Anthropic \(429\).*; retried 4 times$/);
		expect(e.attempts).toBe(5);
		expect(mock.requests).toHaveLength(5);
		expect(clock.delays).toEqual([1000, 1000, 1000, 1000]);
	});

	it('retries a 500 with jittered backoff and succeeds', async () => {
		const clock = recordedSleep();
		mock.setFailures([{ type: 'server_error' }, { type: 'server_error', status: 503 }]);
		const r = await provider('ollama', {
			retryEnv: { ...clock.env, random: () => 0.5 },
			retry: { baseDelayMs: 100 }
		}).chat({
			model: 'mock-model',
			messages
		});
		expect(r.attempts).toBe(3);
		expect(clock.delays).toEqual([50, 100]);
	});

	it('reports persistent 500s as a server error', async () => {
		const clock = recordedSleep();
		const e = await failure(
			provider('openai', { retryEnv: clock.env, retry: { maxAttempts: 2 } }).chat({
				model: 'fail-500',
				messages
			})
		);
		expect(e.kind).toBe('server');
		expect(e.status).toBe(500);
		expect(e.message).toMatch(/^OpenAI server error \(500\).*; retried 1 time$/);
	});

	it('reports a malformed JSON body as malformed without retrying', async () => {
		const e = await failure(provider('openai').chat({ model: 'fail-malformed', messages }));
		expect(e.kind).toBe('malformed');
		expect(e.message).toContain('invalid JSON');
		expect(mock.requests).toHaveLength(1);
	});

	it('retries a non-streamed response cut mid-way, since nothing was shown yet', async () => {
		mock.setFailures([{ type: 'cut' }]);
		const r = await provider('anthropic').chat({ model: 'mock-model', messages });
		expect(r.attempts).toBe(2);
	});
});

describe('time limits, cancellation and the network', () => {
	it('times out a request that never answers', async () => {
		const e = await failure(
			provider('openai', { timeoutMs: 150 }).chat({ model: 'fail-hang', messages })
		);
		expect(e.kind).toBe('timeout');
		expect(e.message).toBe('OpenAI did not answer within 150 ms');
	});

	it('cancels a pending request through its AbortSignal', async () => {
		const controller = new AbortController();
		const pending = provider('anthropic').chat(
			{ model: 'fail-hang', messages },
			{ signal: controller.signal }
		);
		setTimeout(() => controller.abort(), 30);
		const e = await failure(pending);
		expect(e.kind).toBe('cancelled');
	});

	it('cancels mid-stream and keeps the text received so far', async () => {
		mock.setLatency(0, 20);
		const controller = new AbortController();
		const deltas: string[] = [];
		const e = await failure(
			provider('gemini').chat(
				{ model: 'mock-model', messages },
				{
					signal: controller.signal,
					onDelta: (d) => {
						deltas.push(d);
						if (deltas.length === 2) controller.abort();
					}
				}
			)
		);
		expect(e.kind).toBe('cancelled');
		expect(e.partialText).toBe(deltas.join(''));
	});

	it('does not send a request whose signal is already aborted', async () => {
		const controller = new AbortController();
		controller.abort();
		const e = await failure(
			provider('openai').chat({ model: 'mock-model', messages }, { signal: controller.signal })
		);
		expect(e.kind).toBe('cancelled');
		expect(mock.requests).toHaveLength(0);
	});

	it('reports a closed port as network down, after retrying', async () => {
		const port = await new Promise<number>((resolve) => {
			const s = createServer();
			s.listen(0, '127.0.0.1', () => {
				const p = (s.address() as { port: number }).port;
				s.close(() => resolve(p));
			});
		});
		const clock = recordedSleep();
		const e = await failure(
			createProvider({
				kind: 'openai-compatible',
				baseUrl: `http://127.0.0.1:${port}/v1`,
				retry: { maxAttempts: 2 },
				retryEnv: clock.env
			}).chat({ model: 'x', messages })
		);
		expect(e.kind).toBe('network');
		expect(e.message).toBe(
			`network down: could not reach http://127.0.0.1:${port}/v1/chat/completions (ECONNREFUSED); retried 1 time`
		);
		expect(e.attempts).toBe(2);
	});
});

describe('providerFromEnv', () => {
	it('honours OPENAI_BASE_URL and OPENAI_API_KEY', async () => {
		const { provider: p, model } = providerFromEnv('openai:chat:echo', {
			OPENAI_BASE_URL: `${mock.url}/v1`,
			OPENAI_API_KEY: 'env-openai-key'
		});
		expect(model).toBe('echo');
		const r = await p.chat({ model, messages: [{ role: 'user', content: 'hello from env' }] });
		expect(r.text).toBe('hello from env');
		expect(mock.requests[0].headers.authorization).toBe('Bearer env-openai-key');
	});

	it('honours ANTHROPIC_BASE_URL and ANTHROPIC_API_KEY', async () => {
		const { provider: p, model } = providerFromEnv('anthropic:messages:echo', {
			ANTHROPIC_BASE_URL: mock.url,
			ANTHROPIC_API_KEY: 'env-anthropic-key'
		});
		const r = await p.chat({ model, messages: [{ role: 'user', content: 'hi' }] });
		expect(r.text).toBe('hi');
		expect(mock.requests[0].headers['x-api-key']).toBe('env-anthropic-key');
	});

	it('honours OLLAMA_HOST without a scheme and GEMINI_* variables', async () => {
		const o = providerFromEnv('ollama:llama3:8b', { OLLAMA_HOST: mock.url.replace('http://', '') });
		expect(o.model).toBe('llama3:8b');
		await o.provider.chat({ model: o.model, messages });
		const g = providerFromEnv('gemini:gemini-2.5-flash', {
			GEMINI_BASE_URL: mock.url,
			GEMINI_API_KEY: 'g-key'
		});
		await g.provider.chat({ model: g.model, messages });
		expect(mock.requests.map((r) => r.wire)).toEqual(['ollama', 'gemini']);
		expect(mock.requests[1].headers['x-goog-api-key']).toBe('g-key');
	});
});

describe('createProvider', () => {
	it('requires a base URL for an OpenAI-compatible server and rejects non-http URLs', () => {
		expect(() => createProvider({ kind: 'openai-compatible' })).toThrow(/needs a base URL/);
		expect(() => createProvider({ kind: 'openai', baseUrl: 'file:///etc' })).toThrow(
			/http or https/
		);
		expect(() => createProvider({ kind: 'nope' as ProviderKind })).toThrow(/unknown provider kind/);
	});

	it('names an OpenAI-compatible server by its host in messages', async () => {
		const p = createProvider({ kind: 'openai-compatible', baseUrl: `${mock.url}/v1/` });
		expect(p.label).toBe(`OpenAI-compatible server at 127.0.0.1:${mock.port}`);
		const e = await failure(p.chat({ model: 'unknown-x', messages }));
		expect(e.message).toContain(
			`OpenAI-compatible server at 127.0.0.1:${mock.port} does not know model "unknown-x"`
		);
	});
});

describe('test LLM server control endpoints', () => {
	it('lists models and queues failures over HTTP for tests in another process', async () => {
		const models = (await (await fetch(`${mock.url}/v1/models`)).json()) as {
			data: { id: string }[];
		};
		expect(models.data.map((m) => m.id)).toContain('echo');
		const queued = await fetch(`${mock.url}/__mock/failures`, {
			method: 'POST',
			body: JSON.stringify([{ type: 'unknown_model' }])
		});
		expect(queued.status).toBe(200);
		const e = await failure(provider('openai').chat({ model: 'mock-model', messages }));
		expect(e.kind).toBe('unknown_model');
		const log = (await (await fetch(`${mock.url}/__mock/requests`)).json()) as {
			failure?: string;
		}[];
		expect(log.at(-1)?.failure).toBe('unknown_model');
	});
});
