/** @module Provider-neutral chat request/result types shared by every LLM wire format. */

/** The wire formats Promptloom speaks. `openai-compatible` is OpenAI's format at another base URL. */
export type ProviderKind = 'openai' | 'openai-compatible' | 'anthropic' | 'gemini' | 'ollama';

export const PROVIDER_KINDS: readonly ProviderKind[] = [
	'openai',
	'openai-compatible',
	'anthropic',
	'gemini',
	'ollama'
];

export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
	role: ChatRole;
	content: string;
	/**
	 * Non-text content parts in OpenAI's shape (`image_url`, `input_audio`…), sent after `content`
	 * by the OpenAI wire format (Anthropic's takes `image_url` parts as image blocks); other wire
	 * formats do not take them.
	 */
	attachments?: Record<string, unknown>[];
}

export interface ChatRequest {
	model: string;
	messages: ChatMessage[];
	temperature?: number;
	maxTokens?: number;
	/**
	 * Extra wire parameters merged into the request as-is: top level for OpenAI and Anthropic,
	 * `generationConfig` for Gemini, `options` for Ollama (e.g. `{ top_p: 0.9 }`).
	 */
	params?: Record<string, unknown>;
}

export interface TokenUsage {
	inputTokens: number;
	outputTokens: number;
	/** True when the server did not report usage and the counts come from the local tokenizer. */
	estimated?: boolean;
}

/** Why generation stopped, normalized across providers; `other` keeps the raw reason in `raw`. */
export type FinishReason = 'stop' | 'length' | 'content_filter' | 'tool_calls' | 'other';

export interface ChatResult {
	text: string;
	usage: TokenUsage;
	/** Wall time of the successful attempt, from sending the request to the last byte. */
	latencyMs: number;
	/** Cost in USD from the price table, or null when the model has no known price. */
	costUsd: number | null;
	/** The model the server says answered (falls back to the requested model). */
	model: string;
	finishReason: FinishReason;
	/** Number of attempts made (1 when the first attempt succeeded). */
	attempts: number;
	/** The last raw JSON body or stream event, for debugging. */
	raw?: unknown;
}

export interface ChatOptions {
	signal?: AbortSignal;
	/** Called with each text fragment as it streams in; presence of this callback turns streaming on. */
	onDelta?: (delta: string) => void;
	/** Force streaming on or off; defaults to `onDelta !== undefined`. */
	stream?: boolean;
}

export interface LlmProvider {
	/** Stable id of this configured provider, e.g. `openai` or `my-vllm`. */
	readonly id: string;
	readonly kind: ProviderKind;
	/** Human name used in messages, e.g. `OpenAI` or `OpenAI-compatible server at localhost:8000`. */
	readonly label: string;
	chat(req: ChatRequest, opts?: ChatOptions): Promise<ChatResult>;
}
