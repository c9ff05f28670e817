/** @module Google Gemini `generateContent` / `streamGenerateContent?alt=sse` wire format. */
import type { ChatRequest, FinishReason } from './types';
import {
	WireShapeError,
	genericErrorMessage,
	isRecord,
	num,
	parseJson,
	streamErrorStep,
	tallyStream,
	type StreamState,
	type WireAdapter,
	type WireOutcome
} from './wire';

function finish(reason: unknown): FinishReason {
	if (reason === 'STOP' || reason === undefined || reason === null) return 'stop';
	if (reason === 'MAX_TOKENS') return 'length';
	if (reason === 'SAFETY' || reason === 'RECITATION' || reason === 'PROHIBITED_CONTENT')
		return 'content_filter';
	return 'other';
}

function usageOf(v: unknown): WireOutcome['usage'] {
	if (!isRecord(v)) return undefined;
	const input = num(v.promptTokenCount);
	if (input === undefined) return undefined;
	return { inputTokens: input, outputTokens: num(v.candidatesTokenCount) ?? 0 };
}

/** Text of the first candidate and its finish reason; throws on an unexpected shape. */
function candidate(json: unknown): { text: string; reason: unknown } {
	if (!isRecord(json)) throw new WireShapeError('response is not an object');
	if (!Array.isArray(json.candidates)) {
		if (isRecord(json.promptFeedback) && json.promptFeedback.blockReason) {
			return { text: '', reason: 'SAFETY' };
		}
		throw new WireShapeError('response has no candidates');
	}
	const c = json.candidates[0];
	if (!isRecord(c)) throw new WireShapeError('candidates[0] is not an object');
	let text = '';
	const parts = isRecord(c.content) && Array.isArray(c.content.parts) ? c.content.parts : [];
	for (const p of parts) if (isRecord(p) && typeof p.text === 'string') text += p.text;
	return { text, reason: c.finishReason };
}

/** `gemini-1.5-flash` or `models/gemini-1.5-flash` → the URL segment. */
function modelPath(model: string): string {
	return encodeURIComponent(model.replace(/^models\//, ''));
}

export const geminiWire: WireAdapter = {
	streamFormat: 'sse',

	build(req: ChatRequest, stream: boolean, apiKey: string | undefined) {
		const headers: Record<string, string> = { 'content-type': 'application/json' };
		if (apiKey) headers['x-goog-api-key'] = apiKey;
		const system = req.messages
			.filter((m) => m.role === 'system')
			.map((m) => m.content)
			.join('\n\n');
		const generationConfig: Record<string, unknown> = { ...req.params };
		if (req.temperature !== undefined) generationConfig.temperature = req.temperature;
		if (req.maxTokens !== undefined) generationConfig.maxOutputTokens = req.maxTokens;
		const body: Record<string, unknown> = {
			contents: req.messages
				.filter((m) => m.role !== 'system')
				.map((m) => ({
					role: m.role === 'assistant' ? 'model' : 'user',
					parts: [{ text: m.content }]
				}))
		};
		if (system) body.systemInstruction = { parts: [{ text: system }] };
		if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
		const path = stream
			? `/v1beta/models/${modelPath(req.model)}:streamGenerateContent?alt=sse`
			: `/v1beta/models/${modelPath(req.model)}:generateContent`;
		return { path, headers, body };
	},

	parse(json: unknown, req: ChatRequest): WireOutcome {
		const { text, reason } = candidate(json);
		const rec = json as Record<string, unknown>;
		return {
			text,
			usage: usageOf(rec.usageMetadata),
			finishReason: finish(reason),
			model: typeof rec.modelVersion === 'string' ? rec.modelVersion : req.model
		};
	},

	startStream(req: ChatRequest): StreamState {
		return tallyStream(req, (t, _event, data) => {
			const json = parseJson(data);
			t.last = json;
			const error = streamErrorStep(json, 'error event');
			if (error) return error;
			const c = candidate(json);
			const rec = json as Record<string, unknown>;
			t.usage = usageOf(rec.usageMetadata) ?? t.usage;
			if (typeof rec.modelVersion === 'string') t.model = rec.modelVersion;
			const step: { delta?: string; done?: boolean } = {};
			if (c.text) step.delta = c.text;
			if (c.reason !== undefined && c.reason !== null) {
				t.finishReason = finish(c.reason);
				t.done = true;
				step.done = true;
			}
			return step;
		});
	},

	errorMessage: genericErrorMessage
};
