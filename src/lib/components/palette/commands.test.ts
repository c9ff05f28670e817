import { describe, expect, it } from 'vitest';
import { ACTIONS, PAGES, matchScore, paletteResults, type PaletteCommand } from './commands';

const prompt = (name: string): PaletteCommand => ({
	id: `prompt:${name}`,
	kind: 'prompt',
	label: name,
	href: `/prompts/${name}`
});

describe('command palette results', () => {
	it('offers every page of the app and the library actions when nothing is typed', () => {
		const all = paletteResults('', [], { limit: 100 });
		for (const c of [...PAGES, ...ACTIONS]) expect(all.map((r) => r.id)).toContain(c.id);
	});

	it('finds a page by a word of its name or of its keywords', () => {
		expect(paletteResults('sett', [])[0].href).toBe('/settings');
		expect(paletteResults('members', [])[0].href).toBe('/workspace');
		expect(paletteResults('drift', [])[0].href).toBe('/analytics');
	});

	it('keeps the prompts the search found, in its order, after the best commands', () => {
		const found = [prompt('summarize-email'), prompt('email-reply')];
		const results = paletteResults('email', found);
		expect(results.filter((r) => r.kind === 'prompt').map((r) => r.label)).toEqual([
			'summarize-email',
			'email-reply'
		]);
	});

	it('disables the actions that write, saying why, when the role may not write', () => {
		const note = 'View only — you are a viewer in team';
		const results = paletteResults('new', [], { readOnlyNote: note });
		const newText = results.find((r) => r.action === 'new-text-prompt');
		expect(newText?.disabledNote).toBe(note);
		expect(results.find((r) => r.href === '/evals/new')?.disabledNote).toBeUndefined();
		expect(paletteResults('undo', [], { readOnlyNote: note })[0].disabledNote).toBeUndefined();
	});

	it('requires every typed word and ranks matches at the start of a word first', () => {
		expect(matchScore('lib map', 'Library map')).toBeGreaterThan(0);
		expect(matchScore('lib zebra', 'Library map')).toBe(0);
		expect(matchScore('map', 'Map of things')).toBeGreaterThan(matchScore('map', 'Library map'));
		expect(matchScore('map', 'Library map')).toBeGreaterThan(matchScore('ap', 'Library map'));
	});
});
