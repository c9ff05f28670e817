/** @module OpenAI Chat Completions wire format (also vLLM, llama.cpp, LM Studio, OpenRouter). */
import type { ChatRequest, FinishReason } from './types';
import {
	WireShapeError,
	genericErrorMessage,
	isRecord,
	num,
	parseJson,
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
	if (!isRecord(v)) return undefined;
	const input = num(v.prompt_tokens);
	const output = num(v.completion_tokens);
	return input === undefined || output === undefined
		? undefined
		: { inputTokens: input, outputTokens: output };
}

export const openaiWire: WireAdapter = {
	streamFormat: 'sse',

	build(req: ChatRequest, stream: boolean, apiKey: string | undefined) {
		const headers: Record<string, string> = { 'content-type': 'application/json' };
		if (apiKey) headers.authorization = `Bearer ${apiKey}`;
		const body: Record<string, unknown> = {
			model: req.model,
			messages: req.messages.map((m) => ({ role: m.role, content: m.content }))
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
		let usage: WireOutcome['usage'];
		let reason: FinishReason = 'stop';
		let model = req.model;
		let done = false;
		let sawFinish = false;
		let last: unknown;
		return {
			handle(_event, data) {
				if (data.trim() === '[DONE]') {
					done = true;
					return { done: true };
				}
				const json = parseJson(data);
				last = json;
				if (!isRecord(json)) throw new WireShapeError('stream event is not an object');
				if (json.error !== undefined) {
					return { error: { kind: 'server', message: genericErrorMessage(json) ?? 'error event' } };
				}
				if (typeof json.model === 'string') model = json.model;
				const u = usageOf(json.usage);
				if (u) usage = u;
				let delta: string | undefined;
				if (Array.isArray(json.choices) && json.choices.length > 0) {
					const c = json.choices[0];
					if (!isRecord(c)) throw new WireShapeError('stream choice is not an object');
					if (isRecord(c.delta) && typeof c.delta.content === 'string') delta = c.delta.content;
					if (c.finish_reason !== null && c.finish_reason !== undefined) {
						reason = finish(c.finish_reason);
						sawFinish = true;
					}
				}
				return delta ? { delta } : {};
			},
			outcome: () => ({ usage, finishReason: reason, model }),
			last: () => last,
			// Some OpenAI-compatible servers end without `[DONE]`; a finish_reason is enough.
			finished: () => done || sawFinish
		};
	},

	errorMessage: genericErrorMessage
};
