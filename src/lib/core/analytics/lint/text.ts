/** @module Text helpers for lint rules: template masking, sentences, spans and pattern search. */
import type { LintFinding, LintRule, LintSpan, Segment } from './types';

/** Replaces `{{ }}`, `{% %}` and `{# #}` tags with spaces (newlines kept), so offsets stay valid. */
export function maskTemplate(text: string): string {
	return text.replace(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}|\{#[\s\S]*?#\}/g, (tag) =>
		tag.replace(/[^\n]/g, ' ')
	);
}

/**
 * Like `maskTemplate`, but an output tag (`{{ n }}`) reads as the number 1 followed by spaces, so a
 * limit stated with a variable ("in {{ max_words }} words or fewer") still reads as a quantity.
 */
export function quantityView(text: string): string {
	return text.replace(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}|\{#[\s\S]*?#\}/g, (tag) => {
		const blank = tag.replace(/[^\n]/g, ' ');
		return tag.startsWith('{{') ? `1${blank.slice(1)}` : blank;
	});
}

export interface Sentence {
	start: number;
	end: number;
	text: string;
}

/** Splits prose into sentences and lines (a line break ends a sentence), trimmed, with offsets. */
export function sentences(prose: string): Sentence[] {
	const out: Sentence[] = [];
	const re = /[^.!?\n]+(?:[.!?]+(?=\s|$)|\n|$)|[.!?]+/g;
	for (const m of prose.matchAll(re)) {
		const raw = m[0];
		const lead = raw.length - raw.trimStart().length;
		const text = raw.trim();
		if (!/[A-Za-z]/.test(text)) continue;
		const start = m.index + lead;
		out.push({ start, end: start + text.length, text });
	}
	return out;
}

export function spanOf(seg: Segment, start: number, end: number): LintSpan {
	return { message: seg.message, start, end, text: seg.text.slice(start, end) };
}

/** The first match of `re` in the segment's prose, as a span. */
export function findSpan(seg: Segment, re: RegExp): LintSpan | null {
	const flags = re.flags.replace('g', '');
	const m = new RegExp(re.source, flags).exec(seg.prose);
	return m ? spanOf(seg, m.index, m.index + m[0].length) : null;
}

/** Every match of `re` in the segment's prose, as spans. */
export function findAll(seg: Segment, re: RegExp): LintSpan[] {
	const flags = re.flags.includes('g') ? re.flags : `${re.flags}g`;
	return [...seg.prose.matchAll(new RegExp(re.source, flags))].map((m) =>
		spanOf(seg, m.index, m.index + m[0].length)
	);
}

/** The first span matching `re` across segments. */
export function findIn(segments: readonly Segment[], re: RegExp): LintSpan | null {
	for (const seg of segments) {
		const s = findSpan(seg, re);
		if (s) return s;
	}
	return null;
}

/** A finding of `rule` at `span`. */
export function finding(
	rule: Pick<LintRule, 'id' | 'severity' | 'explanation'>,
	span: LintSpan,
	message: string,
	extra: Partial<Pick<LintFinding, 'severity' | 'related'>> = {}
): LintFinding {
	return {
		ruleId: rule.id,
		severity: extra.severity ?? rule.severity,
		message,
		explanation: rule.explanation,
		span,
		...(extra.related && extra.related.length > 0 ? { related: extra.related } : {})
	};
}

/** The span of a whole sentence, or of the start of the first non-empty segment. */
export function firstSentenceSpan(segments: readonly Segment[]): LintSpan | null {
	for (const seg of segments) {
		const first = sentences(seg.prose)[0];
		if (first) return spanOf(seg, first.start, first.end);
	}
	return null;
}
