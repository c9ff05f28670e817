/**
 * @module Bias lint: gendered, ableist and other insensitive wording in English prompts, found by
 * retext-equality (the rule set behind alex) on a retext-english parse. Findings are hints
 * (severity low): the wording may be fine in context.
 */
import { unified, type Processor } from 'unified';
import retextEnglish from 'retext-english';
import retextEquality from 'retext-equality';
import retextStringify from 'retext-stringify';
import type { Finding } from './types';

let processor: Processor | null = null;

function bias(): Processor {
	processor ??= unified()
		.use(retextEnglish)
		.use(retextEquality)
		.use(retextStringify) as unknown as Processor;
	return processor;
}

interface Place {
	offset?: number;
}

/** Insensitive-wording findings (kind `bias`, type `INSENSITIVE_LANGUAGE`) in `text`. */
export function scanBias(text: string): Finding[] {
	if (!/[a-z]/i.test(text)) return [];
	const file = bias().processSync(text);
	const out: Finding[] = [];
	for (const m of file.messages) {
		const place = m.place as { start?: Place; end?: Place } | Place | undefined;
		const start = place && 'start' in place ? place.start?.offset : (place as Place)?.offset;
		const end = place && 'end' in place ? place.end?.offset : undefined;
		if (start === undefined) continue;
		out.push({
			kind: 'bias',
			type: 'INSENSITIVE_LANGUAGE',
			start,
			end: end ?? start + 1,
			score: 0.6,
			severity: 'low',
			message: m.reason
				.replace(/^Unexpected potentially insensitive use of /, 'Possibly insensitive: ')
				.replace(/in somes cases/, 'in some cases')
		});
	}
	return out;
}
