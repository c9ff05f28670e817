/** @module Ollama `/api/chat` wire format (NDJSON streaming). */
import type { ChatRequest, FinishReason } from './types';
import {
	WireShapeError,
	genericErrorMessage,
	isRecord,
	num,
	parseStreamObject,
	streamErrorStep,
	tallyStream,
	type StreamState,
	type WireAdapter,
	type WireOutcome
} from './wire';

function finish(reason: unknown): FinishReason {
	if (reason === 'length') return 'length';
	if (reason === 'stop' || reason === undefined || reason === null || reason === 'load')
		return 'stop';
	return 'other';
}

function usageOf(json: Record<string, unknown>): WireOutcome['usage'] {
	const input = num(json.prompt_eval_count);
	const output = num(json.eval_count);
	return input === undefined && output === undefined
		? undefined
		: { inputTokens: input ?? 0, outputTokens: output ?? 0 };
}

export const ollamaWire: WireAdapter = {
	streamFormat: 'ndjson',

	build(req: ChatRequest, stream: boolean, apiKey: string | undefined) {
		const headers: Record<string, string> = { 'content-type': 'application/json' };
		if (apiKey) headers.authorization = `Bearer ${apiKey}`;
		const options: Record<string, unknown> = { ...req.params };
		if (req.temperature !== undefined) options.temperature = req.temperature;
		if (req.maxTokens !== undefined) options.num_predict = req.maxTokens;
		const body: Record<string, unknown> = {
			model: req.model,
			messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
			stream
		};
		if (Object.keys(options).length > 0) body.options = options;
		return { path: '/api/chat', headers, body };
	},

	parse(json: unknown, req: ChatRequest): WireOutcome {
		if (!isRecord(json) || !isRecord(json.message) || typeof json.message.content !== 'string') {
			throw new WireShapeError('response has no message.content');
		}
		return {
			text: json.message.content,
			usage: usageOf(json),
			finishReason: finish(json.done_reason),
			model: typeof json.model === 'string' ? json.model : req.model
		};
	},

	startStream(req: ChatRequest): StreamState {
		return tallyStream(req, (t, _event, data) => {
			const json = parseStreamObject(t, data, 'stream line');
			const error = streamErrorStep(json, 'error line');
			if (error) return error;
			if (typeof json.model === 'string') t.model = json.model;
			const delta =
				isRecord(json.message) && typeof json.message.content === 'string'
					? json.message.content
					: undefined;
			if (json.done === true) {
				t.done = true;
				t.usage = usageOf(json);
				t.finishReason = finish(json.done_reason);
				return delta ? { delta, done: true } : { done: true };
			}
			return delta ? { delta } : {};
		});
	},

	errorMessage: genericErrorMessage
};
