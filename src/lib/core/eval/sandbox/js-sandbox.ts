/**
 * @module Custom scorer JavaScript: what the code receives and returns, and the {@link JsSandbox}
 * that runs it in the one sandbox for untrusted code (`core/sandbox`, QuickJS in WebAssembly).
 */
import { PromptloomError } from '../../model/errors';
import { isSandboxError, SandboxError, type Sandbox } from '../../sandbox/sandbox';

/** What custom scorer code receives: `(output, context) => boolean | number | {pass, score, reason}`. */
export interface JsSandboxInput {
	/** The model's text, or what a transform made of it. */
	output: unknown;
	context: {
		vars: Record<string, unknown>;
		expected?: unknown;
		prompt?: string;
		latencyMs?: number;
		costUsd?: number | null;
	};
}

export interface JsSandboxRunOptions {
	timeoutMs: number;
	signal?: AbortSignal;
}

/**
 * Runs scorer code in isolation and returns its JSON-serialisable result. Rejects with a
 * `PromptloomError` of code `timeout` when the limit is hit, `cancelled` when the signal aborts,
 * and `sandbox` for everything else (syntax error, thrown error, memory or stack limit…).
 * Implementations: {@link ScorerSandbox} over `InProcessSandbox` (Node) or `WorkerSandbox` (browser).
 */
export interface JsSandbox {
	run(code: string, input: JsSandboxInput, options: JsSandboxRunOptions): Promise<unknown>;
	dispose(): Promise<void>;
}

/**
 * Wraps scorer code the way promptfoo does: multi-line code, code with `return`, several statements
 * or one starting with a statement keyword is a function body; anything else is a single
 * expression. Both see `output` and `context`. The result is a script that evaluates to the
 * function, with the code starting on its first line so error lines are the scorer's own.
 */
export function wrapScorerCode(code: string): string {
	const trimmed = code.trim();
	const isBody =
		trimmed.includes('\n') ||
		/\breturn\b/.test(trimmed) ||
		/^(?:throw|const|let|var|if|for|while|do|switch|try|function|class)\b/.test(trimmed) ||
		/;\s*\S/.test(trimmed);
	return isBody
		? `(({ output, context }) => {${code}\n})`
		: `(({ output, context }) => (${code}\n))`;
}

/** Memory a scorer job may use. */
const SCORER_MEMORY_BYTES = 64 * 1024 * 1024;

/** A {@link JsSandbox} over any {@link Sandbox}: wraps the code, names failures "custom JavaScript". */
export class ScorerSandbox implements JsSandbox {
	readonly #sandbox: Sandbox;

	constructor(sandbox: Sandbox) {
		this.#sandbox = sandbox;
	}

	async run(code: string, input: JsSandboxInput, options: JsSandboxRunOptions): Promise<unknown> {
		try {
			return await this.#sandbox.run(
				{
					code: wrapScorerCode(code),
					input,
					timeoutMs: Math.max(1, Math.round(options.timeoutMs)),
					memoryBytes: SCORER_MEMORY_BYTES,
					filename: 'scorer.js'
				},
				{ signal: options.signal }
			);
		} catch (e) {
			if (!isSandboxError(e)) throw e;
			if (e.failure.kind === 'cancelled')
				throw new PromptloomError('cancelled', 'scorer cancelled');
			throw new SandboxError(e.failure, 'custom JavaScript');
		}
	}

	dispose(): Promise<void> {
		return this.#sandbox.dispose();
	}
}
