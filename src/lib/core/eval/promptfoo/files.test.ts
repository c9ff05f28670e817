import { describe, expect, it } from 'vitest';
import { isPromptloomError } from '../../model/errors';
import { baseName, fileReferences, findConfigFile, pickedFileReader } from './files';

const f = (name: string, text = '') => ({ name, text });
const CONFIG = 'prompts: [hi]\nproviders: [openai:gpt-4o-mini]\n';

describe('picked promptfoo files', () => {
	it('takes the base name of file:// paths', () => {
		expect(baseName('file://./data/tests.csv')).toBe('tests.csv');
		expect(baseName('file://prompts\\a.txt')).toBe('a.txt');
		expect(baseName('file://b.txt')).toBe('b.txt');
	});

	it('finds the config by name, else the only YAML with prompts and providers', () => {
		expect(findConfigFile([f('x.yaml', CONFIG), f('promptfooconfig.yml', CONFIG)]).name).toBe(
			'promptfooconfig.yml'
		);
		expect(findConfigFile([f('tests.yaml', '- vars: {}'), f('quiz.yaml', CONFIG)]).name).toBe(
			'quiz.yaml'
		);
		expect(() => findConfigFile([f('a.txt', 'x')])).toThrow(/no promptfoo config/);
		expect(() => findConfigFile([f('a.yaml', CONFIG), f('b.yaml', CONFIG)])).toThrow(
			/several selected files .*a\.yaml, b\.yaml/
		);
	});

	it('lists file:// references in values and keys, not in comments', () => {
		const text = '# file://old.txt\nprompts:\n  file://p.txt: label\ntests: file://t.csv\n';
		expect(fileReferences(text)).toEqual(['file://p.txt', 'file://t.csv']);
	});

	it('reads by base name and names a file that was not selected', async () => {
		const read = pickedFileReader([f('a.txt', 'A'), f('dup.txt'), f('dup.txt')]);
		expect(await read('deep/dir/a.txt')).toBe('A');
		const e = await read('b.csv').catch((x: unknown) => x);
		expect(isPromptloomError(e, 'not_found')).toBe(true);
		expect((e as Error).message).toMatch(/^missing file b\.csv/);
		await expect(read('dup.txt')).rejects.toThrow(/two selected files are named dup\.txt/);
	});
});
