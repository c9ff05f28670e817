import { describe, expect, it } from 'vitest';
import { forEditing, fromEditing, hunkEnding } from './hand-edit';

describe('editing a merge conflict by hand', () => {
	it('hides the line break that ends the hunk and puts it back, so replacing all keeps the next line apart', () => {
		const hunk = { base: 'Be brief.\n', ours: 'Be very brief.\n', theirs: 'Be short.\n' };
		const ending = hunkEnding(hunk);
		expect(forEditing(hunk.ours, ending)).toBe('Be very brief.');
		// Select all and type: the typed line still ends where the hunk ended.
		expect(fromEditing('Be concise.', ending)).toBe('Be concise.\n');
		expect(fromEditing('One.\nTwo.', ending)).toBe('One.\nTwo.\n');
	});

	it('removes the lines when the box is emptied, and leaves an unterminated last line unterminated', () => {
		expect(fromEditing('', '\n')).toBe('');
		const end = { base: 'last', ours: 'last line', theirs: 'final' };
		expect(hunkEnding(end)).toBe('');
		expect(forEditing(end.ours, '')).toBe('last line');
		expect(fromEditing('closing', '')).toBe('closing');
	});

	it('keeps the break when one side deleted the lines', () => {
		const hunk = { base: 'x\n', ours: '', theirs: 'y\n' };
		expect(hunkEnding(hunk)).toBe('\n');
		expect(forEditing('', '\n')).toBe('');
	});
});
