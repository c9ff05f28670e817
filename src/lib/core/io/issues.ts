/** @module Library-file problems: one `{path, message}` per problem, zod messages in plain words, one error listing them all. */
import type { z } from 'zod';
import { PromptloomError } from '../model/errors';

/** One problem found in a library file. */
export interface LibraryIssue {
	/** Where: `prompts[3] ("summarize-email").modelConfig.temperature`, `line 4, column 2`, or `(root)`. */
	path: string;
	message: string;
}

/** How many problems the thrown error's message lists before summarizing the rest. */
export const MAX_LISTED_ISSUES = 50;

/** Thrown by `parseLibrary`: code `import`, a message listing the problems, and all of them in `issues`. */
export class LibraryFileError extends PromptloomError {
	readonly issues: readonly LibraryIssue[];
	constructor(issues: readonly LibraryIssue[]) {
		super('import', formatIssues(issues), { path: issues[0]?.path });
		this.name = 'LibraryFileError';
		this.issues = issues;
	}
}

/** `path: message` lines under a one-line summary, capped at {@link MAX_LISTED_ISSUES}. */
export function formatIssues(issues: readonly LibraryIssue[], max = MAX_LISTED_ISSUES): string {
	const n = issues.length;
	const head = `invalid library file: ${n} problem${n === 1 ? '' : 's'}`;
	const lines = issues.slice(0, max).map((i) => `  ${issueLine(i)}`);
	if (n > max) lines.push(`  … and ${n - max} more`);
	return [head, ...lines].join('\n');
}

/** One issue as `path: message`. */
export function issueLine(issue: LibraryIssue): string {
	return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

/** Appends zod-style path segments to a label: `prompts[3] ("x")` + `['modelConfig', 'temperature']`. */
export function joinPath(base: string, segments: ReadonlyArray<PropertyKey>): string {
	let out = base;
	for (const s of segments) {
		if (typeof s === 'number') out += `[${s}]`;
		else out += out ? `.${String(s)}` : String(s);
	}
	return out;
}

/** Describes a value in an error message: `number 3`, `string "abc"`, `an object`. */
export function describeValue(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	switch (typeof value) {
		case 'string':
			return `string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
		case 'number':
		case 'boolean':
			return `${typeof value} ${String(value)}`;
		case 'object':
			return 'an object';
		default:
			return typeof value;
	}
}

const EXPECTED_NAMES: Record<string, string> = {
	string: 'a string',
	number: 'a number',
	int: 'an integer',
	boolean: 'a boolean (true or false)',
	array: 'an array',
	object: 'an object',
	record: 'an object',
	null: 'null'
};

function unit(origin: string, n: number | bigint): string {
	if (origin === 'string') return ` character${n === 1 ? '' : 's'}`;
	if (origin === 'array' || origin === 'set') return ` item${n === 1 ? '' : 's'}`;
	return '';
}

/**
 * Zod error map giving short messages that read after a path: `must be at most 2`, `is required`.
 * Messages a schema sets itself (e.g. "name is empty") take precedence, as zod applies schema-level
 * messages before this per-parse map.
 */
export const libraryErrorMap: z.core.$ZodErrorMap = (iss) => {
	switch (iss.code) {
		case 'invalid_type': {
			if (iss.input === undefined) return 'is required';
			const expected = EXPECTED_NAMES[iss.expected] ?? iss.expected;
			return `must be ${expected}, got ${describeValue(iss.input)}`;
		}
		case 'too_big': {
			const max = iss.maximum as number;
			if (iss.origin === 'number' || iss.origin === 'int')
				return iss.inclusive ? `must be at most ${max}` : `must be less than ${max}`;
			return `must have at most ${max}${unit(iss.origin, max)}`;
		}
		case 'too_small': {
			const min = iss.minimum as number;
			if (iss.origin === 'number' || iss.origin === 'int')
				return iss.inclusive ? `must be at least ${min}` : `must be greater than ${min}`;
			if (min === 1 && iss.origin === 'string') return 'must not be empty';
			return `must have at least ${min}${unit(iss.origin, min)}`;
		}
		case 'invalid_value':
			if (iss.input === undefined) return 'is required';
			return `must be one of ${iss.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(iss.input)}`;
		case 'invalid_format':
			return `has an invalid ${iss.format} format`;
		case 'unrecognized_keys':
			return `unknown key${iss.keys.length === 1 ? '' : 's'} ${iss.keys.map((k) => JSON.stringify(k)).join(', ')}`;
		case 'invalid_union':
			return `has an unsupported value: ${describeValue(iss.input)}`;
		default:
			return undefined;
	}
};
