/** @module Parses promptfoo-style provider ids (`openai:chat:gpt-4o`, `anthropic:messages:claude-x`). */
import { PromptloomError } from '../model/errors';
import type { ModelRef } from './types';

/** Provider prefixes the evaluation layer knows how to address. */
export const SUPPORTED_PROVIDERS = ['openai', 'anthropic', 'ollama', 'google'] as const;

const API_KINDS: Record<string, string[]> = {
	openai: ['chat', 'completion'],
	anthropic: ['messages'],
	ollama: ['chat', 'completion'],
	google: ['chat']
};

/**
 * `openai:chat:gpt-4o-mini`, `openai:gpt-4o-mini`, `anthropic:messages:claude-3-5-haiku`,
 * `ollama:chat:llama3` → `{provider, model}`. Throws a `validation` error naming an unknown prefix.
 */
export function parseProviderId(id: string): ModelRef {
	const parts = id.split(':');
	const provider = parts[0];
	if (!(SUPPORTED_PROVIDERS as readonly string[]).includes(provider)) {
		throw new PromptloomError(
			'validation',
			`unsupported provider "${id}": use one of ${SUPPORTED_PROVIDERS.map((p) => `${p}:<model>`).join(', ')}`
		);
	}
	const rest = parts.slice(1);
	if (rest.length > 1 && API_KINDS[provider].includes(rest[0])) rest.shift();
	const model = rest.join(':');
	if (model === '') throw new PromptloomError('validation', `provider "${id}" names no model`);
	return { provider, model };
}
