/** @module Lint rules on wording: ambiguous pronouns, shouting, missing role, open-ended lists. */
import { findAll, finding, firstSentenceSpan, sentences, spanOf } from './text';
import type { LintContext, LintFinding, LintRule, LintSpan } from './types';

const SUBJECT_PRONOUN =
	/^(?:it|this|that|they|these|those)\s+(?:is|are|was|were|should|must|can|could|will|would|may|might|needs?|has|have|had|does|do|did|contains?|includes?|seems?|looks?|means?)\b/i;
const OBJECT_PRONOUN =
	/\b(?:summari[sz]e|rewrite|translate|fix|improve|analy[sz]e|review|explain|check|classify|edit|shorten|expand|answer|rate|correct|describe)\s+(?:it|this|that|them|these|those)\s*[.!?]?$/i;

export const ambiguousPronoun: LintRule = {
	id: 'ambiguous-pronoun',
	severity: 'info',
	title: 'Ambiguous pronoun',
	explanation:
		'A sentence leans on "it", "this" or "they" without a clear noun to refer to. With the ' +
		'instructions, examples and inserted text all in one context, the model may pick the wrong ' +
		'referent. Name the thing ("the email", "the summary") instead.',
	check(ctx: LintContext): LintFinding[] {
		const out: LintFinding[] = [];
		for (const seg of ctx.instructions)
			for (const s of sentences(seg.prose)) {
				const m = SUBJECT_PRONOUN.exec(s.text) ?? OBJECT_PRONOUN.exec(s.text);
				if (!m) continue;
				const word = /\b(?:it|this|that|they|them|these|those)\b/i.exec(m[0]) as RegExpExecArray;
				const start = s.start + m.index + word.index;
				out.push(
					finding(
						this,
						spanOf(seg, start, start + word[0].length),
						`"${word[0]}" does not say what it refers to.`
					)
				);
			}
		return out;
	}
};

const ACRONYMS = new Set(
	'JSON XML YAML CSV HTML CSS API URL URI HTTP HTTPS SQL PDF ID IDS UUID USA UK EU AI LLM FAQ PII SMS ISO UTC NASA TODO ASAP OK PR CI'.split(
		' '
	)
);
const EMPHASIS = /\b(?:MUST|NEVER|ALWAYS|IMPORTANT|CRITICAL|DO NOT|DON'T|ONLY|VERY)\b/g;

export const shouting: LintRule = {
	id: 'shouting',
	severity: 'info',
	title: 'ALL-CAPS shouting',
	explanation:
		'Runs of capitals and repeated MUST/NEVER/IMPORTANT were a workaround for older models. ' +
		'Current models tend to over-apply shouted rules (refusing or over-correcting elsewhere). ' +
		'State the rule calmly and explain why it matters; reserve emphasis for one true constraint.',
	check(ctx: LintContext): LintFinding[] {
		const out: LintFinding[] = [];
		const emphasis: LintSpan[] = [];
		for (const seg of ctx.instructions) {
			const runs = /\b[A-Z][A-Z']+(?:[\s,]+[A-Z][A-Z']+){2,}\b/g;
			for (const m of seg.prose.matchAll(runs)) {
				const words = m[0].split(/[\s,]+/);
				if (words.every((w) => ACRONYMS.has(w))) continue;
				out.push(
					finding(this, spanOf(seg, m.index, m.index + m[0].length), `"${m[0]}" is in capitals.`)
				);
			}
			for (const m of seg.prose.matchAll(/!{2,}/g))
				out.push(finding(this, spanOf(seg, m.index, m.index + m[0].length), 'Repeated "!".'));
			emphasis.push(...findAll(seg, EMPHASIS));
		}
		const inRuns = (s: LintSpan) =>
			out.some(
				(f) => f.span.message === s.message && f.span.start <= s.start && s.end <= f.span.end
			);
		const loose = emphasis.filter((s) => !inRuns(s));
		if (loose.length >= 2)
			out.push(
				finding(
					this,
					loose[0],
					`${loose.length} shouted words (${loose.map((s) => s.text).join(', ')}).`,
					{
						related: loose.slice(1)
					}
				)
			);
		return out;
	}
};

const ROLE =
	/\b(?:you are|you're|act as|acting as|your (?:role|task|job|goal|purpose) is|as an? [a-z-]+(?: [a-z-]+)? (?:expert|assistant|engineer|analyst|writer|editor|specialist|agent|teacher|tutor|reviewer|translator|consultant|developer|lawyer|doctor|scientist|researcher|marketer|copywriter|manager))\b/i;

export const missingRole: LintRule = {
	id: 'missing-role',
	severity: 'info',
	title: 'No role or context',
	explanation:
		'The prompt does not tell the model who it is or who the answer is for (no system message, ' +
		'no "You are…", no audience). A sentence of role and context — expertise, audience, purpose — ' +
		'steadies tone and depth across inputs.',
	check(ctx: LintContext): LintFinding[] {
		if (ctx.segments.some((s) => s.role === 'system' && s.text.trim() !== '')) return [];
		if (ctx.instructions.some((s) => ROLE.test(s.prose))) return [];
		const span = firstSentenceSpan(ctx.instructions);
		return span ? [finding(this, span, 'No role, audience or context is given.')] : [];
	}
};

export const openEndedList: LintRule = {
	id: 'open-ended-list',
	severity: 'info',
	title: 'Open-ended list ("etc.")',
	explanation:
		'"etc.", "and so on" or "and more" leave the model to guess what else belongs in the list, ' +
		'and it guesses differently each time. Spell out every item, or describe the rule that ' +
		'decides membership.',
	check(ctx: LintContext): LintFinding[] {
		return ctx.instructions.flatMap((seg) =>
			findAll(
				seg,
				/\b(?:etc\.?|and so on|and so forth|and more|or similar|and the like)(?=\W|$)/i
			).map((span) => finding(this, span, `"${span.text}" leaves the list open.`))
		);
	}
};
