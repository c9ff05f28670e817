/** @module Anthropic Messages API wire format. */
import type { ChatRequest, FinishReason } from './types';
import {
	WireShapeError,
	genericErrorMessage,
	isRecord,
	num,
	parseStreamObject,
	tallyStream,
	tokenUsage,
	type StreamState,
	type StreamTally,
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

/**
 * An OpenAI `image_url` part as an Anthropic image block (a data URL becomes base64 data).
 * @throws Error for any other part type, which Anthropic's API does not take.
 */
function anthropicImage(part: Record<string, unknown>): Record<string, unknown> {
	const image = part.image_url as { url?: unknown } | string | undefined;
	const url = typeof image === 'string' ? image : image?.url;
	if (part.type !== 'image_url' || typeof url !== 'string')
		throw new Error(`Anthropic takes text and image_url parts, not ${String(part.type)}`);
	const data = /^data:([^;,]+);base64,(.*)$/s.exec(url);
	return {
		type: 'image',
		source: data ? { type: 'base64', media_type: data[1], data: data[2] } : { type: 'url', url }
	};
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
				.map((m) => ({
					role: m.role,
					content: m.attachments?.length
						? [{ type: 'text', text: m.content }, ...m.attachments.map(anthropicImage)]
						: m.content
				}))
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
		return {
			text,
			usage: tokenUsage(u.input_tokens, u.output_tokens),
			finishReason: finish(json.stop_reason),
			model: typeof json.model === 'string' ? json.model : req.model
		};
	},

	startStream(req: ChatRequest): StreamState {
		let input: number | undefined;
		let output: number | undefined;
		const count = (u: Record<string, unknown>, t: StreamTally) => {
			input = num(u.input_tokens) ?? input;
			output = num(u.output_tokens) ?? output;
			t.usage = tokenUsage(input, output);
		};
		return tallyStream(req, (t, event, data) => {
			const json = parseStreamObject(t, data, 'stream event');
			const type = typeof json.type === 'string' ? json.type : event;
			switch (type) {
				case 'message_start': {
					const msg = isRecord(json.message) ? json.message : {};
					if (typeof msg.model === 'string') t.model = msg.model;
					count(isRecord(msg.usage) ? msg.usage : {}, t);
					return {};
				}
				case 'content_block_delta': {
					const d = isRecord(json.delta) ? json.delta : {};
					return d.type === 'text_delta' && typeof d.text === 'string' ? { delta: d.text } : {};
				}
				case 'message_delta': {
					const d = isRecord(json.delta) ? json.delta : {};
					if (d.stop_reason !== undefined) t.finishReason = finish(d.stop_reason);
					count(isRecord(json.usage) ? json.usage : {}, t);
					return {};
				}
				case 'message_stop':
					t.done = true;
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
		});
	},

	errorMessage: genericErrorMessage
};
