/**
 * @module The one sandbox for untrusted JavaScript (custom scorers, later plugins): the job it
 * runs, its limits, the typed failures it reports and the interface every platform implements.
 * The engine is QuickJS compiled to WebAssembly (`engine.ts`): the code sees ECMAScript built-ins
 * only, never a host object or function, and only JSON text crosses the boundary.
 */
import { PromptloomError } from '../model/errors';

export type JsonValue =
	null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** One run of untrusted code. */
export interface SandboxJob {
	/**
	 * A script (strict mode) whose completion value is a function, e.g. `(input) => input.a + 1`.
	 * The function is called with a copy of `input` parsed from JSON inside the sandbox; it may
	 * return a promise. Its result must be JSON-serialisable (`undefined` becomes `null`).
	 */
	code: string;
	/** Any JSON-serialisable value (default `null`). */
	input?: unknown;
	/** The input already as JSON text; used instead of `input` when given. */
	inputJson?: string;
	/** Wall-clock limit for compiling, running and settling the code. */
	timeoutMs: number;
	/** Heap limit of the job's QuickJS runtime (default {@link SANDBOX_DEFAULTS}.memoryBytes). */
	memoryBytes?: number;
	/** Stack limit of the job's QuickJS runtime (default {@link SANDBOX_DEFAULTS}.stackBytes). */
	stackBytes?: number;
	/** File name used in error locations (letters, digits, `.`, `_`, `-`; default `sandbox.js`). */
	filename?: string;
}

export interface SandboxRunOptions {
	/** Cancels a queued job, or a running one where the platform can stop it (a worker). */
	signal?: AbortSignal;
}

/** The one sandbox interface: the Node (in-process) and browser (Web Worker) versions implement it. */
export interface Sandbox {
	/** Resolves with the code's JSON result; rejects with a {@link SandboxError}. */
	run(job: SandboxJob, options?: SandboxRunOptions): Promise<JsonValue>;
	dispose(): Promise<void>;
}

export const SANDBOX_DEFAULTS = {
	memoryBytes: 64 * 1024 * 1024,
	/** Deep enough for ordinary recursion (about 1,500 plain calls), well below the host's stack. */
	stackBytes: 256 * 1024,
	filename: 'sandbox.js'
} as const;

/** Smallest memory limit accepted: a QuickJS context needs a few hundred kilobytes to exist. */
export const MIN_MEMORY_BYTES = 1024 * 1024;

export type SandboxFailureKind =
	/** The code does not parse. */
	| 'syntax'
	/** The code threw (or returned a rejected promise). */
	| 'thrown'
	| 'timeout'
	| 'memory'
	| 'stack'
	/** The result is not JSON-serialisable (a function, a BigInt, a cycle…). */
	| 'result'
	/** The code's promise never settled. */
	| 'unsettled'
	/** The script did not evaluate to a function. */
	| 'entry'
	/** The job itself is invalid (input not JSON-serialisable, bad limits). */
	| 'input'
	/** The engine failed; the next job gets a fresh one. */
	| 'crashed'
	| 'cancelled';

/** A failure as plain data: what crosses the worker boundary and what {@link SandboxError} carries. */
export interface SandboxFailure {
	kind: SandboxFailureKind;
	/** The engine's or the thrown error's own message (no subject, no location). */
	message: string;
	/** Error class name inside the sandbox (`SyntaxError`, `TypeError`…), for syntax and thrown. */
	name?: string;
	/** 1-based location in the job's file, when the engine reports one. */
	line?: number;
	column?: number;
	/** The limit that was exceeded (ms for timeout, bytes for memory and stack). */
	limit?: number;
}

const mb = (bytes: number) => `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;

/**
 * The failure as a sentence about `subject` ("sandboxed code", "custom JavaScript"…), e.g.
 * `custom JavaScript exceeded its time limit of 1000 ms` or
 * `custom JavaScript has a syntax error at line 3, column 7: unexpected token in expression: ';'`.
 */
export function describeSandboxFailure(f: SandboxFailure, subject: string): string {
	const named = f.name && f.name !== 'Error' ? `${f.name}: ${f.message}` : f.message;
	const at =
		f.line !== undefined ? ` at line ${f.line}${f.column ? `, column ${f.column}` : ''}` : '';
	switch (f.kind) {
		case 'syntax':
			return `${subject} has a syntax error${at}: ${f.message}`;
		case 'thrown':
			return `${subject} failed: ${named}`;
		case 'timeout':
			return `${subject} exceeded its time limit of ${f.limit ?? '?'} ms`;
		case 'memory':
			return `${subject} exceeded its memory limit${f.limit ? ` of ${mb(f.limit)}` : ''}`;
		case 'stack':
			return `${subject} exceeded its stack limit (recursion too deep)`;
		case 'result':
			return `${subject} failed: result is not JSON-serialisable: ${f.message}`;
		case 'unsettled':
			return `${subject} did not produce a result (a promise that never settles?)`;
		case 'entry':
			return `${subject} failed: ${f.message}`;
		case 'input':
			return `${subject} could not start: ${f.message}`;
		case 'crashed':
			return `${subject} crashed the sandbox: ${f.message}`;
		case 'cancelled':
			return `${subject} was cancelled`;
	}
}

/** A sandbox failure; `code` is `timeout`, `cancelled` or `sandbox`, `failure.kind` says which. */
export class SandboxError extends PromptloomError {
	readonly failure: SandboxFailure;
	constructor(failure: SandboxFailure, subject = 'sandboxed code') {
		super(
			failure.kind === 'timeout'
				? 'timeout'
				: failure.kind === 'cancelled'
					? 'cancelled'
					: 'sandbox',
			describeSandboxFailure(failure, subject),
			failure.line !== undefined
				? { path: `line ${failure.line}${failure.column ? `, column ${failure.column}` : ''}` }
				: undefined
		);
		this.name = 'SandboxError';
		this.failure = failure;
	}
	get kind(): SandboxFailureKind {
		return this.failure.kind;
	}
}

export function isSandboxError(e: unknown, kind?: SandboxFailureKind): e is SandboxError {
	return e instanceof SandboxError && (kind === undefined || e.failure.kind === kind);
}

/** Request from the page to the sandbox worker. */
export interface SandboxWorkerRequest {
	id: number;
	job: SandboxJob;
}

/** The worker's answer: the result as JSON text, or the failure as data. */
export type SandboxWorkerResponse =
	{ id: number; ok: true; json: string } | { id: number; ok: false; failure: SandboxFailure };
