/** @module Anthropic Messages API wire format. */
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
import type { ProviderErrorKind } from './errors';

export const ANTHROPIC_VERSION = '2023-06-01';
/** Anthropic requires max_tokens; used when the request sets none. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 1024;

function finish(reason: unknown): FinishReason {
	if (
		reason === 'end_turn' ||
		reason === 'stop_sequence' ||
		reason === null ||
		reason === undefined
	)
		return 'stop';
	if (reason === 'max_tokens') return 'length';
	if (reason === 'tool_use') return 'tool_calls';
	if (reason === 'refusal') return 'content_filter';
	return 'other';
}

function errorKind(type: unknown): ProviderErrorKind {
	if (type === 'rate_limit_error') return 'rate_limit';
	if (type === 'authentication_error' || type === 'permission_error') return 'auth';
	if (type === 'not_found_error') return 'unknown_model';
	if (type === 'invalid_request_error') return 'bad_request';
	return 'server';
}

export const anthropicWire: WireAdapter = {
	streamFormat: 'sse',

	build(req: ChatRequest, stream: boolean, apiKey: string | undefined) {
		const headers: Record<string, string> = {
			'content-type': 'application/json',
			'anthropic-version': ANTHROPIC_VERSION,
			'anthropic-dangerous-direct-browser-access': 'true'
		};
		if (apiKey) headers['x-api-key'] = apiKey;
		const system = req.messages
			.filter((m) => m.role === 'system')
			.map((m) => m.content)
			.join('\n\n');
		const body: Record<string, unknown> = {
			model: req.model,
			max_tokens: req.maxTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
			messages: req.messages
				.filter((m) => m.role !== 'system')
				.map((m) => ({ role: m.role, content: m.content }))
		};
		if (system) body.system = system;
		if (req.temperature !== undefined) body.temperature = req.temperature;
		if (stream) body.stream = true;
		return { path: '/v1/messages', headers, body: { ...body, ...req.params } };
	},

	parse(json: unknown, req: ChatRequest): WireOutcome {
		if (!isRecord(json) || !Array.isArray(json.content)) {
			throw new WireShapeError('response has no content array');
		}
		let text = '';
		for (const block of json.content) {
			if (isRecord(block) && block.type === 'text' && typeof block.text === 'string')
				text += block.text;
		}
		const u = isRecord(json.usage) ? json.usage : {};
		const input = num(u.input_tokens);
		const output = num(u.output_tokens);
		return {
			text,
			usage:
				input === undefined || output === undefined
					? undefined
					: { inputTokens: input, outputTokens: output },
			finishReason: finish(json.stop_reason),
			model: typeof json.model === 'string' ? json.model : req.model
		};
	},

	startStream(req: ChatRequest): StreamState {
		let input: number | undefined;
		let output: number | undefined;
		let reason: FinishReason = 'stop';
		let model = req.model;
		let done = false;
		let last: unknown;
		return {
			handle(event, data) {
				const json = parseJson(data);
				last = json;
				if (!isRecord(json)) throw new WireShapeError('stream event is not an object');
				const type = typeof json.type === 'string' ? json.type : event;
				switch (type) {
					case 'message_start': {
						const msg = isRecord(json.message) ? json.message : {};
						if (typeof msg.model === 'string') model = msg.model;
						const u = isRecord(msg.usage) ? msg.usage : {};
						input = num(u.input_tokens) ?? input;
						output = num(u.output_tokens) ?? output;
						return {};
					}
					case 'content_block_delta': {
						const d = isRecord(json.delta) ? json.delta : {};
						return d.type === 'text_delta' && typeof d.text === 'string' ? { delta: d.text } : {};
					}
					case 'message_delta': {
						const d = isRecord(json.delta) ? json.delta : {};
						if (d.stop_reason !== undefined) reason = finish(d.stop_reason);
						const u = isRecord(json.usage) ? json.usage : {};
						input = num(u.input_tokens) ?? input;
						output = num(u.output_tokens) ?? output;
						return {};
					}
					case 'message_stop':
						done = true;
						return { done: true };
					case 'error': {
						const err = isRecord(json.error) ? json.error : {};
						return {
							error: {
								kind: errorKind(err.type),
								message: genericErrorMessage(json) ?? 'error event'
							}
						};
					}
					default:
						return {};
				}
			},
			outcome: () => ({
				usage:
					input === undefined || output === undefined
						? undefined
						: { inputTokens: input, outputTokens: output },
				finishReason: reason,
				model
			}),
			last: () => last,
			finished: () => done
		};
	},

	errorMessage: genericErrorMessage
};
