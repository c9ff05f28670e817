/** @module promptfoo's `__expected` shorthand in test CSVs (`contains: Paris`, `similar(0.8): ...`, plain = equals). */
import { SCORERS } from '../scorers/registry';
import type { Assertion } from '../scorers/types';

/** Shorthand prefixes that name a scorer under another word. */
const ALIASES: Record<string, string> = {
	grade: 'llm-rubric',
	fn: 'javascript',
	eval: 'javascript'
};
/** Types that make sense without a value. */
const VALUELESS = new Set(['is-json', 'contains-json']);

const SHORTHAND = /^(not-)?([a-z][a-z-]*)(?:\((-?\d*\.?\d+)\))?(?::\s?([\s\S]*))?$/;

/**
 * Turns one `__expected` cell into an assertion. A known scorer type followed by `:` (optionally
 * with a threshold in parentheses) is that assertion; `is-json`/`contains-json` alone are too;
 * anything else means "equals this text".
 */
export function parseExpectedShorthand(cell: string): Assertion {
	const m = SHORTHAND.exec(cell.trim());
	if (m) {
		const [, not = '', word, threshold, value] = m;
		const type = ALIASES[word] ?? word;
		const known = SCORERS.has(type);
		if (known && (value !== undefined || VALUELESS.has(type))) {
			const a: Assertion = { type: `${not}${type}` };
			if (value !== undefined && value !== '') a.value = value;
			if (threshold !== undefined) a.threshold = Number(threshold);
			return a;
		}
	}
	return { type: 'equals', value: cell };
}
