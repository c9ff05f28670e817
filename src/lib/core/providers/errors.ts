/** @module Provider failures as one error class with a specific kind, status and retry hint. */
import { PromptloomError } from '../model/errors';

export type ProviderErrorKind =
	| 'auth'
	| 'unknown_model'
	| 'rate_limit'
	| 'timeout'
	| 'network'
	| 'malformed'
	| 'server'
	| 'cancelled'
	| 'bad_request';

export interface ProviderErrorDetails {
	kind: ProviderErrorKind;
	/** Provider label, e.g. `OpenAI`. */
	provider: string;
	status?: number;
	/** Delay the server asked for (Retry-After), in milliseconds. */
	retryAfterMs?: number;
	/** How many attempts were made before giving up. */
	attempts?: number;
	/** Text already streamed before the failure, so the UI can keep it. */
	partialText?: string;
	cause?: unknown;
}

/** A provider call failed; `code` is always `provider`, `kind` says why. */
export class ProviderError extends PromptloomError {
	readonly kind: ProviderErrorKind;
	readonly provider: string;
	readonly status?: number;
	readonly retryAfterMs?: number;
	readonly attempts: number;
	readonly partialText?: string;

	constructor(message: string, details: ProviderErrorDetails) {
		super('provider', message, details.cause === undefined ? undefined : { cause: details.cause });
		this.name = 'ProviderError';
		this.kind = details.kind;
		this.provider = details.provider;
		this.status = details.status;
		this.retryAfterMs = details.retryAfterMs;
		this.attempts = details.attempts ?? 1;
		this.partialText = details.partialText;
	}

	/** The same error after `attempts` tries, with "; retried N times" appended when N > 0. */
	afterAttempts(attempts: number): ProviderError {
		const retries = attempts - 1;
		const suffix = retries > 0 ? `; retried ${retries} time${retries === 1 ? '' : 's'}` : '';
		return new ProviderError(this.message + suffix, {
			kind: this.kind,
			provider: this.provider,
			status: this.status,
			retryAfterMs: this.retryAfterMs,
			attempts,
			partialText: this.partialText,
			cause: this.cause
		});
	}
}

export function isProviderError(e: unknown, kind?: ProviderErrorKind): e is ProviderError {
	return e instanceof ProviderError && (kind === undefined || e.kind === kind);
}

/** Kinds worth another attempt: the server or the network may recover. */
export function isRetryableKind(kind: ProviderErrorKind): boolean {
	return kind === 'rate_limit' || kind === 'server' || kind === 'network';
}

/** Maps an HTTP status to a kind. Only 408, 429 and 5xx are retryable among 4xx/5xx. */
export function kindForStatus(status: number): ProviderErrorKind {
	if (status === 401 || status === 403) return 'auth';
	if (status === 404) return 'unknown_model';
	if (status === 408) return 'timeout';
	if (status === 429) return 'rate_limit';
	if (status >= 500) return 'server';
	return 'bad_request';
}

/** Builds the user-facing message for an HTTP error status. */
export function messageForStatus(
	provider: string,
	status: number,
	model: string,
	serverMessage: string | undefined
): string {
	const detail = serverMessage ? `: ${serverMessage}` : '';
	switch (kindForStatus(status)) {
		case 'auth':
			return `${provider} rejected the API key (${status})${detail}`;
		case 'unknown_model':
			return `${provider} does not know model "${model}" or the base URL is wrong (404)${detail}`;
		case 'timeout':
			return `${provider} timed out handling the request (408)${detail}`;
		case 'rate_limit':
			return `rate limited by ${provider} (429)${detail}`;
		case 'server':
			return `${provider} server error (${status})${detail}`;
		default:
			return `${provider} rejected the request (${status})${detail}`;
	}
}

/** Replaces every occurrence of `secret` in `text` so keys echoed by a server never surface. */
export function redact(text: string, secret: string | undefined): string {
	if (!secret || secret.length < 4) return text;
	return text.split(secret).join('***');
}
