/** @module Runs a zod schema and turns its issues into one specific PromptloomError. */
import type { z } from 'zod';
import { PromptloomError, formatPath } from './errors';

export function parseOrThrow<S extends z.ZodType>(
	schema: S,
	value: unknown,
	what: string
): z.output<S> {
	const result = schema.safeParse(value);
	if (result.success) return result.data;
	const issue = result.error.issues[0];
	const path = formatPath(issue.path);
	throw new PromptloomError('validation', `${what}${path ? ` ${path}` : ''}: ${issue.message}`, {
		path
	});
}
