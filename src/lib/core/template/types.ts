/** @module Plain-data types of the template engine: requests, results, limits, trace and variables. */
import type { ChatMessage, ChatRole } from '../model/prompt';

export type { ChatMessage, ChatRole };

/** Hard limits of one render. Every field has a default in {@link DEFAULT_LIMITS}. */
export interface RenderLimits {
	/** Wall-clock budget of one render (checked in-process and enforced by the worker). */
	timeoutMs: number;
	/** Longest output (and longest intermediate string) in characters. */
	maxOutputChars: number;
	/** Interpreter steps (AST node evaluations) before the render is stopped. */
	maxSteps: number;
	/** Longest sequence `range()` may produce and longest string repetition count. */
	maxIterations: number;
	/**
	 * Deepest nesting of the template (brackets, blocks, operator chains) and of its evaluation
	 * (macro recursion, values built while rendering). At most {@link MAX_NESTING_DEPTH}.
	 */
	maxDepth: number;
	/** Deepest chain of `include()`. */
	maxIncludeDepth: number;
	/** Deepest nesting of the variables passed in. At most {@link MAX_NESTING_DEPTH}. */
	maxContextDepth: number;
	/** Most values (array items, object entries, scalars) in the variables passed in. */
	maxContextNodes: number;
	/** Longest template source in characters. */
	maxTemplateChars: number;
}

/**
 * The deepest nesting a render allows whatever its limits say. The parser, the interpreter and the
 * value printers of @huggingface/jinja recurse on the JavaScript stack; on a default 984 KB stack
 * (Node's main thread) the costliest construct, nested call arguments or parentheses, overflows
 * past about 540 levels. Up to this depth a render never overflows the stack, so a stack overflow
 * can be reported as what it is: something nested deeper than the limit.
 */
export const MAX_NESTING_DEPTH = 400;

export const DEFAULT_LIMITS: Readonly<RenderLimits> = Object.freeze({
	timeoutMs: 2000,
	maxOutputChars: 1_000_000,
	maxSteps: 5_000_000,
	maxIterations: 20_000,
	maxDepth: MAX_NESTING_DEPTH,
	maxIncludeDepth: 16,
	maxContextDepth: 64,
	maxContextNodes: 200_000,
	maxTemplateChars: 500_000
});

/** Jinja2 environment options; both default to off like Python Jinja2. */
export interface TemplateSyntaxOptions {
	trimBlocks?: boolean;
	lstripBlocks?: boolean;
}

export interface RenderOptions extends TemplateSyntaxOptions {
	/** Throw `template_variable` for missing required variables instead of warning. */
	strict?: boolean;
	/** Collect an execution trace (see {@link RenderTrace}). */
	trace?: boolean;
	/** Fixed clock for `strftime_now` (ISO string or epoch ms); defaults to the real time. */
	now?: string | number;
	limits?: Partial<RenderLimits>;
}

/** Which version of another prompt to include: a pinned version id, a label, or (neither) the latest. */
export interface IncludeRef {
	name: string;
	version?: string;
	label?: string;
}

export interface ResolvedTemplate {
	source: string;
	versionId: string;
}

/** Looks up the prompt an `include()` names. Throws or returns null when it does not exist. */
export type IncludeResolver = (ref: IncludeRef) => Promise<ResolvedTemplate | null>;

/** Every include a render may need, keyed by {@link includeKey}. Plain data: crosses worker boundaries. */
export type ResolvedIncludes = Record<string, { ref: IncludeRef } & ResolvedTemplate>;

/** A named, reusable set of examples (inserted as message pairs or as a text block). */
export interface FewShotSet {
	name: string;
	examples: { input: string; output: string }[];
}

/**
 * One entry of a chat prompt: a message whose content is a template, or a reference to a few-shot
 * set that expands into user/assistant message pairs at that position.
 */
export type ChatMessageTemplate = { role: ChatRole; content: string } | { fewshot: string };

/** Everything one render needs; plain data so it can be posted to a worker. */
export interface RenderRequest {
	/** A text prompt's template. Exactly one of `template` and `messages` is set. */
	template?: string;
	/** A chat prompt's messages. */
	messages?: ChatMessageTemplate[];
	variables?: Record<string, unknown>;
	options?: RenderOptions;
	/** From {@link resolveIncludes}; required when the templates call `include()`. */
	includes?: ResolvedIncludes;
	fewShotSets?: FewShotSet[];
}

export type RenderWarningCode = 'missing_variable' | 'unused_variable';

export interface RenderWarning {
	code: RenderWarningCode;
	variable: string;
	message: string;
}

export type TraceStep =
	| { kind: 'include'; name: string; ref: IncludeRef; versionId: string }
	| { kind: 'variable'; name: string; preview: string }
	| { kind: 'if'; condition: string; branch: 'then' | 'else'; output: string }
	| { kind: 'for'; loop: string; iteration: number; item: string; output: string }
	| { kind: 'filter'; filter: string; args: string[]; input: string; output: string }
	| { kind: 'message'; index: number; role: ChatRole; content: string };

export interface RenderTrace {
	steps: TraceStep[];
	/** True when more steps happened than the trace keeps. */
	truncated: boolean;
}

interface RenderResultBase {
	warnings: RenderWarning[];
	trace?: RenderTrace;
}

export type RenderResult =
	| (RenderResultBase & { kind: 'text'; output: string })
	| (RenderResultBase & { kind: 'chat'; output: ChatMessage[] });

export type VariableKind = 'text' | 'number' | 'list' | 'object';

/** A variable the template reads from its context, as the generated form shows it. */
export interface TemplateVariable {
	name: string;
	kind: VariableKind;
	required: boolean;
	/** The literal given to `| default(...)`, when there is one. */
	default?: unknown;
	/** Attributes read from an object variable (`user.name` gives `name`). */
	fields?: string[];
}

/** A problem found without rendering (for the editor lint). Line and column are 1-based. */
export interface TemplateDiagnostic {
	code: 'template_syntax' | 'template_unsafe' | 'template_limit' | 'template_include';
	message: string;
	line?: number;
	column?: number;
}
