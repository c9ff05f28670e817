/** @module OpenAI Chat Completions wire format (also vLLM, llama.cpp, LM Studio, OpenRouter). */
import type { ChatRequest, FinishReason } from './types';
import {
	WireShapeError,
	genericErrorMessage,
	isRecord,
	parseStreamObject,
	streamErrorStep,
	tallyStream,
	tokenUsage,
	type StreamState,
	type WireAdapter,
	type WireOutcome
} from './wire';

function finish(reason: unknown): FinishReason {
	if (reason === 'stop' || reason === 'length' || reason === 'content_filter') return reason;
	if (reason === 'tool_calls' || reason === 'function_call') return 'tool_calls';
	return reason === null || reason === undefined ? 'stop' : 'other';
}

function usageOf(v: unknown): WireOutcome['usage'] {
	return isRecord(v) ? tokenUsage(v.prompt_tokens, v.completion_tokens) : undefined;
}

export const openaiWire: WireAdapter = {
	streamFormat: 'sse',

	build(req: ChatRequest, stream: boolean, apiKey: string | undefined) {
		const headers: Record<string, string> = { 'content-type': 'application/json' };
		if (apiKey) headers.authorization = `Bearer ${apiKey}`;
		const body: Record<string, unknown> = {
			model: req.model,
			messages: req.messages.map((m) => ({
				role: m.role,
				content: m.attachments?.length
					? [{ type: 'text', text: m.content }, ...m.attachments]
					: m.content
			}))
		};
		if (req.temperature !== undefined) body.temperature = req.temperature;
		if (req.maxTokens !== undefined) body.max_tokens = req.maxTokens;
		if (stream) {
			body.stream = true;
			body.stream_options = { include_usage: true };
		}
		return { path: '/chat/completions', headers, body: { ...body, ...req.params } };
	},

	parse(json: unknown, req: ChatRequest): WireOutcome {
		if (!isRecord(json) || !Array.isArray(json.choices) || json.choices.length === 0) {
			throw new WireShapeError('response has no choices');
		}
		const choice = json.choices[0];
		if (!isRecord(choice) || !isRecord(choice.message)) {
			throw new WireShapeError('response has no choices[0].message');
		}
		const content = choice.message.content;
		if (content !== null && typeof content !== 'string') {
			throw new WireShapeError('choices[0].message.content is not text');
		}
		return {
			text: content ?? '',
			usage: usageOf(json.usage),
			finishReason: finish(choice.finish_reason),
			model: typeof json.model === 'string' ? json.model : req.model
		};
	},

	startStream(req: ChatRequest): StreamState {
		let sawFinish = false;
		return tallyStream(
			req,
			(t, _event, data) => {
				if (data.trim() === '[DONE]') {
					t.done = true;
					return { done: true };
				}
				const json = parseStreamObject(t, data, 'stream event');
				const error = streamErrorStep(json, 'error event');
				if (error) return error;
				if (typeof json.model === 'string') t.model = json.model;
				t.usage = usageOf(json.usage) ?? t.usage;
				let delta: string | undefined;
				if (Array.isArray(json.choices) && json.choices.length > 0) {
					const c = json.choices[0];
					if (!isRecord(c)) throw new WireShapeError('stream choice is not an object');
					if (isRecord(c.delta) && typeof c.delta.content === 'string') delta = c.delta.content;
					if (c.finish_reason !== null && c.finish_reason !== undefined) {
						t.finishReason = finish(c.finish_reason);
						sawFinish = true;
					}
				}
				return delta ? { delta } : {};
			},
			// Some OpenAI-compatible servers end without `[DONE]`; a finish_reason is enough.
			(t) => t.done || sawFinish
		);
	},

	errorMessage: genericErrorMessage
};
