/** @module The shape of a named few-shot set, checked wherever one is stored or received. */
import { z } from '../model/zod';
import { MAX_NAME_LENGTH, SLUG_PATTERN } from '../model/ids';

const exampleSchema = z.object({ input: z.string(), output: z.string() });

export const fewShotSetSchema = z.object({
	name: z
		.string()
		.min(1, 'a name is required')
		.max(MAX_NAME_LENGTH, `at most ${MAX_NAME_LENGTH} characters`)
		.regex(
			SLUG_PATTERN,
			'use lowercase letters, digits and - _ . (e.g. "tone" or "support-replies")'
		),
	examples: z.array(exampleSchema)
});
