/** @module The rewrite request sent to a model, and the parsing and checks of its reply. */
import type { EvalMessage } from '../../eval/types';
import type { ChatMessage, TemplateOptions } from '../../model/prompt';
import { ROLES } from '../../model/prompt';
import { checkTemplate } from '../../template/lint';
import { extractVariables } from '../../template/variables';
import type { LintFinding } from '../lint/types';

/** The part of a prompt a rewrite replaces. */
export interface RewritablePrompt {
	type: 'text' | 'chat';
	content: string;
	messages: ChatMessage[];
	templateOptions?: TemplateOptions;
}

/** The prompt as one text; chat messages get `[role]` header lines. */
export function promptAsText(p: RewritablePrompt): string {
	if (p.type === 'text') return p.content;
	return p.messages.map((m) => `[${m.role}]\n${m.content}`).join('\n\n');
}

const SYSTEM = `You are an expert prompt engineer. You rewrite prompt templates so that language models follow them more reliably, keeping the task the same.
Rules for the rewrite:
- Keep every template variable exactly as written (for example {{ name }}), keep Jinja tags valid, and add no new variables.
- Fix the problems listed by the linter where that helps.
- Reply with the rewritten prompt only: no commentary, no explanation, no code fence.`;

/** The messages asking for rewrite number `index` (1-based) of `count`. */
export function rewriteMessages(
	prompt: RewritablePrompt,
	findings: readonly LintFinding[],
	index: number,
	count: number,
	variables: readonly string[]
): EvalMessage[] {
	const problems = findings.length
		? findings.map((f) => `- ${f.ruleId} (${f.severity}): ${f.message}`).join('\n')
		: '- none found; improve clarity and robustness';
	const chatNote =
		prompt.type === 'chat'
			? '\nThe prompt is a chat: keep the same [system]/[user]/[assistant] header lines, one per message.'
			: '';
	return [
		{ role: 'system', content: SYSTEM },
		{
			role: 'user',
			content:
				`Variables that must stay: ${variables.length ? variables.map((v) => `{{ ${v} }}`).join(', ') : 'none'}\n` +
				`Linter findings:\n${problems}\n${chatNote}\n` +
				`This is rewrite ${index} of ${count}; make it different from the others.\n\n` +
				`<prompt>\n${promptAsText(prompt)}\n</prompt>`
		}
	];
}

export type ParsedRewrite =
	{ ok: true; prompt: RewritablePrompt } | { ok: false; reason: string; text: string };

/** Removes a code fence or `<prompt>` wrapper the model may have added anyway. */
function unwrap(reply: string): string {
	let t = reply.trim();
	const fence = /^```[\w-]*\n([\s\S]*?)\n```$/.exec(t);
	if (fence) t = fence[1].trim();
	const tag = /^<prompt>\s*([\s\S]*?)\s*<\/prompt>$/.exec(t);
	if (tag) t = tag[1].trim();
	return t;
}

function parseChat(text: string): ChatMessage[] | null {
	const re = new RegExp(`^\\[(${ROLES.join('|')})\\]\\s*$`, 'gm');
	const heads = [...text.matchAll(re)];
	if (heads.length === 0 || text.slice(0, heads[0].index).trim() !== '') return null;
	return heads.map((h, i) => ({
		role: h[1] as ChatMessage['role'],
		content: text.slice(h.index + h[0].length, heads[i + 1]?.index ?? text.length).trim()
	}));
}

/**
 * Parses a model's reply into a prompt of the same type and checks it: the template parses and
 * uses exactly the original's variables (the dataset has no values for new ones).
 */
export function parseRewrite(reply: string, original: RewritablePrompt): ParsedRewrite {
	const text = unwrap(reply);
	if (text === '') return { ok: false, reason: 'the reply was empty', text };
	let prompt: RewritablePrompt;
	if (original.type === 'text') prompt = { ...original, content: text };
	else {
		const messages = parseChat(text);
		if (!messages) return { ok: false, reason: 'the reply lost the [role] message headers', text };
		prompt = { ...original, messages };
	}
	const sources = prompt.type === 'text' ? [prompt.content] : prompt.messages.map((m) => m.content);
	for (const s of sources) {
		const problem = checkTemplate(s, original.templateOptions ?? {});
		if (problem) return { ok: false, reason: `the template is invalid: ${problem.message}`, text };
	}
	const want = variableNames(original);
	const got = variableNames(prompt);
	const missing = want.filter((v) => !got.includes(v));
	const extra = got.filter((v) => !want.includes(v));
	if (missing.length)
		return { ok: false, reason: `it drops the variable(s) ${missing.join(', ')}`, text };
	if (extra.length)
		return { ok: false, reason: `it adds unknown variable(s) ${extra.join(', ')}`, text };
	return { ok: true, prompt };
}

/** Names of the variables a prompt reads. */
export function variableNames(p: RewritablePrompt): string[] {
	const sources = p.type === 'text' ? [p.content] : p.messages.map((m) => m.content);
	return extractVariables(sources, p.templateOptions ?? {}).map((v) => v.name);
}
