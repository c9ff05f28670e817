import { describe, expect, it } from 'vitest';
import { clashName, resolveNameClashes, type NamedPrompt } from './name-clash';

const live = (id: string, name: string): NamedPrompt => ({ id, name, deletedAt: null });

describe('name clash resolution', () => {
	it('keeps the name for the smallest id and suffixes the others with their id', () => {
		const r = resolveNameClashes([
			live('f0e1d2c3-aaaa', 'greet'),
			live('0a1b2c3d-bbbb', 'greet'),
			live('77777777-cccc', 'other')
		]);
		expect([...r]).toEqual([['f0e1d2c3-aaaa', 'greet-f0e1d2']]);
	});

	it('gives the same renames whatever order the prompts arrive in', () => {
		const list = [
			live('c3', 'x'),
			live('a1a1a1a1', 'x'),
			live('b2b2b2b2', 'x'),
			live('d4d4d4d4', 'y')
		];
		const once = resolveNameClashes(list);
		expect(resolveNameClashes([...list].reverse())).toEqual(once);
		expect(once.get('b2b2b2b2')).toBe('x-b2b2b2');
		expect(once.has('a1a1a1a1')).toBe(false);
	});

	it('ignores prompts in the trash', () => {
		expect(resolveNameClashes([live('a', 'n'), { id: 'b', name: 'n', deletedAt: 5 }]).size).toBe(0);
	});

	it('takes more of the id when the suffixed name is taken as well', () => {
		expect(clashName('n', 'abcdef12', (x) => x === 'n-abcdef')).toBe('n-abcdef1');
		const r = resolveNameClashes([
			live('00000000', 'n'),
			live('abcdef12', 'n'),
			live('99999999', 'n-abcdef')
		]);
		expect(r.get('abcdef12')).toBe('n-abcdef1');
	});
});
