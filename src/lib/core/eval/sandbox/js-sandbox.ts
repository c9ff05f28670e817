/** @module Contract for running untrusted scorer JavaScript with a time limit, no network and no storage. */

/** What custom scorer code receives: `(output, context) => boolean | number | {pass, score, reason}`. */
export interface JsSandboxInput {
	output: string;
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
 * `PromptloomError` of code `timeout` when the limit is hit and `sandbox` when the code throws.
 * Implementations: Node (`js-sandbox-node.ts`, worker thread + fresh V8 context); browser (Worker).
 */
export interface JsSandbox {
	run(code: string, input: JsSandboxInput, options: JsSandboxRunOptions): Promise<unknown>;
	dispose(): Promise<void>;
}

/**
 * Wraps scorer code the way promptfoo does: multi-line code, code with `return`, several statements
 * or one starting with a statement keyword is a function body; anything else is a single expression. Both see `output` and `context`.
 */
export function wrapScorerCode(code: string): string {
	const trimmed = code.trim();
	const isBody =
		trimmed.includes('\n') ||
		/\breturn\b/.test(trimmed) ||
		/^(?:throw|const|let|var|if|for|while|do|switch|try|function|class)\b/.test(trimmed) ||
		/;\s*\S/.test(trimmed);
	return isBody ? `(output, context) => {\n${code}\n}` : `(output, context) => (\n${code}\n)`;
}
