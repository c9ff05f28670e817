import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Dotprompt } from 'dotprompt';
import { describe, expect, it } from 'vitest';
import { validLibraryFixture } from '../../lib/core/io/library-fixture.testing';
import { parseLibrary, serializeLibrary } from '../../lib/core/io/library-file';
import { cliFolder } from '../../../tests/support/cli';

const cli = cliFolder('import-export');
const at = (...p: string[]) => join(cli.dir, ...p);

async function put(path: string, text: string) {
	await mkdir(join(at(path), '..'), { recursive: true });
	await writeFile(at(path), text);
}

const PROMPTY = `---
name: support-reply
description: Answers a support question
model:
  api: chat
  configuration:
    name: gpt-4o-mini
---
system:
You answer for {{ company }}.

user:
{{ question }}
`;

const DOTPROMPT = `---
model: googleai/gemini-1.5-flash
config:
  temperature: 0.5
---
{{role "system"}}
You are {{persona}}.
{{role "user"}}
{{#each items}}- {{this}}
{{/each}}{{> footer}}
`;

const LANGFUSE = JSON.stringify([
	{
		name: 'kb/lookup',
		version: 1,
		type: 'text',
		prompt: 'Look up {{query}}',
		config: { model: 'gpt-4o' },
		labels: ['production'],
		tags: ['kb']
	},
	{
		name: 'kb/lookup',
		version: 2,
		type: 'text',
		prompt: 'Look up {{query}} carefully',
		config: { model: 'gpt-4o' },
		labels: ['latest'],
		tags: ['kb']
	}
]);

describe('promptloom import', () => {
	it('imports Prompty, Dotprompt (with its partial) and Langfuse files into a library file', async () => {
		await put('in/support-reply.prompty', PROMPTY);
		await put('in/dp/assistant.prompt', DOTPROMPT);
		await put('in/dp/_footer.prompt', 'Thanks, {{persona}}.');
		await put('lf.json', LANGFUSE);
		const r = await cli.run('import', 'in', 'lf.json', '--to', 'lib.json', '--json');
		expect(r.stderr).toBe('');
		expect(r.code).toBe(0);
		expect(
			JSON.parse(r.stdout)
				.imported.map((i: { name: string }) => i.name)
				.sort()
		).toEqual(['assistant', 'footer', 'lookup', 'support-reply']);
		expect((await cli.run('validate', 'lib.json')).code).toBe(0);
		const lib = parseLibrary(await readFile(at('lib.json'), 'utf8'));
		const assistant = lib.prompts.find((p) => p.name === 'assistant')!;
		expect(assistant.messages[1].content).toContain('{{ include("footer") }}');
		const lookup = lib.prompts.find((p) => p.name === 'lookup')!;
		expect(lib.versions.filter((v) => v.promptId === lookup.id)).toHaveLength(2);
		expect(lib.folders.find((f) => f.id === lookup.folderId)?.name).toBe('kb');

		// Importing into it again: the names are taken, nothing is written.
		const again = await cli.run('import', 'in/support-reply.prompty', '--to', 'lib.json');
		expect(again.code).toBe(1);
		expect(again.stderr).toContain('prompt "support-reply" already exists in the target');
	});

	it('refuses a batch with a bad file, naming file:line:col, and writes nothing', async () => {
		await put('good.prompty', PROMPTY);
		await put('bad.prompt', '---\nconfig:\n  temperature: 9\n---\nHi {{history}}\n');
		const r = await cli.run('import', 'good.prompty', 'bad.prompt', '--to', 'out');
		expect(r.code).toBe(1);
		expect(r.stderr).toContain('bad.prompt:3:16: error: temperature must be a number from 0 to 2');
		expect(r.stderr).toMatch(/bad\.prompt:5:4: error: `\{\{history\}\}`/);
		await expect(readdir(at('out'))).rejects.toThrow();
	});
});

describe('promptloom export and convert', () => {
	it('library → Prompty folder → library gives the library back (convert both ways)', async () => {
		const lib = await validLibraryFixture();
		await put('lib.json', serializeLibrary(lib, 'json'));
		const out = await cli.run('export', 'lib.json', '--format', 'prompty', '--out', 'folder');
		expect(out.code).toBe(0);
		expect((await readdir(at('folder', 'Work', 'Email'))).sort()).toEqual([
			'summarize-email.prompty'
		]);
		const back = await cli.run('convert', 'folder', 'back.json');
		expect(back.stderr).toBe('');
		expect(back.code).toBe(0);
		const round = parseLibrary(await readFile(at('back.json'), 'utf8'));
		const byId = <T extends { id: string }>(xs: T[]) =>
			[...xs].sort((a, b) => (a.id < b.id ? -1 : 1));
		expect({ ...round, prompts: byId(round.prompts) }).toEqual({
			...lib,
			prompts: byId(lib.prompts)
		});
		expect((await cli.run('convert', 'lib.json', 'folder2')).code).toBe(0);
		expect((await cli.run('validate', 'back.json')).code).toBe(0);
	});

	it('exports Dotprompt files the dotprompt package renders, and reports what it cannot translate', async () => {
		await put(
			'in/greet.prompty',
			'---\nmodel:\n  api: completion\n---\nHello {{ name }}!{{ include("sig") }}\n'
		);
		await put('in/sig.prompty', '---\nmodel:\n  api: completion\n---\n-- {{ name }}\n');
		await put('in/shout.prompty', '---\nmodel:\n  api: completion\n---\n{{ name | upper }}\n');
		const r = await cli.run('export', 'in', '--format', 'dotprompt', '--out', 'dp');
		expect(r.code).toBe(1);
		expect(r.stderr).toContain('shout content:1:1: error: a filter cannot be written in Dotprompt');
		expect((await readdir(at('dp'))).sort()).toEqual(['_sig.prompt', 'greet.prompt', 'sig.prompt']);
		const dp = new Dotprompt({
			partialResolver: async (n) => readFile(at('dp', `_${n}.prompt`), 'utf8')
		});
		const rendered = await dp.render(await readFile(at('dp', 'greet.prompt'), 'utf8'), {
			input: { name: 'Ana' }
		});
		expect(rendered.messages[0].content).toEqual([{ text: 'Hello Ana!-- Ana' }]);
		// Files in the way need --force.
		expect((await cli.run('export', 'in', '--format', 'dotprompt', '--out', 'dp')).code).toBe(2);
	});

	it('exports Langfuse JSON that imports back with the same history', async () => {
		const lib = await validLibraryFixture();
		await put('lib.json', serializeLibrary(lib, 'json'));
		expect((await cli.run('export', 'lib.json', '--format', 'langfuse', '--out', 'lf')).code).toBe(
			0
		);
		const file = JSON.parse(
			await readFile(at('lf', 'Work', 'Email', 'summarize-email.json'), 'utf8')
		);
		expect(file.map((v: { version: number; labels: string[] }) => [v.version, v.labels])).toEqual([
			[1, ['production']],
			[2, ['latest']]
		]);
		const r = await cli.run('import', 'lf', '--to', 'from-lf.yaml');
		expect(r.code).toBe(0);
		const back = parseLibrary(await readFile(at('from-lf.yaml'), 'utf8'));
		expect(back.prompts.map((p) => p.name).sort()).toEqual(['summarize-email', 'support-chat']);
	});
});
