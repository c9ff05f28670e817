/** @module Domain errors: every failure the user can see carries a specific code and message. */

export type ErrorCode =
	| 'validation'
	| 'not_found'
	| 'conflict'
	| 'storage_quota'
	| 'storage_unavailable'
	| 'storage_blocked'
	| 'storage'
	| 'import'
	| 'template_syntax'
	| 'template_limit'
	| 'template_unsafe'
	| 'template_runtime'
	| 'template_variable'
	| 'template_include'
	| 'provider'
	| 'key_vault'
	| 'nothing_to_commit'
	| 'merge'
	| 'sandbox'
	| 'timeout'
	| 'cancelled'
	| 'embedding_unavailable'
	| 'approval_required'
	| 'forbidden'
	| 'relay';

export class PromptloomError extends Error {
	readonly code: ErrorCode;
	/** Where the problem is, e.g. `prompts[3].name` or `line 4, column 2`. */
	readonly path?: string;
	constructor(code: ErrorCode, message: string, options?: { path?: string; cause?: unknown }) {
		super(message, options?.cause === undefined ? undefined : { cause: options.cause });
		this.name = 'PromptloomError';
		this.code = code;
		this.path = options?.path;
	}
}

export function isPromptloomError(e: unknown, code?: ErrorCode): e is PromptloomError {
	return e instanceof PromptloomError && (code === undefined || e.code === code);
}

/** Formats a zod-style issue path as `prompts[3].modelConfig.temperature`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
	let out = '';
	for (const part of path) {
		if (typeof part === 'number') out += `[${part}]`;
		else out += out ? `.${String(part)}` : String(part);
	}
	return out;
}
