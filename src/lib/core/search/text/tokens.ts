/** @module How the full-text index splits text into words and compares them. */

/**
 * Splits on ASCII punctuation and whitespace (so `summarize-email_v2` gives its words). A plain
 * character class is several times faster than Unicode property classes on large libraries.
 */
const SEPARATORS = /[^A-Za-z0-9\u00C0-\u1FFF\u2C00-\uD7FF\uF900-\uFFEF]+/;

/** The words of `text` as written (case kept), empty pieces dropped. */
export function tokenize(text: string): string[] {
	return text.split(SEPARATORS).filter(Boolean);
}

const NON_ASCII = /[^\t-~]/;

/** Whether `text` is printable ASCII, tabs and line breaks only (its words are [A-Za-z0-9]+). */
export function isPlainAscii(text: string): boolean {
	return !NON_ASCII.test(text);
}

/** Whether the character code is an ASCII letter or digit. */
export function isAsciiWordChar(c: number): boolean {
	return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * The words of `text` in indexed form. ASCII text is lowercased whole before splitting (one
 * string instead of one per word); elsewhere lowercasing could move a word boundary (the Kelvin
 * sign is a separator, its lowercase a letter), so each word is lowercased after splitting.
 */
export function indexTerms(text: string): string[] {
	if (!NON_ASCII.test(text)) return tokenize(text.toLowerCase());
	const words = tokenize(text);
	for (let i = 0; i < words.length; i++) words[i] = normalizeTerm(words[i]);
	return words.filter((w) => w.length > 0);
}

/** The indexed form of a word. */
export function normalizeTerm(word: string): string {
	return word.toLowerCase();
}

/** The query's words in indexed form, in order (repeats kept: each one counts). */
export function queryTerms(query: string): string[] {
	return tokenize(query)
		.map(normalizeTerm)
		.filter((t) => t.length > 0);
}

/**
 * Levenshtein distance of `a` and `b` if it is at most `max`, else `max + 1`. One row of the
 * table, abandoned as soon as every cell of a row exceeds `max`.
 */
export function boundedEditDistance(a: string, b: string, max: number, row: Int32Array): number {
	const n = a.length;
	const m = b.length;
	if (Math.abs(n - m) > max) return max + 1;
	for (let j = 0; j <= m; j++) row[j] = j;
	for (let i = 1; i <= n; i++) {
		let diagonal = row[0];
		row[0] = i;
		let best = i;
		const ca = a.charCodeAt(i - 1);
		for (let j = 1; j <= m; j++) {
			const above = row[j];
			const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
			const v = Math.min(above + 1, row[j - 1] + 1, diagonal + cost);
			row[j] = v;
			diagonal = above;
			if (v < best) best = v;
		}
		if (best > max) return max + 1;
	}
	return row[m] <= max ? row[m] : max + 1;
}
