/** @module Hidden payloads: base64 runs that decode to readable text, so their content is scanned too. */

/** A base64 run in the text and what it decodes to. */
export interface DecodedRun {
	start: number;
	end: number;
	decoded: string;
}

const BASE64_RUN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,}={0,2}(?![A-Za-z0-9+/_=-])/g;

/** Decodes standard or URL-safe base64 to UTF-8 text; null if it is not mostly printable text. */
export function decodeBase64Text(run: string): string | null {
	let b64 = run.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
	if (b64.length % 4 === 1) return null;
	while (b64.length % 4 !== 0) b64 += '=';
	let binary: string;
	try {
		binary = atob(b64);
	} catch {
		return null;
	}
	const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
	let text: string;
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		return null;
	}
	let printable = 0;
	let letters = 0;
	for (const c of text) {
		const cp = c.codePointAt(0)!;
		if (cp === 9 || cp === 10 || cp === 13 || (cp >= 0x20 && cp !== 0x7f)) printable++;
		if (/\p{L}/u.test(c)) letters++;
	}
	const n = [...text].length;
	if (n < 8 || printable / n < 0.95 || letters / n < 0.5 || !/\s/.test(text)) return null;
	return text;
}

/** Base64 runs of `text` (16 characters or more) that decode to readable text with spaces. */
export function findBase64Text(text: string, limit = 32): DecodedRun[] {
	const out: DecodedRun[] = [];
	for (const m of text.matchAll(BASE64_RUN)) {
		// A run of letters only is a word or an identifier, not base64 worth decoding.
		if (!/[0-9+/=_-]/.test(m[0]) && !/[A-Z].*[a-z]|[a-z].*[A-Z]/.test(m[0])) continue;
		const decoded = decodeBase64Text(m[0]);
		if (decoded !== null) out.push({ start: m.index, end: m.index + m[0].length, decoded });
		if (out.length >= limit) break;
	}
	return out;
}
