/** @module ModelCall over the app's configured providers (ProviderRegistry). */
import type { ModelCall, ModelCallRequest, ModelCallResponse } from '../types';
import { PromptloomError } from '../../model/errors';
import type { ChatMessage, ChatRole, LlmProvider } from '../../providers/types';
import type { ProviderRegistry } from '../../providers/registry';

const ROLES: readonly string[] = ['system', 'user', 'assistant'];

/**
 * A ModelCall that resolves `provider:model` once per model through the registry (keys come from
 * the vault) and calls the provider, whose own retries handle 429/5xx with backoff.
 * `temperature` and `max_tokens`/`maxTokens` params map to the request; others pass through.
 */
export function modelCallFromRegistry(registry: ProviderRegistry): ModelCall {
	const resolved = new Map<string, ReturnType<ProviderRegistry['resolve']>>();
	return async (req) => {
		const spec = `${req.provider}:${req.model}`;
		let pending = resolved.get(spec);
		if (!pending) {
			pending = registry.resolve(spec);
			resolved.set(spec, pending);
			pending.catch(() => resolved.delete(spec));
		}
		const { provider, model } = await pending;
		const messages: ChatMessage[] = req.messages.map((m, i) => {
			if (!ROLES.includes(m.role))
				throw new PromptloomError('validation', `message ${i + 1} has an unknown role "${m.role}"`);
			return { role: m.role as ChatRole, content: m.content };
		});
		return chatForEval(provider, model, messages, req);
	};
}

/**
 * Sends an evaluation request's `messages` to `provider` as `model`: `temperature` and
 * `max_tokens`/`maxTokens` params map to the request, others pass through; `req.signal` aborts.
 */
export async function chatForEval(
	provider: LlmProvider,
	model: string,
	messages: ChatMessage[],
	req: ModelCallRequest
): Promise<ModelCallResponse> {
	const { temperature, max_tokens, maxTokens, ...rest } = req.params;
	const max = maxTokens ?? max_tokens;
	const res = await provider.chat(
		{
			model,
			messages,
			...(typeof temperature === 'number' ? { temperature } : {}),
			...(typeof max === 'number' ? { maxTokens: max } : {}),
			...(Object.keys(rest).length ? { params: rest } : {})
		},
		{ signal: req.signal }
	);
	return {
		text: res.text,
		usage: { inputTokens: res.usage.inputTokens, outputTokens: res.usage.outputTokens },
		latencyMs: res.latencyMs,
		costUsd: res.costUsd
	};
}
