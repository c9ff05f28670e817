/** @module Few-shot example sets: inserted as user/assistant message pairs or as a text block. */
import { TemplateError } from './errors';
import type { ChatMessage, FewShotSet } from './types';

export interface FewShotTextOptions {
	inputLabel?: string;
	outputLabel?: string;
	separator?: string;
}

/** Finds a set by name; throws `not_found` naming the sets that exist. */
export function findFewShotSet(sets: readonly FewShotSet[] | undefined, name: string): FewShotSet {
	const set = sets?.find((s) => s.name === name);
	if (!set) {
		const known = (sets ?? []).map((s) => `"${s.name}"`).join(', ') || 'none';
		throw new TemplateError('not_found', `few-shot set "${name}" not found (known sets: ${known})`);
	}
	return set;
}

/**
 * The set as a text block, as `{{ fewshot("name") }}` inserts it:
 * `Input: …\nOutput: …` per example, examples separated by a blank line.
 */
export function fewShotText(set: FewShotSet, options: FewShotTextOptions = {}): string {
	const inputLabel = options.inputLabel ?? 'Input';
	const outputLabel = options.outputLabel ?? 'Output';
	return set.examples
		.map((ex) => `${inputLabel}: ${ex.input}\n${outputLabel}: ${ex.output}`)
		.join(options.separator ?? '\n\n');
}

/** The set as chat messages: each example becomes a user message and the assistant's answer. */
export function fewShotMessages(set: FewShotSet): ChatMessage[] {
	return set.examples.flatMap((ex): ChatMessage[] => [
		{ role: 'user', content: ex.input },
		{ role: 'assistant', content: ex.output }
	]);
}
