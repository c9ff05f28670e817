/**
 * @module `PromptloomClient`: fetches prompts from a Promptloom relay for an application, with an
 * in-memory stale-while-revalidate cache (ETag revalidation), retries with backoff, fallbacks,
 * typed errors, and local rendering with the app's own safe template engine.
 */
import {
	listPromptsResponseSchema,
	promptVersionSchema,
	renderResponseSchema,
	type ListPromptsResponse,
	type Observation,
	type PromptVersionBody,
	type RenderResponse
} from '../lib/core/api/schemas';
import type { z } from '../lib/core/model/zod';
import { TemplateError } from '../lib/core/template/errors';
import { includeKey, resolveIncludes } from '../lib/core/template/includes';
import { renderRequest } from '../lib/core/template/render';
import type {
	ChatMessage,
	FewShotSet,
	IncludeRef,
	RenderLimits,
	RenderResult
} from '../lib/core/template/types';
import { NetworkError, PromptloomClientError, RenderError, apiError } from './errors';

export interface PromptloomClientOptions {
	/** The relay's URL, e.g. `https://relay.example.com` (its `/v1` API is used). */
	baseUrl: string;
	/** A secret API key `sk-pl-…` (a read key is enough). */
	apiKey: string;
	/** How long a fetched prompt is fresh; after that it is served stale and revalidated. Default 60. */
	cacheTtlSeconds?: number;
	/** Retries of a failed request (network error, 429, 5xx). Default 3. */
	maxRetries?: number;
	/** First retry delay; doubles each time (with jitter), or `Retry-After` when given. Default 250. */
	retryBaseMs?: number;
	/** Time a request may take before it is aborted. Default 10,000. */
	timeoutMs?: number;
	fetch?: typeof globalThis.fetch;
	/** Clock (tests). */
	now?: () => number;
}

export interface GetPromptOptions {
	/** Label to read (default `production`); `latest` is the head of main. */
	label?: string;
	/** A version number on main or a version id; overrides `label`. */
	version?: number | string;
	/** Freshness of this entry (default: the client's). 0 always asks the relay (with the ETag). */
	cacheTtlSeconds?: number;
	/** Used when the prompt cannot be fetched and nothing is cached: a text or chat messages. */
	fallback?: string | ChatMessage[];
}

export interface RenderOptions {
	/** Few-shot sets that `fewshot("name")` and `{fewshot: name}` messages insert. */
	fewShotSets?: FewShotSet[];
	/** A variable the template needs and `variables` lacks is an error (default true). */
	strict?: boolean;
	limits?: Partial<RenderLimits>;
}

/** A prompt version as the relay serves it, ready to render. */
export interface Prompt extends PromptVersionBody {
	/** True when this is the `fallback` given to {@link PromptloomClient.getPrompt}. */
	isFallback: boolean;
}

interface CacheEntry {
	prompt: Prompt;
	etag: string | null;
	fetchedAt: number;
	ttlMs: number;
	refreshing: Promise<Prompt> | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class PromptloomClient {
	readonly #o: Required<Omit<PromptloomClientOptions, 'fetch' | 'now'>>;
	readonly #fetch: typeof globalThis.fetch;
	readonly #now: () => number;
	readonly #cache = new Map<string, CacheEntry>();
	readonly #inflight = new Map<string, Promise<Prompt>>();

	constructor(options: PromptloomClientOptions) {
		if (!options.baseUrl) throw new PromptloomClientError('baseUrl is required');
		if (!options.apiKey?.startsWith('sk-pl-'))
			throw new PromptloomClientError('apiKey must be a secret key (sk-pl-…)');
		this.#o = {
			baseUrl: options.baseUrl.replace(/\/+$/, ''),
			apiKey: options.apiKey,
			cacheTtlSeconds: options.cacheTtlSeconds ?? 60,
			maxRetries: options.maxRetries ?? 3,
			retryBaseMs: options.retryBaseMs ?? 250,
			timeoutMs: options.timeoutMs ?? 10_000
		};
		this.#fetch = options.fetch ?? ((...a) => globalThis.fetch(...a));
		this.#now = options.now ?? Date.now;
	}

	/**
	 * The prompt `name` at a label (default `production`) or version. A fresh cached copy is
	 * returned at once; a stale one too, while it is revalidated in the background (a 304 keeps
	 * it). Without a cached copy the relay is asked (with retries); if that fails, `fallback`
	 * is returned when given, else the error is thrown.
	 */
	async getPrompt(name: string, options: GetPromptOptions = {}): Promise<Prompt> {
		const key = cacheKey(name, options);
		const ttlMs = (options.cacheTtlSeconds ?? this.#o.cacheTtlSeconds) * 1000;
		const hit = this.#cache.get(key);
		if (hit) {
			hit.ttlMs = ttlMs;
			if (this.#now() - hit.fetchedAt < ttlMs) return hit.prompt;
			if (ttlMs > 0) {
				hit.refreshing ??= this.#refresh(key, name, options).finally(() => (hit.refreshing = null));
				hit.refreshing.catch(() => {});
				return hit.prompt;
			}
		}
		try {
			return await this.#refresh(key, name, options);
		} catch (e) {
			if (options.fallback === undefined) throw e;
			return fallbackPrompt(name, options);
		}
	}

	/** Fetches (or revalidates) one cache entry; concurrent callers share the request. */
	#refresh(key: string, name: string, options: GetPromptOptions): Promise<Prompt> {
		let run = this.#inflight.get(key);
		if (run) return run;
		run = (async () => {
			const old = this.#cache.get(key);
			const q = new URLSearchParams();
			if (options.version !== undefined) q.set('version', String(options.version));
			else if (options.label) q.set('label', options.label);
			const path = `/v1/prompts/${encodeURIComponent(name)}${q.size ? `?${q}` : ''}`;
			const res = await this.#request('GET', path, undefined, old?.etag ?? undefined);
			const ttlMs = (options.cacheTtlSeconds ?? this.#o.cacheTtlSeconds) * 1000;
			if (res.status === 304 && old) {
				old.fetchedAt = this.#now();
				return old.prompt;
			}
			const body = parse(promptVersionSchema, await res.json(), path);
			const prompt: Prompt = { ...body, isFallback: false };
			this.#cache.set(key, {
				prompt,
				etag: res.headers.get('etag'),
				fetchedAt: this.#now(),
				ttlMs,
				refreshing: null
			});
			return prompt;
		})().finally(() => this.#inflight.delete(key));
		this.#inflight.set(key, run);
		return run;
	}

	/** Drops cached prompts (all of them, or those of `name`). */
	invalidate(name?: string): void {
		for (const key of [...this.#cache.keys()])
			if (name === undefined || key.startsWith(`${name}\u0000`)) this.#cache.delete(key);
	}

	/**
	 * Renders `prompt` here, with the same safe template engine as the app and the relay
	 * (no code runs from a template; time, size and depth limits). Included prompts are fetched
	 * through this client (and its cache): pinned ones as written, others at the prompt's label.
	 */
	async render(
		prompt: Prompt,
		variables: Record<string, unknown> = {},
		options: RenderOptions = {}
	): Promise<RenderResult> {
		const sources = prompt.template ?? (prompt.messages ?? []).map((m) => m.content);
		const syntax = prompt.templateOptions;
		const label = prompt.labels.find((l) => l !== 'latest') ?? 'production';
		try {
			const includes = await resolveIncludes(sources, (ref) => this.#include(ref, label), syntax);
			return renderRequest({
				...(prompt.template !== null
					? { template: prompt.template }
					: { messages: prompt.messages ?? [] }),
				variables,
				includes,
				fewShotSets: options.fewShotSets,
				options: { ...syntax, strict: options.strict ?? true, limits: options.limits }
			});
		} catch (e) {
			if (e instanceof TemplateError) throw new RenderError(e.code, e.message);
			throw e;
		}
	}

	async #include(ref: IncludeRef, label: string) {
		try {
			const p =
				ref.version || ref.label
					? await this.getPrompt(ref.name, { version: ref.version, label: ref.label })
					: await this.getPrompt(ref.name, { label }).catch(() =>
							this.getPrompt(ref.name, { label: 'latest' })
						);
			const source =
				p.template ?? (p.messages ?? []).map((m) => `[${m.role}]\n${m.content}`).join('\n\n');
			return { source, versionId: p.version.id };
		} catch (e) {
			throw new TemplateError(
				'not_found',
				`include ${includeKey(ref)}: ${e instanceof Error ? e.message : String(e)}`
			);
		}
	}

	/** Renders on the relay (`POST /v1/prompts/{name}/render`). */
	async renderRemote(
		name: string,
		input: {
			label?: string;
			version?: number | string;
			variables?: Record<string, unknown>;
			fewShotSets?: FewShotSet[];
			strict?: boolean;
		} = {}
	): Promise<RenderResponse> {
		const path = `/v1/prompts/${encodeURIComponent(name)}/render`;
		const res = await this.#request('POST', path, input);
		return parse(renderResponseSchema, await res.json(), path);
	}

	/** One page of the prompt list (`GET /v1/prompts`). */
	async listPrompts(
		query: {
			tag?: string;
			label?: string;
			folder?: string;
			q?: string;
			cursor?: string;
			limit?: number;
		} = {}
	): Promise<ListPromptsResponse> {
		const q = new URLSearchParams();
		for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, String(v));
		const path = `/v1/prompts${q.size ? `?${q}` : ''}`;
		return parse(listPromptsResponseSchema, await (await this.#request('GET', path)).json(), path);
	}

	/** Reports calls made with prompt versions (`POST /v1/observations`). */
	async recordObservations(observations: Observation[]): Promise<number> {
		const res = await this.#request('POST', '/v1/observations', { observations });
		return ((await res.json()) as { accepted: number }).accepted;
	}

	/**
	 * One HTTP request with retries: network errors, 408, 429 and 5xx are retried up to
	 * `maxRetries` times, waiting `Retry-After` when given, else a doubling delay with jitter.
	 * Resolves with a 2xx or 304 answer; throws the typed error of any other.
	 */
	async #request(method: string, path: string, body?: unknown, etag?: string): Promise<Response> {
		const url = this.#o.baseUrl + path;
		for (let attempt = 0; ; attempt++) {
			let res: Response;
			try {
				res = await this.#fetch(url, {
					method,
					headers: {
						authorization: `Bearer ${this.#o.apiKey}`,
						accept: 'application/json',
						...(body !== undefined ? { 'content-type': 'application/json' } : {}),
						...(etag ? { 'if-none-match': etag } : {})
					},
					body: body === undefined ? undefined : JSON.stringify(body),
					signal: AbortSignal.timeout(this.#o.timeoutMs)
				});
			} catch (e) {
				if (attempt < this.#o.maxRetries) {
					await sleep(this.#delay(attempt, null));
					continue;
				}
				throw new NetworkError(
					`the relay at ${this.#o.baseUrl} cannot be reached: ${e instanceof Error ? e.message : e}`,
					{ cause: e }
				);
			}
			if (res.ok || res.status === 304) return res;
			const retryAfter = Number(res.headers.get('retry-after')) || null;
			const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
			if (retryable && attempt < this.#o.maxRetries) {
				await res.body?.cancel();
				await sleep(this.#delay(attempt, retryAfter));
				continue;
			}
			const json = (await res.json().catch(() => null)) as {
				error?: { code?: string; message?: string };
			} | null;
			throw apiError(
				res.status,
				json?.error?.code ?? 'unknown',
				json?.error?.message ?? `the relay answered ${res.status} to ${method} ${path}`,
				retryAfter
			);
		}
	}

	#delay(attempt: number, retryAfter: number | null): number {
		if (retryAfter !== null) return retryAfter * 1000;
		const base = this.#o.retryBaseMs * 2 ** attempt;
		return base / 2 + Math.random() * (base / 2);
	}
}

function cacheKey(name: string, o: GetPromptOptions): string {
	return o.version !== undefined
		? `${name}\u0000v\u0000${o.version}`
		: `${name}\u0000l\u0000${o.label ?? 'production'}`;
}

function parse<S extends z.ZodType>(schema: S, value: unknown, path: string): z.output<S> {
	const r = schema.safeParse(value);
	if (!r.success)
		throw new PromptloomClientError(
			`unexpected answer from ${path}: ${r.error.issues[0]?.message}`
		);
	return r.data;
}

function fallbackPrompt(name: string, o: GetPromptOptions): Prompt {
	const chat = Array.isArray(o.fallback);
	return {
		name,
		type: chat ? 'chat' : 'text',
		version: {
			id: 'fallback',
			number: null,
			message: '',
			author: '',
			createdAt: new Date(0).toISOString(),
			branch: ''
		},
		labels: o.label ? [o.label] : [],
		template: chat ? null : (o.fallback as string),
		messages: chat ? (o.fallback as ChatMessage[]) : null,
		config: { model: '', params: {} },
		tags: [],
		description: '',
		templateOptions: { trimBlocks: false, lstripBlocks: false },
		variables: [],
		isFallback: true
	};
}
