/** @module Conversation memory simulation for the playground: feed the history back turn by turn. */
import { loadTokenizer } from '../providers/tokenizer';
import { TemplateError } from './errors';
import type { ChatMessage, RenderResult } from './types';

/** The opening messages of a conversation from a rendered prompt (a text prompt becomes one user turn). */
export function startConversation(rendered: RenderResult): ChatMessage[] {
	return rendered.kind === 'chat'
		? rendered.output.map((m) => ({ ...m }))
		: [{ role: 'user', content: rendered.output }];
}

/** The history plus the user's next turn: the messages to send to the model. Does not modify `history`. */
export function continueConversation(
	history: readonly ChatMessage[],
	userTurn: string
): ChatMessage[] {
	if (userTurn.trim() === '') throw new TemplateError('validation', 'the user turn is empty');
	return [...history, { role: 'user', content: userTurn }];
}

/** The history plus the model's answer, ready for the next {@link continueConversation}. */
export function appendAssistantReply(
	history: readonly ChatMessage[],
	reply: string
): ChatMessage[] {
	return [...history, { role: 'assistant', content: reply }];
}

/**
 * A sliding-window memory: keeps every system message and the most recent other messages whose
 * o200k token count fits in `maxTokens` (the latest message is always kept). Loads the tokenizer
 * on first use.
 */
export async function windowConversation(
	history: readonly ChatMessage[],
	maxTokens: number
): Promise<ChatMessage[]> {
	const { countTokens } = await loadTokenizer();
	const system = history.filter((m) => m.role === 'system');
	let budget = maxTokens - system.reduce((n, m) => n + countTokens(m.content), 0);
	const kept = new Set<ChatMessage>(system);
	const rest = history.filter((m) => m.role !== 'system');
	for (let i = rest.length - 1; i >= 0; i--) {
		const cost = countTokens(rest[i].content);
		if (cost > budget && i !== rest.length - 1) break;
		budget -= cost;
		kept.add(rest[i]);
	}
	return history.filter((m) => kept.has(m));
}
