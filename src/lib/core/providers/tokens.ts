/** @module Token counts before sending, with gpt-tokenizer (o200k_base, loaded lazily). */
import { loadedTokenizer } from './tokenizer';
import type { ChatMessage } from './types';

export { loadTokenizer, isTokenizerLoaded } from './tokenizer';

const NO_SPECIAL = { disallowedSpecial: new Set<string>() };

/** Per-message framing overhead of OpenAI chat formats (role + separators), per OpenAI's cookbook. */
export const TOKENS_PER_MESSAGE = 3;
/** Tokens that prime the assistant's reply. */
export const TOKENS_REPLY_PRIMING = 3;

/**
 * Whether the o200k_base tokenizer is the model's real tokenizer (GPT-4o, GPT-4.1, GPT-5, o-series).
 * For other models (Claude, Gemini, Llama, older GPT) counts are close estimates.
 */
export function isExactTokenizer(model: string): boolean {
	const m = model.toLowerCase().replace(/^.*\//, '');
	return /^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o1|o3|o4|chatgpt-4o|gpt-oss)/.test(m);
}

/**
 * Counts tokens of plain text; special-token strings such as `<|endoftext|>` count as text.
 * Sync: call only after `await loadTokenizer()` (throws otherwise).
 */
export function countTokens(text: string): number {
	return loadedTokenizer().encode(text, NO_SPECIAL).length;
}

/**
 * Counts the input tokens a chat request will use: each message's role and content plus
 * framing overhead. `model` selects exactness only (see `isExactTokenizer`).
 * Sync: call only after `await loadTokenizer()` (throws otherwise).
 */
export function countChatTokens(messages: readonly ChatMessage[], _model?: string): number {
	let total = TOKENS_REPLY_PRIMING;
	for (const m of messages) {
		total += TOKENS_PER_MESSAGE + countTokens(m.role) + countTokens(m.content);
	}
	return total;
}
