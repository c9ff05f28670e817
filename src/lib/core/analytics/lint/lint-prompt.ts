/** @module Runs the prompt lint rules over a text or chat prompt. */
import { extractVariables } from '../../template/variables';
import type { TemplateVariable } from '../../template/types';
import { conflictingInstructions, negativeOnly } from './rules-instructions';
import { noOutputFormat, unboundedLength } from './rules-output';
import { ambiguousPronoun, missingRole, openEndedList, shouting } from './rules-style';
import { templateSyntax, undelimitedVariable } from './rules-variables';
import { maskTemplate } from './text';
import type { LintContext, LintFinding, LintRule, LintablePrompt, Segment } from './types';

/** Every built-in rule, in the order findings are reported. */
export const LINT_RULES: readonly LintRule[] = [
	templateSyntax,
	noOutputFormat,
	undelimitedVariable,
	conflictingInstructions,
	unboundedLength,
	ambiguousPronoun,
	missingRole,
	shouting,
	negativeOnly,
	openEndedList
];

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

export interface LintOptions {
	/** Rule ids to skip. */
	disable?: readonly string[];
	/** Replaces the built-in rule list (plugins add rules by passing `[...LINT_RULES, mine]`). */
	rules?: readonly LintRule[];
}

/** The segments and variables rules read from a prompt. */
export function lintContext(prompt: LintablePrompt): LintContext {
	const segments: Segment[] =
		prompt.type === 'text'
			? [{ message: null, role: 'user', text: prompt.content, prose: maskTemplate(prompt.content) }]
			: prompt.messages.map((m, i) => ({
					message: i,
					role: m.role,
					text: m.content,
					prose: maskTemplate(m.content)
				}));
	let variables: TemplateVariable[] | null;
	try {
		variables = extractVariables(
			segments.map((s) => s.text),
			prompt.templateOptions ?? {}
		);
	} catch {
		variables = null;
	}
	return {
		prompt,
		segments,
		instructions: segments.filter((s) => s.role !== 'assistant' && s.prose.trim() !== ''),
		variables
	};
}

/**
 * Lints a prompt (a `Prompt`, or a version's content with its metadata): findings sorted by
 * severity, then by position. A rule that throws is reported as an `info` finding, never fatal.
 */
export function lintPrompt(prompt: LintablePrompt, options: LintOptions = {}): LintFinding[] {
	const ctx = lintContext(prompt);
	const disabled = new Set(options.disable ?? []);
	const out: LintFinding[] = [];
	for (const rule of options.rules ?? LINT_RULES) {
		if (disabled.has(rule.id)) continue;
		try {
			out.push(...rule.check(ctx));
		} catch (e) {
			out.push({
				ruleId: rule.id,
				severity: 'info',
				message: `The rule could not run: ${(e as Error).message}`,
				explanation: rule.explanation,
				span: { message: null, start: 0, end: 0, text: '' }
			});
		}
	}
	return out.sort(
		(a, b) =>
			SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
			(a.span.message ?? -1) - (b.span.message ?? -1) ||
			a.span.start - b.span.start
	);
}
