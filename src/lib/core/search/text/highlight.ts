/** @module Highlighted names and snippets: every occurrence of the query's words, case-insensitive. */

export interface HighlightSegment {
	text: string;
	match: boolean;
}

const SNIPPET_RADIUS = 60;

/** One pattern for all of a query's words, longest first; built once per query, not per hit. */
export function matchPattern(terms: readonly string[]): RegExp | null {
	const words = [...new Set(terms.filter(Boolean))].map((t) =>
		t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
	);
	if (!words.length) return null;
	return new RegExp(`(${words.sort((a, b) => b.length - a.length).join('|')})`, 'giu');
}

/** Splits `text` into segments, marking every match of `pattern`. */
export function highlightWith(text: string, pattern: RegExp | null): HighlightSegment[] {
	if (!pattern) return [{ text, match: false }];
	const out: HighlightSegment[] = [];
	let last = 0;
	pattern.lastIndex = 0;
	for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
		const start = m.index;
		if (start > last) out.push({ text: text.slice(last, start), match: false });
		out.push({ text: m[0], match: true });
		last = start + m[0].length;
	}
	if (last < text.length) out.push({ text: text.slice(last), match: false });
	return out;
}

/** A window of `text` around the first match of `pattern`, highlighted. */
export function snippetWith(text: string, pattern: RegExp | null): HighlightSegment[] {
	let first = -1;
	if (pattern) {
		pattern.lastIndex = 0;
		const m = pattern.exec(text);
		if (m) first = m.index;
	}
	const start = Math.max(0, first < 0 ? 0 : first - SNIPPET_RADIUS);
	const end = Math.min(text.length, (first < 0 ? 0 : first) + SNIPPET_RADIUS * 2);
	const body = text.slice(start, end).replace(/\s+/g, ' ');
	const segments = highlightWith(body, pattern);
	if (start > 0) segments.unshift({ text: '…', match: false });
	if (end < text.length) segments.push({ text: '…', match: false });
	return segments;
}

/** The first `SNIPPET_RADIUS * 2` characters, unhighlighted (a listing without a query). */
export function plainSnippet(text: string): HighlightSegment[] {
	return [{ text: text.slice(0, SNIPPET_RADIUS * 2), match: false }];
}

export function highlight(text: string, terms: string[]): HighlightSegment[] {
	return highlightWith(text, matchPattern(terms));
}

export function snippet(text: string, terms: string[]): HighlightSegment[] {
	return snippetWith(text, matchPattern(terms));
}
