/**
 * @module File and directory names for prompts and folders: a folder's name made safe as a
 * directory name on every system (percent-escapes for `/ \ : * ? " < > |`, `%`, control
 * characters, leading and trailing dots and spaces, and Windows' reserved device names), and back.
 */

// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const UNSAFE_CHAR = /[\u0000-\u001f\u007f/\\:*?"<>|%]/gu;
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)/i;

const pct = (c: string) =>
	[...new TextEncoder().encode(c)]
		.map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`)
		.join('');

/** A folder name as one directory name (`decodeSegment` gives the name back). */
export function encodeSegment(name: string): string {
	let s = name.replace(UNSAFE_CHAR, pct);
	s = s.replace(/^[ .]/, pct).replace(/[ .]$/, pct);
	if (RESERVED.test(s)) s = pct(s[0]) + s.slice(1);
	return s || '%00';
}

/** The folder name a directory name stands for (unknown escapes are kept as written). */
export function decodeSegment(segment: string): string {
	if (segment === '%00') return '';
	return segment.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
		try {
			return decodeURIComponent(run);
		} catch {
			return run;
		}
	});
}

/** Joins path segments with `/` (paths inside a prompt folder are always `/`-separated). */
export function joinPath(...parts: string[]): string {
	return parts.filter((p) => p !== '').join('/');
}

/** The directory part of a `/`-separated path (`''` at the top). */
export function dirOf(path: string): string {
	const i = path.lastIndexOf('/');
	return i < 0 ? '' : path.slice(0, i);
}
