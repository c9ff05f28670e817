/** @module Builds configured providers from a settings object or from environment variables. */
import { PromptloomError } from '../model/errors';
import { blockedPort } from './blocked-ports';
import { createHttpProvider } from './http-provider';
import { parseModelSpec } from './model-spec';
import type { PriceTable } from './prices';
import type { RetryEnv, RetryPolicy } from './retry';
import { PROVIDER_KINDS, type LlmProvider, type ProviderKind } from './types';
import { anthropicWire } from './wire-anthropic';
import { geminiWire } from './wire-gemini';
import { ollamaWire } from './wire-ollama';
import { openaiWire } from './wire-openai';
import type { WireAdapter } from './wire';

/** What the settings screen stores per configured provider (the key comes from the vault). */
export interface ProviderSettings {
	kind: ProviderKind;
	/** Defaults to `kind`; lets several OpenAI-compatible servers coexist (`my-vllm`, `openrouter`). */
	id?: string;
	/** Name shown in messages; defaults to the provider's name or the server's host. */
	name?: string;
	/** Defaults per kind (see DEFAULT_BASE_URLS); required for `openai-compatible`. */
	baseUrl?: string;
	apiKey?: string;
	headers?: Record<string, string>;
	/** Per-attempt time limit in ms; default 120 000. */
	timeoutMs?: number;
	retry?: Partial<RetryPolicy>;
	retryEnv?: Partial<RetryEnv>;
	prices?: PriceTable;
	fetch?: typeof fetch;
}

export const DEFAULT_BASE_URLS: Record<ProviderKind, string | undefined> = {
	openai: 'https://api.openai.com/v1',
	'openai-compatible': undefined,
	anthropic: 'https://api.anthropic.com',
	gemini: 'https://generativelanguage.googleapis.com',
	ollama: 'http://127.0.0.1:11434'
};

export const PROVIDER_NAMES: Record<ProviderKind, string> = {
	openai: 'OpenAI',
	'openai-compatible': 'OpenAI-compatible server',
	anthropic: 'Anthropic',
	gemini: 'Google Gemini',
	ollama: 'Ollama'
};

export const DEFAULT_TIMEOUT_MS = 120_000;

const WIRES: Record<ProviderKind, WireAdapter> = {
	openai: openaiWire,
	'openai-compatible': openaiWire,
	anthropic: anthropicWire,
	gemini: geminiWire,
	ollama: ollamaWire
};

/** Path suffixes users often paste that the adapters add themselves. */
const STRIP_SUFFIX: Partial<Record<ProviderKind, RegExp>> = {
	anthropic: /\/v1$/,
	gemini: /\/v1(beta)?$/,
	ollama: /\/api$/
};

/** Validates and normalizes a base URL: http(s) only, no trailing slash. */
export function normalizeBaseUrl(kind: ProviderKind, baseUrl: string): string {
	let url: URL;
	try {
		url = new URL(baseUrl.trim());
	} catch {
		throw new PromptloomError('validation', `base URL "${baseUrl}" is not a valid URL`, {
			path: 'baseUrl'
		});
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new PromptloomError(
			'validation',
			`base URL must use http or https, got ${url.protocol}`,
			{
				path: 'baseUrl'
			}
		);
	}
	const port = blockedPort(url);
	if (port !== null) {
		throw new PromptloomError(
			'validation',
			`base URL uses port ${port}, which browsers and Node's fetch block for safety (it is reserved for another protocol); run the server on another port`,
			{ path: 'baseUrl' }
		);
	}
	let out = url.toString().replace(/\/+$/, '');
	const suffix = STRIP_SUFFIX[kind];
	if (suffix) out = out.replace(suffix, '');
	return out;
}

/** Creates a provider from settings, e.g. `{kind: 'anthropic', apiKey}` or a vLLM base URL. */
export function createProvider(settings: ProviderSettings): LlmProvider {
	if (!PROVIDER_KINDS.includes(settings.kind)) {
		throw new PromptloomError('validation', `unknown provider kind "${String(settings.kind)}"`, {
			path: 'kind'
		});
	}
	const raw = settings.baseUrl?.trim() || DEFAULT_BASE_URLS[settings.kind];
	if (!raw) {
		throw new PromptloomError(
			'validation',
			'an OpenAI-compatible provider needs a base URL, e.g. http://localhost:8000/v1',
			{ path: 'baseUrl' }
		);
	}
	const baseUrl = normalizeBaseUrl(settings.kind, raw);
	const label =
		settings.name ??
		(settings.kind === 'openai-compatible'
			? `OpenAI-compatible server at ${new URL(baseUrl).host}`
			: PROVIDER_NAMES[settings.kind]);
	return createHttpProvider(WIRES[settings.kind], {
		id: settings.id ?? settings.kind,
		kind: settings.kind,
		label,
		baseUrl,
		apiKey: settings.apiKey || undefined,
		headers: settings.headers,
		timeoutMs: settings.timeoutMs ?? DEFAULT_TIMEOUT_MS,
		retry: settings.retry,
		retryEnv: settings.retryEnv,
		prices: settings.prices,
		fetch: settings.fetch
	});
}

export type Env = Record<string, string | undefined>;

/** Provider settings from the environment: `<PREFIX>_BASE_URL` and `<PREFIX>_API_KEY`. */
export function settingsFromEnv(kind: ProviderKind, env: Env): ProviderSettings {
	switch (kind) {
		case 'openai':
		case 'openai-compatible':
			return { kind, baseUrl: env.OPENAI_BASE_URL, apiKey: env.OPENAI_API_KEY };
		case 'anthropic':
			return { kind, baseUrl: env.ANTHROPIC_BASE_URL, apiKey: env.ANTHROPIC_API_KEY };
		case 'gemini':
			return {
				kind,
				baseUrl: env.GEMINI_BASE_URL ?? env.GOOGLE_GEMINI_BASE_URL,
				apiKey: env.GEMINI_API_KEY ?? env.GOOGLE_API_KEY
			};
		case 'ollama':
			return {
				kind,
				baseUrl:
					env.OLLAMA_BASE_URL ?? (env.OLLAMA_HOST ? ollamaHostUrl(env.OLLAMA_HOST) : undefined),
				apiKey: env.OLLAMA_API_KEY
			};
	}
}

/** Well-known OpenAI-compatible servers: default base URL and the variable holding their key. */
export const COMPATIBLE_SERVERS: Record<
	string,
	{ baseUrl: string; keyVar?: string; name: string }
> = {
	openrouter: {
		baseUrl: 'https://openrouter.ai/api/v1',
		keyVar: 'OPENROUTER_API_KEY',
		name: 'OpenRouter'
	},
	vllm: { baseUrl: 'http://127.0.0.1:8000/v1', name: 'vLLM' },
	llamacpp: { baseUrl: 'http://127.0.0.1:8080/v1', name: 'llama.cpp server' },
	'llama.cpp': { baseUrl: 'http://127.0.0.1:8080/v1', name: 'llama.cpp server' },
	lmstudio: { baseUrl: 'http://127.0.0.1:1234/v1', name: 'LM Studio' }
};

/** OLLAMA_HOST may be `host:port` without a scheme, as the Ollama CLI accepts. */
function ollamaHostUrl(host: string): string {
	return /^https?:\/\//.test(host) ? host : `http://${host}`;
}

/**
 * Creates the provider for a model spec or kind from environment variables (Node, CLI):
 * OPENAI_BASE_URL / OPENAI_API_KEY, ANTHROPIC_BASE_URL / ANTHROPIC_API_KEY,
 * GEMINI_BASE_URL / GEMINI_API_KEY (or GOOGLE_API_KEY), OLLAMA_BASE_URL or OLLAMA_HOST.
 * Well-known OpenAI-compatible ids (`openrouter:`, `vllm:`, `lmstudio:`, `llamacpp:`) use their
 * usual local or public URL; any other custom id (`my-server:model`) uses the OPENAI_* variables.
 * @returns the provider and the model id to pass in `ChatRequest.model`.
 */
export function providerFromEnv(
	specOrKind: string,
	env: Env,
	overrides: Partial<ProviderSettings> = {}
): { provider: LlmProvider; model: string } {
	let kind: ProviderKind;
	let model = '';
	let id: string | undefined;
	if ((PROVIDER_KINDS as readonly string[]).includes(specOrKind)) {
		kind = specOrKind as ProviderKind;
	} else {
		const spec = parseModelSpec(specOrKind);
		kind = spec.kind ?? 'openai-compatible';
		model = spec.model;
		id = spec.provider;
	}
	const settings: ProviderSettings = settingsFromEnv(kind, env);
	const known = id ? COMPATIBLE_SERVERS[id] : undefined;
	if (known) {
		settings.baseUrl = known.baseUrl;
		settings.name = known.name;
		settings.apiKey = known.keyVar ? env[known.keyVar] : undefined;
	}
	if (id && id !== settings.kind) settings.id = id;
	Object.assign(settings, overrides);
	return { provider: createProvider(settings), model };
}
