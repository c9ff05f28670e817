/** @module Typed errors of `promptloom/client`. */

/** Every error the client throws. */
export class PromptloomClientError extends Error {
	constructor(message: string, options?: { cause?: unknown }) {
		super(message, options);
		this.name = 'PromptloomClientError';
	}
}

/** The relay answered with an error (`{"error":{"code","message"}}`). */
export class PromptloomApiError extends PromptloomClientError {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		/** Seconds to wait, from `Retry-After` (429, 503). */
		readonly retryAfter: number | null = null
	) {
		super(message);
		this.name = 'PromptloomApiError';
	}
}

/** 401: the key is missing, unknown or revoked. */
export class AuthenticationError extends PromptloomApiError {
	override name = 'AuthenticationError';
}
/** 403: the key may not do this (a read key writing). */
export class PermissionError extends PromptloomApiError {
	override name = 'PermissionError';
}
/** 404: no such prompt, label or version. */
export class NotFoundError extends PromptloomApiError {
	override name = 'NotFoundError';
}
/** 400 or 422: the request or the render failed (e.g. a missing variable, named in the message). */
export class InvalidRequestError extends PromptloomApiError {
	override name = 'InvalidRequestError';
}
/** 429: the key's rate limit; `retryAfter` says when to try again. */
export class RateLimitError extends PromptloomApiError {
	override name = 'RateLimitError';
}

/** The relay could not be reached (or did not answer in time). */
export class NetworkError extends PromptloomClientError {
	override name = 'NetworkError';
}

/** A local render failed (syntax error, missing variable, limit). */
export class RenderError extends PromptloomClientError {
	override name = 'RenderError';
	constructor(
		readonly code: string,
		message: string
	) {
		super(message);
	}
}

export function apiError(status: number, code: string, message: string, retryAfter: number | null) {
	if (status === 401) return new AuthenticationError(status, code, message, retryAfter);
	if (status === 403) return new PermissionError(status, code, message, retryAfter);
	if (status === 404) return new NotFoundError(status, code, message, retryAfter);
	if (status === 400 || status === 422)
		return new InvalidRequestError(status, code, message, retryAfter);
	if (status === 429) return new RateLimitError(status, code, message, retryAfter);
	return new PromptloomApiError(status, code, message, retryAfter);
}
