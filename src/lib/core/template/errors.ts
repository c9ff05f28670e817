/** @module Template errors: PromptloomError with an optional source position, and plain-data (de)serialization for workers. */
import { PromptloomError, type ErrorCode } from '../model/errors';

/** A template failure; `line`/`column` (1-based) are set when the position is known. */
export class TemplateError extends PromptloomError {
	readonly line?: number;
	readonly column?: number;
	/** Which template failed when a render has several (e.g. `messages[2]`, `include summarize`). */
	readonly template?: string;
	constructor(
		code: ErrorCode,
		message: string,
		options: { line?: number; column?: number; template?: string; cause?: unknown } = {}
	) {
		super(code, message, {
			path:
				options.line === undefined
					? undefined
					: `line ${options.line}, column ${options.column ?? 1}`,
			cause: options.cause
		});
		this.name = 'TemplateError';
		this.line = options.line;
		this.column = options.column;
		this.template = options.template;
	}
}

/** Thrown when a render goes over one of its limits. */
export function limitError(detail: string): TemplateError {
	return new TemplateError('template_limit', `render limit exceeded: ${detail}`);
}

/** An error as plain data, for postMessage. */
export interface SerializedError {
	code: ErrorCode;
	message: string;
	line?: number;
	column?: number;
	template?: string;
}

export function serializeError(e: unknown): SerializedError {
	if (e instanceof TemplateError)
		return {
			code: e.code,
			message: e.message,
			line: e.line,
			column: e.column,
			template: e.template
		};
	if (e instanceof PromptloomError) return { code: e.code, message: e.message };
	return { code: 'template_runtime', message: e instanceof Error ? e.message : String(e) };
}

export function deserializeError(s: SerializedError): TemplateError {
	return new TemplateError(s.code, s.message, {
		line: s.line,
		column: s.column,
		template: s.template
	});
}

/** Prefixes the error with the template it came from (keeps code and position). */
export function inTemplate(e: unknown, template: string): unknown {
	if (!(e instanceof PromptloomError) || (e instanceof TemplateError && e.template)) return e;
	const t = e instanceof TemplateError ? e : undefined;
	return new TemplateError(e.code, `${template}: ${e.message}`, {
		line: t?.line,
		column: t?.column,
		template,
		cause: e
	});
}
