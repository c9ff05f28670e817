/**
 * @module Text normalisation for the injection scanner: undoes the usual obfuscations (homoglyphs,
 * full-width letters, accents, zero-width and bidi characters, Unicode tag characters, leetspeak)
 * while remembering, for every normalised character, which span of the original it came from.
 */

/** Normalised text with a map back to the original. */
export interface NormalizedText {
	/** Lower-case, accent-free, Latin-lookalike text; invisible characters dropped, tags decoded. */
	text: string;
	/** Same length as `text`: digits and symbols inside words read as letters (`1gn0r3` → `ignore`). */
	leet: string;
	/** For each character of `text`, its start offset in the original. */
	from: number[];
	/** For each character of `text`, its end offset (exclusive) in the original. */
	to: number[];
	/** Invisible characters dropped (zero-width, bidi controls, soft hyphen, variation selectors). */
	invisible: number;
	/** Spans of the original written in Unicode tag characters (text hidden from people). */
	tagRuns: { start: number; end: number; decoded: string }[];
	/** Characters that were confusable letters from other scripts (Cyrillic, Greek, …). */
	homoglyphs: number;
}

/** Confusable letters from other scripts, read as the Latin letter they look like. */
const HOMOGLYPHS: Record<string, string> = {
	// Cyrillic
	а: 'a',
	в: 'b',
	е: 'e',
	ё: 'e',
	к: 'k',
	м: 'm',
	н: 'h',
	о: 'o',
	р: 'p',
	с: 'c',
	т: 't',
	у: 'y',
	х: 'x',
	ѕ: 's',
	і: 'i',
	ї: 'i',
	ј: 'j',
	һ: 'h',
	ԁ: 'd',
	ԛ: 'q',
	ԝ: 'w',
	ո: 'n',
	ɡ: 'g',
	ı: 'i',
	ȷ: 'j',
	ℓ: 'l',
	// Greek
	α: 'a',
	β: 'b',
	ε: 'e',
	η: 'n',
	ι: 'i',
	κ: 'k',
	ν: 'v',
	ο: 'o',
	ρ: 'p',
	τ: 't',
	υ: 'u',
	χ: 'x',
	γ: 'y',
	ω: 'w',
	ς: 's',
	μ: 'u'
};

/** Digits and symbols that stand for letters in leetspeak. */
const LEET: Record<string, string> = {
	'0': 'o',
	'1': 'i',
	'3': 'e',
	'4': 'a',
	'5': 's',
	'7': 't',
	'8': 'b',
	'9': 'g',
	'@': 'a',
	$: 's',
	'!': 'i',
	'|': 'l',
	'€': 'e',
	'+': 't'
};

const COMBINING = /\p{M}/u;

/** Zero-width, joiners, bidi controls, soft hyphen, BOM, variation selectors, and the like. */
export function isInvisible(cp: number): boolean {
	return (
		cp === 0x00ad ||
		cp === 0x034f ||
		cp === 0x061c ||
		cp === 0x115f ||
		cp === 0x1160 ||
		cp === 0x17b4 ||
		cp === 0x17b5 ||
		cp === 0x180e ||
		(cp >= 0x200b && cp <= 0x200f) ||
		(cp >= 0x202a && cp <= 0x202e) ||
		(cp >= 0x2060 && cp <= 0x206f) ||
		cp === 0x3164 ||
		(cp >= 0xfe00 && cp <= 0xfe0f) ||
		cp === 0xfeff ||
		cp === 0xffa0 ||
		(cp >= 0xe0100 && cp <= 0xe01ef)
	);
}

/** Unicode tag characters U+E0000–U+E007F: an invisible copy of ASCII. */
function isTag(cp: number): boolean {
	return cp >= 0xe0000 && cp <= 0xe007f;
}

const folded = new Map<string, string>();

/** One character made lower-case, compatibility-decomposed (full-width → ASCII) and accent-free. */
function fold(ch: string): string {
	let out = folded.get(ch);
	if (out !== undefined) return out;
	const lower = ch.toLowerCase();
	out = HOMOGLYPHS[lower] ?? '';
	if (!out) {
		for (const c of lower.normalize('NFKD')) {
			if (COMBINING.test(c)) continue;
			out += HOMOGLYPHS[c] ?? c;
		}
		out = out.toLowerCase();
	}
	if (folded.size < 4096) folded.set(ch, out);
	return out;
}

let last: { input: string; result: NormalizedText } | null = null;

/**
 * Normalises `input` for matching; see {@link NormalizedText}. The last result is remembered, so
 * the detectors of one scan share one normalisation.
 */
export function normalizeText(input: string): NormalizedText {
	if (last?.input === input) return last.result;
	const result = normalizeUncached(input);
	last = { input, result };
	return result;
}

function normalizeUncached(input: string): NormalizedText {
	const codes: number[] = [];
	let text = '';
	const from: number[] = [];
	const to: number[] = [];
	let invisible = 0;
	let homoglyphs = 0;
	const tagRuns: NormalizedText['tagRuns'] = [];
	let tagStart = -1;
	let tagText = '';
	for (let i = 0; i < input.length;) {
		const cp = input.codePointAt(i)!;
		const width = cp > 0xffff ? 2 : 1;
		if (isTag(cp)) {
			if (tagStart < 0) {
				tagStart = i;
				tagText = '';
				// Hidden text starts a new word.
				text += ' ';
				from.push(i);
				to.push(i);
			}
			const ascii = cp - 0xe0000;
			if (ascii >= 0x20 && ascii < 0x7f) {
				const c = String.fromCharCode(ascii).toLowerCase();
				tagText += c;
				text += c;
				from.push(i);
				to.push(i + width);
			}
			i += width;
			continue;
		}
		if (tagStart >= 0) {
			tagRuns.push({ start: tagStart, end: i, decoded: tagText });
			tagStart = -1;
			text += ' ';
			from.push(i);
			to.push(i);
		}
		if (cp < 0x80) {
			if (text) {
				for (let k = 0; k < text.length; k++) codes.push(text.charCodeAt(k));
				text = '';
			}
			codes.push(cp >= 65 && cp <= 90 ? cp + 32 : cp);
			from.push(i);
			to.push(i + 1);
			i++;
			continue;
		}
		if (isInvisible(cp)) {
			invisible++;
			i += width;
			continue;
		}
		const ch = input.slice(i, i + width);
		const out = fold(ch);
		if (cp > 0x7f && HOMOGLYPHS[ch.toLowerCase()] !== undefined) homoglyphs++;
		text += out;
		for (let k = 0; k < out.length; k++) {
			from.push(i);
			to.push(i + width);
		}
		i += width;
	}
	if (tagStart >= 0) tagRuns.push({ start: tagStart, end: input.length, decoded: tagText });
	for (let k = 0; k < text.length; k++) codes.push(text.charCodeAt(k));
	let out = '';
	for (let k = 0; k < codes.length; k += 8192)
		out += String.fromCharCode(...codes.slice(k, k + 8192));
	return { text: out, leet: toLeet(out), from, to, invisible, tagRuns, homoglyphs };
}

/** Reads digits and symbols as letters inside words that have letters (`h4ck3r` → `hacker`). */
function toLeet(text: string): string {
	return text.replace(/[a-z0-9@$!|€+]+/g, (word) =>
		/[a-z]/.test(word) && /[^a-z]/.test(word)
			? word.replace(/[0-9@$!|€+]/g, (c) => LEET[c] ?? c)
			: word
	);
}

/** The original span of normalised characters `[start, end)`. */
export function originalSpan(n: NormalizedText, start: number, end: number): [number, number] {
	if (n.from.length === 0) return [0, 0];
	const s = Math.min(start, n.from.length - 1);
	const e = Math.max(s, Math.min(end, n.to.length) - 1);
	return [n.from[s], n.to[e]];
}
