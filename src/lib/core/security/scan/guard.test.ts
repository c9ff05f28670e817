import { describe, expect, it } from 'vitest';
import { StreamRestorer } from './guard';
import type { RedactionEntry } from './redact';

const entries: RedactionEntry[] = [
	{
		placeholder: '<CREDIT_CARD_1>',
		value: '4111 1111 1111 1111',
		type: 'CREDIT_CARD',
		kind: 'pii'
	},
	{ placeholder: '<EMAIL_1>', value: 'a@example.com', type: 'EMAIL_ADDRESS', kind: 'pii' }
];

describe('StreamRestorer', () => {
	it('restores placeholders however the stream is cut into deltas', () => {
		const answer = 'Card <CREDIT_CARD_1> belongs to <EMAIL_1>; EMAIL_1 confirmed.';
		const expected = 'Card 4111 1111 1111 1111 belongs to a@example.com; a@example.com confirmed.';
		for (let i = 0; i <= answer.length; i++)
			for (let j = i; j <= answer.length; j += 7) {
				const r = new StreamRestorer(entries);
				const shown = [answer.slice(0, i), answer.slice(i, j), answer.slice(j)]
					.map((d) => r.push(d))
					.join('');
				expect(shown + r.flush()).toBe(expected);
			}
	});

	it('passes text through at once when nothing was redacted', () => {
		const r = new StreamRestorer([]);
		expect(r.push('Hello <b')).toBe('Hello <b');
		expect(r.flush()).toBe('');
	});
});
