/** @module Lint rules about the expected output: a stated format and a bound on length. */
import { findIn, finding, quantityView, sentences, spanOf } from './text';
import type { LintContext, LintFinding, LintRule, Segment } from './types';

const FORMAT =
	/\b(json|yaml|xml|csv|markdown|html|table|bullet(?:ed)?(?: list| points?)?|numbered list|(?:a |the )?list of|one (?:word|line|sentence|paragraph|number)|(?:respond|reply|answer)(?: only)? (?:with|in|using)|return (?:only )?(?:a|an|the|just|only)\b|output (?:only|format|as|should|must)|format(?:ted)? (?:as|like|it)|in the (?:following )?format|schema|yes or no|true or false|a single (?:word|number|label|line|sentence)|(?:heading|section|field|key)s?\b)|^\s*(?:output|answer|response|result|json)\s*:/im;

const GENERATE =
	/\b(write|explain|describe|generate|summari[sz]e|draft|create|compose|elaborate|discuss|tell|expand|outline|brainstorm|list|answer)\b/i;

const LENGTH =
	/\b\d+\s*(?:-\s*\d+\s*)?(?:words?|sentences?|paragraphs?|bullets?|bullet points|items?|lines?|characters?|chars|tokens?|points?|examples?|ideas?|pages?)\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|a single|single|a few)\s+(?:words?|sentences?|paragraphs?|bullets?|bullet points|items?|lines?|points?|examples?|ideas?)\b|\b(?:brief(?:ly)?|concise(?:ly)?|short|succinct(?:ly)?|terse|at most|no more than|maximum|max\.?|up to|fewer than|less than|under \d+|limit(?:ed)? to|tl;?dr|one-liner|yes or no|true or false)\b/i;

function lastSentenceSpan(segments: readonly Segment[]) {
	for (let i = segments.length - 1; i >= 0; i--) {
		const seg = segments[i];
		const last = sentences(seg.prose).at(-1);
		if (last) return spanOf(seg, last.start, last.end);
	}
	return null;
}

export const noOutputFormat: LintRule = {
	id: 'no-output-format',
	severity: 'warning',
	title: 'No output format stated',
	explanation:
		'The prompt never says what shape the answer should take (JSON, a list, one word, a table, ' +
		'sections…). Models then pick a format themselves and it varies between calls, which breaks ' +
		'parsing and makes scores noisy. State the format explicitly, ideally with an example.',
	check(ctx: LintContext): LintFinding[] {
		if (ctx.instructions.length === 0) return [];
		if (ctx.instructions.some((s) => FORMAT.test(s.prose))) return [];
		const span = lastSentenceSpan(ctx.instructions);
		return span ? [finding(this, span, 'The prompt does not say what format to answer in.')] : [];
	}
};

export const unboundedLength: LintRule = {
	id: 'unbounded-length',
	severity: 'warning',
	title: 'Unbounded length',
	explanation:
		'The prompt asks for generated text but sets no length (words, sentences, items, "briefly"…). ' +
		'Answers then vary widely in length, cost and latency, and a max-tokens limit cuts them off ' +
		'mid-sentence instead of ending them naturally. Say how long the answer should be.',
	check(ctx: LintContext): LintFinding[] {
		if (ctx.instructions.some((s) => LENGTH.test(quantityView(s.text)))) return [];
		const verb = findIn(ctx.instructions, GENERATE);
		if (!verb) return [];
		const seg = ctx.instructions.find((s) => s.message === verb.message) ?? null;
		const sentence = seg
			? sentences(seg.prose).find((x) => x.start <= verb.start && verb.end <= x.end)
			: undefined;
		const span = seg && sentence ? spanOf(seg, sentence.start, sentence.end) : verb;
		const max = ctx.prompt.modelConfig?.maxTokens;
		return [
			finding(
				this,
				span,
				max
					? `No length is asked for; answers will only stop at the ${max}-token limit.`
					: `"${verb.text}" asks for text of no stated length.`,
				max ? { severity: 'info' } : {}
			)
		];
	}
};
