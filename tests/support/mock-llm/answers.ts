/**
 * @module Deterministic answers and token counts of the test LLM server.
 *
 * Rules, first match wins (the same input always gives the same answer, on every wire format):
 * 1. A model whose name starts with `echo` answers the last user message verbatim.
 * 2. A last user message containing `reply with exactly: TEXT` answers TEXT (to the end of that line).
 * 3. Any message containing `reply with JSON` (any case) answers a valid JSON object
 *    `{"answer": "...", "model": "...", "hash": "..."}`.
 * 4. Otherwise: `Mock reply <hash>: <8 to 24 words>`, the hash and words derived from the model
 *    name and the messages (FNV-1a + a seeded PRNG).
 * A `max tokens` limit truncates the answer to that many tokens and reports finish reason `length`.
 * Usage is counted with gpt-tokenizer: input = 3 + Σ(3 + tokens(role) + tokens(content)),
 * output = tokens(answer).
 */
import { decode, encode } from 'gpt-tokenizer';
import { mulberry32 } from '../../../src/lib/core/util/prng';

export interface MockMessage {
	role: string;
	content: string;
}

const NO_SPECIAL = { disallowedSpecial: new Set<string>() };

const WORDS = (
	'loom thread weave prompt model token answer river stone lantern quiet bright careful ' +
	'signal garden harbor window paper orbit maple cinder velvet copper meadow atlas ember ' +
	'pattern spindle shuttle warp weft fabric needle'
).split(' ');

/** FNV-1a 32-bit hash as 8 hex digits. */
export function fnv1a(text: string): string {
	let h = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return (h >>> 0).toString(16).padStart(8, '0');
}

function hashWords(hash: string): string {
	const rand = mulberry32(parseInt(hash, 16));
	const n = 8 + Math.floor(rand() * 17);
	const words: string[] = [];
	for (let i = 0; i < n; i++) words.push(WORDS[Math.floor(rand() * WORDS.length)]);
	return words.join(' ');
}

/** The deterministic answer for a model and conversation (see the module rules). */
export function answerFor(model: string, messages: readonly MockMessage[]): string {
	const lastUser = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
	if (model.toLowerCase().startsWith('echo')) return lastUser;
	const exact = /reply with exactly:[ \t]*([^\r\n]*)/i.exec(lastUser);
	if (exact) return exact[1];
	const hash = fnv1a(`${model}\u0000${JSON.stringify(messages.map((m) => [m.role, m.content]))}`);
	if (messages.some((m) => /reply with json/i.test(m.content))) {
		return JSON.stringify({ answer: hashWords(hash), model, hash });
	}
	return `Mock reply ${hash}: ${hashWords(hash)}.`;
}

export function countTextTokens(text: string): number {
	return encode(text, NO_SPECIAL).length;
}

/** Input tokens of a conversation, by OpenAI's chat framing formula. */
export function countInputTokens(messages: readonly MockMessage[]): number {
	let n = 3;
	for (const m of messages) n += 3 + countTextTokens(m.role) + countTextTokens(m.content);
	return n;
}

/** Cuts `text` to at most `maxTokens` tokens; `truncated` says whether it had to. */
export function limitTokens(
	text: string,
	maxTokens: number | undefined
): { text: string; truncated: boolean } {
	if (maxTokens === undefined) return { text, truncated: false };
	const tokens = encode(text, NO_SPECIAL);
	if (tokens.length <= maxTokens) return { text, truncated: false };
	return { text: decode(tokens.slice(0, Math.max(0, maxTokens))), truncated: true };
}

/** Splits an answer into streaming pieces (one word with its trailing space); they join back exactly. */
export function streamPieces(text: string): string[] {
	return text.split(/(?<=\s)(?=\S)/).filter((p) => p !== '');
}
