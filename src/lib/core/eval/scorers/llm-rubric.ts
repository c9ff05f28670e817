/** @module `llm-rubric`: an LLM judge grades the output against a rubric; its cost is counted separately. */
import { PromptloomError } from '../../model/errors';
import { parseProviderId } from '../provider-id';
import type { EvalMessage } from '../types';
import { valueOf, type Assertion, type Scorer, type ScorerContext } from './types';

/** The default judge prompt; `{{rubric}}`, `{{output}}` and `{{vars.NAME}}` are substituted. */
export const DEFAULT_RUBRIC_PROMPT: EvalMessage[] = [
	{
		role: 'system',
		content:
			'You grade an output against a rubric. The output passes if it satisfies the rubric. ' +
			'Answer with only a JSON object: {"reason": string, "pass": boolean, "score": number between 0.0 and 1.0}.'
	},
	{ role: 'user', content: '<Rubric>\n{{rubric}}\n</Rubric>\n\n<Output>\n{{output}}\n</Output>' }
];

function substitute(
	template: string,
	fields: { rubric: string; output: string; vars: Record<string, unknown> }
): string {
	return template.replace(
		/\{\{\s*(rubric|output|vars\.([A-Za-z_][\w]*))\s*\}\}/g,
		(_, name: string, varName?: string) => {
			if (varName !== undefined) {
				const v = fields.vars[varName];
				return typeof v === 'string' ? v : JSON.stringify(v ?? '');
			}
			return name === 'rubric' ? fields.rubric : fields.output;
		}
	);
}

/** Builds the judge's messages from the assertion's rubric prompt (text or JSON chat array) or the default. */
export function buildJudgeMessages(assertion: Assertion, ctx: ScorerContext): EvalMessage[] {
	const rubric = String(valueOf(assertion, ctx) ?? '');
	const fields = { rubric, output: ctx.output, vars: ctx.vars };
	let template: EvalMessage[] = DEFAULT_RUBRIC_PROMPT;
	if (assertion.rubricPrompt !== undefined) {
		template = parseRubricPrompt(assertion.rubricPrompt);
	}
	return template.map((m) => ({ role: m.role, content: substitute(m.content, fields) }));
}

function parseRubricPrompt(text: string): EvalMessage[] {
	const trimmed = text.trim();
	if (trimmed.startsWith('[')) {
		let parsed: unknown;
		try {
			parsed = JSON.parse(trimmed);
		} catch (e) {
			throw new PromptloomError(
				'validation',
				`rubricPrompt looks like a JSON message list but is invalid: ${(e as Error).message}`
			);
		}
		if (
			!Array.isArray(parsed) ||
			!parsed.every((m) => typeof m?.role === 'string' && typeof m?.content === 'string')
		) {
			throw new PromptloomError(
				'validation',
				'rubricPrompt JSON must be a list of {role, content} messages'
			);
		}
		return parsed as EvalMessage[];
	}
	return [{ role: 'user', content: text }];
}

/** Extracts `{pass, score, reason}` from a judge's reply (the first JSON object that has `pass` or `score`). */
export function parseJudgeReply(text: string): { pass: boolean; score: number; reason: string } {
	const candidates: string[] = [];
	for (let i = text.indexOf('{'); i >= 0; i = text.indexOf('{', i + 1)) {
		for (let j = text.lastIndexOf('}'); j > i; j = text.lastIndexOf('}', j - 1))
			candidates.push(text.slice(i, j + 1));
	}
	for (const c of candidates) {
		let obj: unknown;
		try {
			obj = JSON.parse(c);
		} catch {
			continue;
		}
		if (typeof obj !== 'object' || obj === null) continue;
		const o = obj as Record<string, unknown>;
		if (o.pass === undefined && o.score === undefined) continue;
		const rawScore =
			typeof o.score === 'number' ? o.score : typeof o.score === 'string' ? Number(o.score) : NaN;
		const pass =
			typeof o.pass === 'boolean'
				? o.pass
				: o.pass === 'true'
					? true
					: Number.isFinite(rawScore)
						? rawScore >= 0.5
						: false;
		const score = Number.isFinite(rawScore) ? Math.min(1, Math.max(0, rawScore)) : pass ? 1 : 0;
		return { pass, score, reason: typeof o.reason === 'string' ? o.reason : '' };
	}
	throw new PromptloomError(
		'validation',
		`judge reply has no {"pass", "score", "reason"} JSON: ${text.slice(0, 120)}`
	);
}

export const llmRubricScorer: Scorer = {
	types: ['llm-rubric'],
	deterministic: false,
	validate(assertion) {
		if (typeof assertion.value !== 'string' || assertion.value.trim() === '') {
			throw new PromptloomError('validation', '"llm-rubric" needs the rubric text as its value');
		}
		if (assertion.provider !== undefined) parseProviderId(assertion.provider);
		if (assertion.rubricPrompt !== undefined) parseRubricPrompt(assertion.rubricPrompt);
	},
	async score(assertion, ctx) {
		const judge =
			assertion.provider !== undefined ? parseProviderId(assertion.provider) : ctx.judge;
		if (!judge || !ctx.callModel) {
			return {
				pass: false,
				score: 0,
				skipped: true,
				reason: 'skipped: no judge model configured for llm-rubric'
			};
		}
		const res = await ctx.callModel({
			provider: judge.provider,
			model: judge.model,
			messages: buildJudgeMessages(assertion, ctx),
			params: { temperature: 0, ...(judge.params ?? {}) },
			signal: ctx.signal
		});
		const usage = {
			costUsd: res.costUsd ?? 0,
			tokensIn: res.usage.inputTokens,
			tokensOut: res.usage.outputTokens
		};
		let verdict: { pass: boolean; score: number; reason: string };
		try {
			verdict = parseJudgeReply(res.text);
		} catch (e) {
			return { pass: false, score: 0, reason: (e as Error).message, ...usage };
		}
		const min = assertion.threshold;
		const pass = verdict.pass && (min === undefined || verdict.score >= min);
		return {
			pass,
			score: verdict.score,
			reason: verdict.reason || (pass ? 'judge: pass' : 'judge: fail'),
			...usage
		};
	}
};
