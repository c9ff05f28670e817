import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { findJsonSyntaxError } from './json-syntax';
import { positionAt } from './text-position';

const parses = (text: string) => {
	try {
		JSON.parse(text);
		return true;
	} catch {
		return false;
	}
};

describe('findJsonSyntaxError', () => {
	it('agrees with JSON.parse on which texts are valid JSON', () => {
		const mutated = fc
			.tuple(
				fc.json(),
				fc.nat(),
				fc.constantFrom('', ',', '}', ']', '"', ':', 'x', ' ', '\n', '\\'),
				fc.boolean()
			)
			.map(([json, at, piece, remove]) => {
				const i = json.length === 0 ? 0 : at % json.length;
				return remove
					? json.slice(0, i) + json.slice(i + 1)
					: json.slice(0, i) + piece + json.slice(i);
			});
		fc.assert(
			fc.property(fc.oneof(fc.json(), mutated, fc.string()), (text) => {
				expect(findJsonSyntaxError(text) === null).toBe(parses(text));
			}),
			{ numRuns: 1500 }
		);
	});

	it('points at the offending character', () => {
		const text = '{\n  "a": 1,\n  "b": tru\n}';
		const problem = findJsonSyntaxError(text);
		expect(problem?.message).toBe('unexpected "t", expected a value');
		expect(positionAt(text, problem?.offset ?? -1)).toEqual({ line: 3, column: 8 });
	});

	it('explains common mistakes', () => {
		expect(findJsonSyntaxError("{'a': 1}")?.message).toBe(
			'expected a property name in double quotes, found "\'"'
		);
		expect(findJsonSyntaxError('["a\tb"]')?.message).toBe(
			'unescaped control character in string (use \\n, \\t, …)'
		);
		expect(findJsonSyntaxError('{"a": 1} {}')?.message).toBe(
			'unexpected "{" after the end of the JSON value'
		);
		expect(findJsonSyntaxError('{"a": "x')?.message).toBe('unterminated string');
		expect(findJsonSyntaxError('[01]')?.message).toBe(
			'expected "," or "]" after array element, found "1"'
		);
	});
});

describe('positionAt', () => {
	it('counts lines and columns from 1, treating \\r\\n as one line break', () => {
		expect(positionAt('ab\r\ncd', 5)).toEqual({ line: 2, column: 2 });
		expect(positionAt('', 0)).toEqual({ line: 1, column: 1 });
	});
});
