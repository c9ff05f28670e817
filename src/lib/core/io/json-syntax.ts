/**
 * @module Finds where JSON text stops being valid JSON, since `JSON.parse` in Node 20 does not
 * always say where (e.g. `Unexpected token '}', "{"a":}" is not valid JSON`).
 */

export interface JsonSyntaxProblem {
	/** Offset of the offending character (text length for an unexpected end). */
	offset: number;
	message: string;
}

class Stop extends Error {
	constructor(
		readonly offset: number,
		message: string
	) {
		super(message);
	}
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const MAX_DEPTH = 5000;

/** Returns the first syntax problem in `text` per RFC 8259, or null when the text is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxProblem | null {
	let i = 0;
	const fail = (message: string, at = i): never => {
		throw new Stop(at, message);
	};
	const found = (): string => (i >= text.length ? 'end of file' : JSON.stringify(text[i]));
	const skipWs = () => {
		while (i < text.length && WHITESPACE.has(text[i])) i++;
	};
	const literal = (word: string) => {
		if (text.startsWith(word, i)) i += word.length;
		else fail(`unexpected ${found()}, expected a value`);
	};
	const string = () => {
		i++; // opening quote
		for (;;) {
			if (i >= text.length) fail('unterminated string');
			const c = text.charCodeAt(i);
			if (c === 34) {
				i++;
				return;
			}
			if (c < 0x20) fail('unescaped control character in string (use \\n, \\t, …)');
			if (c === 92) {
				const e = text[i + 1];
				if (e === 'u') {
					if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)))
						fail('invalid \\u escape in string: expected 4 hex digits');
					i += 6;
				} else if (e !== undefined && ESCAPES.has(e)) i += 2;
				else fail(`invalid escape "\\${e ?? ''}" in string`);
			} else i++;
		}
	};
	const number = () => {
		const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
		if (!m) fail(`invalid number starting with ${found()}`);
		else i += m[0].length;
	};
	const value = (depth: number): void => {
		if (depth > MAX_DEPTH) fail('nesting is too deep');
		skipWs();
		const c = text[i];
		if (c === '{') return object(depth);
		if (c === '[') return array(depth);
		if (c === '"') return string();
		if (c === 't') return literal('true');
		if (c === 'f') return literal('false');
		if (c === 'n') return literal('null');
		if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
		if (c === "'") fail('strings must use double quotes');
		fail(
			i >= text.length
				? 'unexpected end of file, expected a value'
				: `unexpected ${found()}, expected a value`
		);
	};
	const object = (depth: number) => {
		i++;
		skipWs();
		if (text[i] === '}') {
			i++;
			return;
		}
		for (;;) {
			skipWs();
			if (text[i] !== '"')
				fail(
					text[i] === '}'
						? 'trailing comma before "}"'
						: `expected a property name in double quotes, found ${found()}`
				);
			string();
			skipWs();
			if (text[i] !== ':') fail(`expected ":" after property name, found ${found()}`);
			i++;
			value(depth + 1);
			skipWs();
			if (text[i] === ',') {
				i++;
				continue;
			}
			if (text[i] === '}') {
				i++;
				return;
			}
			fail(`expected "," or "}" after property value, found ${found()}`);
		}
	};
	const array = (depth: number) => {
		i++;
		skipWs();
		if (text[i] === ']') {
			i++;
			return;
		}
		for (;;) {
			skipWs();
			if (text[i] === ']') fail('trailing comma before "]"');
			value(depth + 1);
			skipWs();
			if (text[i] === ',') {
				i++;
				continue;
			}
			if (text[i] === ']') {
				i++;
				return;
			}
			fail(`expected "," or "]" after array element, found ${found()}`);
		}
	};
	try {
		value(0);
		skipWs();
		if (i < text.length) fail(`unexpected ${found()} after the end of the JSON value`);
		return null;
	} catch (e) {
		if (e instanceof Stop) return { offset: e.offset, message: e.message };
		throw e;
	}
}
