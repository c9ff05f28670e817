/** @module The prompt filters and clock the engine adds to Jinja: truncate_tokens, indent, trim, strftime. */
import { decode, encode } from 'gpt-tokenizer/encoding/o200k_base';

/** Keeps the first `n` tokens (o200k_base, the GPT-4o tokenizer) of `text`. */
export function truncateTokens(text: string, n: number): string {
	if (!Number.isInteger(n) || n < 0)
		throw new Error('truncate_tokens(n) needs a whole number n >= 0');
	// Prompts render the same history again and again: keep recent results (tokenizing is costly).
	const key = `${n}\u0000${text}`;
	const known = truncated.get(key);
	if (known !== undefined) return known;
	const tokens = encode(text);
	const result = tokens.length <= n ? text : decode(tokens.slice(0, n));
	if (text.length <= TRUNCATED_TEXT_CHARS) {
		truncated.set(key, result);
		if (truncated.size > TRUNCATED_SIZE) truncated.delete(truncated.keys().next().value!);
	}
	return result;
}
const truncated = new Map<string, string>();
const TRUNCATED_SIZE = 512;
const TRUNCATED_TEXT_CHARS = 4096;

/** Jinja2 `indent(width=4, first=False, blank=False)`; `width` may be a string to indent with. */
export function indentText(
	text: string,
	width: number | string,
	first: boolean,
	blank: boolean,
	maxWidth: number
): string {
	const pad = typeof width === 'string' ? width : ' '.repeat(Math.max(0, width));
	if (pad.length > maxWidth) throw new Error(`indent width ${pad.length} is over ${maxWidth}`);
	return text
		.split('\n')
		.map((line, i) => ((i === 0 && !first) || (line === '' && !blank) ? line : pad + line))
		.join('\n');
}

/** Jinja2 `trim(chars=None)`: strips whitespace, or the given characters, from both ends. */
export function trimText(text: string, chars?: string): string {
	if (chars === undefined || chars === null) return text.trim();
	let start = 0;
	let end = text.length;
	while (start < end && chars.includes(text[start])) start++;
	while (end > start && chars.includes(text[end - 1])) end--;
	return text.slice(start, end);
}

const MONTHS = [
	'January',
	'February',
	'March',
	'April',
	'May',
	'June',
	'July',
	'August',
	'September',
	'October',
	'November',
	'December'
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Python `strftime` for the codes chat templates use (%Y %y %m %d %e %H %I %M %S %p %B %b %A %a %j %%). */
export function strftime(date: Date, format: string): string {
	const pad = (n: number, w = 2) => String(n).padStart(w, '0');
	const startOfYear = new Date(date.getFullYear(), 0, 1);
	const dayOfYear = Math.floor((date.getTime() - startOfYear.getTime()) / 86_400_000) + 1;
	const codes: Record<string, () => string> = {
		Y: () => String(date.getFullYear()),
		y: () => pad(date.getFullYear() % 100),
		m: () => pad(date.getMonth() + 1),
		d: () => pad(date.getDate()),
		e: () => String(date.getDate()).padStart(2, ' '),
		H: () => pad(date.getHours()),
		I: () => pad(date.getHours() % 12 || 12),
		M: () => pad(date.getMinutes()),
		S: () => pad(date.getSeconds()),
		p: () => (date.getHours() < 12 ? 'AM' : 'PM'),
		B: () => MONTHS[date.getMonth()],
		b: () => MONTHS[date.getMonth()].slice(0, 3),
		A: () => DAYS[date.getDay()],
		a: () => DAYS[date.getDay()].slice(0, 3),
		j: () => pad(dayOfYear, 3),
		'%': () => '%'
	};
	return format.replace(/%(.)/g, (all, code: string) => codes[code]?.() ?? all);
}
