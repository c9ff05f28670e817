/** @module Plain-data types of playground runs: columns (one model each), results and saved runs. */
import type { ChatMessage } from '../model/prompt';
import type { ProviderErrorKind } from '../providers/errors';
import type { FinishReason, TokenUsage } from '../providers/types';

/** Why a column failed, in words the UI shows as they are. Never contains an API key. */
export interface ColumnError {
	/** PromptloomError code (`provider`, `key_vault`, `not_found`, `validation`…). */
	code: string;
	/** For provider failures: which kind (`auth`, `rate_limit`, `unknown_model`, `network`…). */
	kind?: ProviderErrorKind | string;
	message: string;
}

export type ColumnStatus = 'done' | 'error' | 'cancelled';

/** One model's answer in a run. */
export interface ColumnResult {
	/** The model spec as chosen, e.g. `openai:gpt-4o-mini`. */
	spec: string;
	status: ColumnStatus;
	/** The answer, or what streamed in before a failure or cancel. */
	text: string;
	/** The messages sent (in conversation mode, the history of this column). */
	messages: ChatMessage[];
	/** Input tokens counted with the tokenizer before sending. */
	estimatedInputTokens: number;
	usage?: TokenUsage;
	/** USD; null when the model has no price. */
	costUsd?: number | null;
	latencyMs?: number;
	attempts?: number;
	finishReason?: FinishReason;
	/** The model the server says answered. */
	model?: string;
	error?: ColumnError;
	/** What the security policy found and redacted before sending (absent: nothing found). */
	security?: ColumnSecurity;
}

/** The outbound guard's report for one column. */
export interface ColumnSecurity {
	/** The messages as they left the device (placeholders instead of redacted values). */
	sent: ChatMessage[];
	/** Placeholder → original value (kept on this device; restored in the answer). */
	redactions: { placeholder: string; value: string; type: string; kind: string }[];
	/** Findings with the index of the message they are in and the action the policy took. */
	findings: {
		kind: string;
		type: string;
		start: number;
		end: number;
		score: number;
		severity: string;
		message: string;
		messageIndex: number;
		action: string;
	}[];
	/** The policy refused to send the call. */
	blocked: boolean;
}

/** A saved run: the same prompt and variables sent to each column's model. */
export interface PlaygroundRun {
	id: string;
	/** The prompt the run belongs to (its history), or null for a scratch run. */
	promptId: string | null;
	/** The committed version run, or null for the working copy. */
	versionId: string | null;
	createdAt: number;
	variables: Record<string, unknown>;
	/** 1 for a first run; 2, 3… for later turns of a conversation. */
	turn: number;
	/** The user's turn typed in conversation mode (absent on turn 1). */
	userTurn?: string;
	temperature?: number;
	maxTokens?: number;
	columns: ColumnResult[];
}

/** What one column sends. */
export interface ColumnRequest {
	spec: string;
	messages: ChatMessage[];
}

export interface PlaygroundRunRequest {
	promptId: string | null;
	versionId?: string | null;
	variables?: Record<string, unknown>;
	columns: ColumnRequest[];
	temperature?: number;
	maxTokens?: number;
	params?: Record<string, unknown>;
	turn?: number;
	userTurn?: string;
}

/** Live progress of a run, for streaming into the columns. */
export interface PlaygroundRunHandlers {
	onDelta?: (column: number, delta: string) => void;
	/** A column finished (done, error or cancelled). */
	onColumn?: (column: number, result: ColumnResult) => void;
}
