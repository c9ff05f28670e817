/** @module Lint rules on instructions: contradictions and "don't" lists without a "do". */
import { findAll, finding, sentences, spanOf } from './text';
import type { LintContext, LintFinding, LintRule, LintSpan } from './types';

/** Pairs of instructions that cannot both be followed. */
const OPPOSITES: { a: RegExp; b: RegExp; what: string }[] = [
	{
		what: 'length',
		a: /\b(?:be (?:brief|concise|short)|concise(?:ly)?|briefly|keep it short|short answers?|in (?:one|a single) (?:sentence|line)|succinct(?:ly)?)\b/i,
		b: /\b(?:in (?:great |full |much )?detail|detailed|thorough(?:ly)?|comprehensive(?:ly)?|exhaustive(?:ly)?|long-form|as much detail)\b/i
	},
	{
		what: 'tone',
		a: /\bformal(?:ly)?\b|\bprofessional tone\b/i,
		b: /\b(?:casual(?:ly)?|informal(?:ly)?|relaxed tone|use slang|chatty)\b/i
	},
	{
		what: 'markdown',
		a: /\b(?:do not|don't|never) use markdown\b|\bno markdown\b|\bplain text only\b|\bonly plain text\b/i,
		b: /\buse markdown\b|\bin markdown\b|\bmarkdown (?:table|headings?|format)\b|\bbold (?:the|key)\b|\buse headings\b/i
	},
	{
		what: 'output',
		a: /\b(?:only|just) (?:return|output|respond with|reply with|answer with) (?:valid )?json\b|\bjson only\b|\bnothing but (?:valid )?json\b|\bonly (?:the|a) json\b/i,
		b: /\b(?:explain your (?:reasoning|answer)|show your (?:work|reasoning)|think step by step|walk (?:me )?through)\b/i
	}
];

const ALWAYS = /\balways ([a-z]+(?: [a-z]+)?)/gi;

export const conflictingInstructions: LintRule = {
	id: 'conflicting-instructions',
	severity: 'warning',
	title: 'Conflicting instructions',
	explanation:
		'Two instructions pull in opposite directions (brief vs. detailed, formal vs. casual, JSON only ' +
		'vs. explain your reasoning, always vs. never the same thing). The model follows one of them ' +
		'at random, so results flip between calls. Keep one, or say when each applies.',
	check(ctx: LintContext): LintFinding[] {
		const out: LintFinding[] = [];
		const first = (re: RegExp): LintSpan | null =>
			ctx.instructions.flatMap((s) => findAll(s, re))[0] ?? null;
		for (const pair of OPPOSITES) {
			const a = first(pair.a);
			const b = first(pair.b);
			if (a && b)
				out.push(
					finding(this, a, `"${a.text}" conflicts with "${b.text}" (${pair.what}).`, {
						related: [b]
					})
				);
		}
		for (const seg of ctx.instructions) {
			for (const m of seg.prose.matchAll(ALWAYS)) {
				const phrase = m[1].toLowerCase();
				const never = first(
					new RegExp(`\\b(?:never|do not|don't|must not) ${phrase.replace(/ /g, '\\s+')}\\b`, 'i')
				);
				if (never)
					out.push(
						finding(
							this,
							spanOf(seg, m.index, m.index + m[0].length),
							`"${m[0]}" conflicts with "${never.text}".`,
							{ related: [never] }
						)
					);
			}
		}
		return out;
	}
};

const NEGATIVE =
	/\b(?:don't|do not|never|avoid|must not|mustn't|should not|shouldn't|refrain from|not allowed to|no (?:more than )?[a-z]+ing)\b/i;
const POSITIVE =
	/^(?:please\s+)?(?:always\s+)?(?:write|use|answer|respond|reply|return|output|give|list|summari[sz]e|explain|describe|classify|translate|extract|keep|include|start|end|format|make|provide|focus|follow|act|be|ask|cite|quote|choose|pick|rate|score|rewrite|generate|create|draft|read|check|identify|find|label|tag|sort|compare|convert|fix|review)\b|\b(?:you (?:should|must|will|need to)|instead|make sure|ensure)\b/i;

export const negativeOnly: LintRule = {
	id: 'negative-only',
	severity: 'info',
	title: 'Mostly negative instructions',
	explanation:
		'Most instructions say what not to do. Models follow "do X" more reliably than "don\'t do Y", ' +
		'and a ban without an alternative leaves them guessing. Rephrase each ban as the behaviour you ' +
		'want ("answer in plain sentences" rather than "don\'t use lists").',
	check(ctx: LintContext): LintFinding[] {
		const negatives: LintSpan[] = [];
		let positives = 0;
		for (const seg of ctx.instructions)
			for (const s of sentences(seg.prose)) {
				if (NEGATIVE.test(s.text)) negatives.push(spanOf(seg, s.start, s.end));
				else if (POSITIVE.test(s.text)) positives++;
			}
		if (negatives.length < 2 || negatives.length <= positives) return [];
		return [
			finding(
				this,
				negatives[0],
				`${negatives.length} of ${negatives.length + positives} instructions are prohibitions.`,
				{ related: negatives.slice(1) }
			)
		];
	}
};
