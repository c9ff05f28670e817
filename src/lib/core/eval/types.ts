/** @module Narrow contracts the evaluation core needs from the providers and template layers. */

/** One chat message sent to a model. */
export interface EvalMessage {
	role: string;
	content: string;
	/** Non-text content parts (images, audio) in OpenAI's shape, after the text. */
	attachments?: Record<string, unknown>[];
}

export interface ModelCallRequest {
	provider: string;
	model: string;
	messages: EvalMessage[];
	params: Record<string, unknown>;
	signal?: AbortSignal;
}

export interface ModelCallResponse {
	text: string;
	usage: { inputTokens: number; outputTokens: number };
	latencyMs: number;
	/** Null when the model has no known price. */
	costUsd: number | null;
}

/** Calls a model once. Retries with backoff on 429/5xx are the provider layer's job. */
export type ModelCall = (req: ModelCallRequest) => Promise<ModelCallResponse>;

/** Renders one prompt version with the row's variables into chat messages (safe engine). */
export type RenderCase = (
	versionId: string,
	vars: Record<string, unknown>
) => Promise<EvalMessage[]>;

/** Turns texts into embedding vectors (one per text, same order). */
export type Embed = (texts: string[]) => Promise<number[][]>;

/** A model to evaluate: `provider` is the provider id (openai, anthropic, ollama...). */
export interface ModelRef {
	provider: string;
	model: string;
	params?: Record<string, unknown>;
	/** Display name; defaults to `provider:model`. */
	label?: string;
}
