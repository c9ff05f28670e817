/** @module Prompt lint contracts: findings with rule id, severity, explanation and text span. */
import type { ChatMessage, ModelConfig, TemplateOptions } from '../../model/prompt';
import type { TemplateVariable } from '../../template/types';

export type LintSeverity = 'error' | 'warning' | 'info';

/** Where a finding points: a character range in the text prompt or in one chat message. */
export interface LintSpan {
	/** Chat message index; null for a text prompt's template. */
	message: number | null;
	/** 0-based offsets into that text, end exclusive (start === end points between characters). */
	start: number;
	end: number;
	/** The text covered (empty for a point). */
	text: string;
}

export interface LintFinding {
	ruleId: string;
	severity: LintSeverity;
	/** One line about this occurrence. */
	message: string;
	/** Why it matters and what to do instead (the rule's explanation). */
	explanation: string;
	span: LintSpan;
	/** Other places involved (the second half of a conflict, further occurrences). */
	related?: LintSpan[];
}

/** What a lint rule needs from a prompt (a Prompt or a Version's content plus metadata). */
export interface LintablePrompt {
	type: 'text' | 'chat';
	content: string;
	messages: ChatMessage[];
	modelConfig?: Pick<ModelConfig, 'maxTokens'>;
	templateOptions?: TemplateOptions;
}

/** One text the rules read: the text prompt, or one chat message. */
export interface Segment {
	message: number | null;
	role: 'system' | 'user' | 'assistant';
	text: string;
	/** The text with template tags blanked out (same length), for prose rules. */
	prose: string;
}

export interface LintContext {
	prompt: LintablePrompt;
	segments: Segment[];
	/** System and user segments: where instructions are (assistant turns are examples). */
	instructions: Segment[];
	/** Variables of all segments, or null when a template does not parse. */
	variables: TemplateVariable[] | null;
}

export interface LintRule {
	id: string;
	severity: LintSeverity;
	/** Short name for lists. */
	title: string;
	explanation: string;
	check(ctx: LintContext): LintFinding[];
}
