/** @module The contract each wire format (OpenAI, Anthropic, Gemini, Ollama) implements. */
import type { ChatRequest, FinishReason, TokenUsage } from './types';
import type { ProviderErrorKind } from './errors';

export interface WireRequest {
	/** Path and query appended to the base URL, e.g. `/chat/completions`. */
	path: string;
	headers: Record<string, string>;
	body: unknown;
}

/** What a complete (non-streamed) response or a finished stream yields. */
export interface WireOutcome {
	text: string;
	usage?: Pick<TokenUsage, 'inputTokens' | 'outputTokens'>;
	finishReason: FinishReason;
	model?: string;
}

/** One parsed stream event's effect. */
export interface StreamStep {
	delta?: string;
	/** The stream carried its terminal marker (`[DONE]`, `message_stop`, `done: true`, finishReason). */
	done?: boolean;
	/** An error event inside a 200 stream. */
	error?: { kind: ProviderErrorKind; message: string };
}

export interface StreamState {
	/** Handles one SSE event (`event` name, `data`) or one NDJSON line (`event` is `line`). */
	handle(event: string, data: string): StreamStep;
	/** Usage, finish reason and model gathered from the events so far. */
	outcome(): Omit<WireOutcome, 'text'>;
	/** The last parsed event, kept as `raw`. */
	last(): unknown;
	/** True once the terminal marker was seen. */
	finished(): boolean;
}

export interface WireAdapter {
	streamFormat: 'sse' | 'ndjson';
	build(req: ChatRequest, stream: boolean, apiKey: string | undefined): WireRequest;
	/** Parses a complete JSON body; throws a `malformed` ProviderError on an unexpected shape. */
	parse(json: unknown, req: ChatRequest): WireOutcome;
	startStream(req: ChatRequest): StreamState;
	/** Extracts the human message from an error body (JSON or text), if any. */
	errorMessage(body: unknown): string | undefined;
}

/** Thrown by adapters on a body that is JSON but not the expected shape; the caller labels it. */
export class WireShapeError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'WireShapeError';
	}
}

export function isRecord(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses JSON or throws WireShapeError quoting the start of the bad text. */
export function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		const head = text.length > 60 ? `${text.slice(0, 60)}…` : text;
		throw new WireShapeError(`invalid JSON: ${JSON.stringify(head)}`);
	}
}

export function num(v: unknown): number | undefined {
	return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Reads the usual `{error: {message}}`, `{error: "..."}` or `{message}` error bodies. */
export function genericErrorMessage(body: unknown): string | undefined {
	if (typeof body === 'string') return body.trim() ? body.trim().slice(0, 300) : undefined;
	if (!isRecord(body)) return undefined;
	const err = body.error;
	if (typeof err === 'string') return err;
	if (isRecord(err) && typeof err.message === 'string') return err.message;
	if (typeof body.message === 'string') return body.message;
	return undefined;
}

/** Input and output token counts as usage, or undefined unless both are known. */
export function tokenUsage(input: unknown, output: unknown): WireOutcome['usage'] {
	const i = num(input);
	const o = num(output);
	return i === undefined || o === undefined ? undefined : { inputTokens: i, outputTokens: o };
}

/** What every wire format gathers while a stream runs. */
export interface StreamTally {
	usage: WireOutcome['usage'];
	finishReason: FinishReason;
	model: string;
	/** The terminal marker was seen. */
	done: boolean;
	/** The last parsed event. */
	last: unknown;
}

/**
 * Builds a StreamState from a format's event handler: `step` parses each event and updates the
 * tally; `finished` overrides when a stream counts as complete (default: its terminal marker).
 */
export function tallyStream(
	req: ChatRequest,
	step: (tally: StreamTally, event: string, data: string) => StreamStep,
	finished: (tally: StreamTally) => boolean = (t) => t.done
): StreamState {
	const tally: StreamTally = {
		usage: undefined,
		finishReason: 'stop',
		model: req.model,
		done: false,
		last: undefined
	};
	return {
		handle: (event, data) => step(tally, event, data),
		outcome: () => ({ usage: tally.usage, finishReason: tally.finishReason, model: tally.model }),
		last: () => tally.last,
		finished: () => finished(tally)
	};
}

/** Parses a stream event that must be a JSON object, remembering it as the last event. */
export function parseStreamObject(tally: StreamTally, data: string, what: string) {
	const json = parseJson(data);
	tally.last = json;
	if (!isRecord(json)) throw new WireShapeError(`${what} is not an object`);
	return json;
}

/** The step for an `{error: …}` object inside a 200 stream, if it is one. */
export function streamErrorStep(json: unknown, fallback: string): StreamStep | undefined {
	if (!isRecord(json) || json.error === undefined) return undefined;
	return { error: { kind: 'server', message: genericErrorMessage(json) ?? fallback } };
}
