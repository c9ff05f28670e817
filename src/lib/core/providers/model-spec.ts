/** @module Parses `provider:model` specs, including promptfoo's `provider:type:model` forms. */
import { PromptloomError } from '../model/errors';
import type { ProviderKind } from './types';

export interface ModelSpec {
	/** Provider id as written (lower-cased), e.g. `openai`, `anthropic`, `my-vllm`. */
	provider: string;
	/** Wire format when the id names a known one; undefined for a custom provider id. */
	kind?: ProviderKind;
	/** Model id sent to the server, e.g. `gpt-4o-mini`, `llama3:8b`, `openai/gpt-4o`. */
	model: string;
}

const KIND_BY_ID: Record<string, ProviderKind> = {
	openai: 'openai',
	azureopenai: 'openai-compatible',
	'openai-compatible': 'openai-compatible',
	openrouter: 'openai-compatible',
	vllm: 'openai-compatible',
	llamacpp: 'openai-compatible',
	'llama.cpp': 'openai-compatible',
	lmstudio: 'openai-compatible',
	anthropic: 'anthropic',
	gemini: 'gemini',
	google: 'gemini',
	ollama: 'ollama'
};

/** Endpoint type segments promptfoo puts between provider and model, which select chat. */
const CHAT_SEGMENTS = new Set(['chat', 'messages']);
const UNSUPPORTED_SEGMENTS = new Set(['completion', 'embedding', 'embeddings', 'assistant']);

/** Guesses the provider from a bare model name (`claude-…` is Anthropic), or undefined. */
export function inferKind(model: string): ProviderKind | undefined {
	const m = model.toLowerCase();
	if (/^(gpt-|o1|o3|o4|chatgpt-|text-davinci)/.test(m)) return 'openai';
	if (m.startsWith('claude')) return 'anthropic';
	if (m.startsWith('gemini') || m.startsWith('models/gemini')) return 'gemini';
	return undefined;
}

/**
 * Parses `openai:gpt-4o-mini`, `openai:chat:gpt-4o-mini`, `anthropic:messages:claude-3-5-haiku-latest`,
 * `ollama:chat:llama3:8b` (the model keeps its own colon), `openrouter:openai/gpt-4o`, or a bare
 * model name whose provider can be inferred (`claude-3-5-haiku-latest`).
 * @throws PromptloomError `validation` for an empty spec, an unsupported endpoint type, or a bare
 * model whose provider cannot be inferred.
 */
export function parseModelSpec(spec: string): ModelSpec {
	const s = spec.trim();
	if (s === '')
		throw new PromptloomError('validation', 'empty model spec: expected provider:model');
	const first = s.indexOf(':');
	if (first === -1) {
		const kind = inferKind(s);
		if (!kind) {
			throw new PromptloomError(
				'validation',
				`cannot tell the provider of "${s}": write it as provider:model, e.g. ollama:${s}`
			);
		}
		return { provider: kind, kind, model: s };
	}
	const provider = s.slice(0, first).toLowerCase();
	let rest = s.slice(first + 1);
	const second = rest.indexOf(':');
	if (second !== -1) {
		const segment = rest.slice(0, second).toLowerCase();
		if (CHAT_SEGMENTS.has(segment)) rest = rest.slice(second + 1);
		else if (UNSUPPORTED_SEGMENTS.has(segment)) {
			throw new PromptloomError(
				'validation',
				`"${s}": ${segment} endpoints are not supported, use a chat model (${provider}:chat:<model>)`
			);
		}
	}
	if (provider === '' || rest === '') {
		throw new PromptloomError('validation', `"${s}" is not a model spec: expected provider:model`);
	}
	return { provider, kind: KIND_BY_ID[provider], model: rest };
}
