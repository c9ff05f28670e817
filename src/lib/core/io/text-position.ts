/** @module Turns a character offset into a 1-based line and column. */

export interface TextPosition {
	line: number;
	column: number;
}

/** 1-based line and column of `offset` in `text` (a `\r\n` or `\n` ends a line). */
export function positionAt(text: string, offset: number): TextPosition {
	const end = Math.max(0, Math.min(offset, text.length));
	let line = 1;
	let lineStart = 0;
	for (let i = 0; i < end; i++) {
		if (text.charCodeAt(i) === 10) {
			line++;
			lineStart = i + 1;
		}
	}
	return { line, column: end - lineStart + 1 };
}

/** `line 4, column 12` */
export function formatPosition(pos: TextPosition): string {
	return `line ${pos.line}, column ${pos.column}`;
}
