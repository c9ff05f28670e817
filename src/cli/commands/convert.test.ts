import { describe, expect, it } from 'vitest';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cliFolder } from '../../../tests/support/cli';
import { parseLibrary, serializeLibrary } from '../../lib/core/io/library-file';
import { validLibraryFixture } from '../../lib/core/io/library-fixture.testing';

const cli = cliFolder('convert');
const run = cli.run;

const read = (name: string) => readFile(join(cli.dir, name), 'utf8');

describe('promptloom convert', () => {
	it('converts JSON to YAML and back to the identical JSON', async () => {
		const lib = await validLibraryFixture();
		const json = serializeLibrary(lib, 'json');
		await writeFile(join(cli.dir, 'lib.json'), json);
		expect(await run('convert', 'lib.json', 'lib.yaml')).toEqual({
			code: 0,
			stdout: 'wrote lib.yaml (yaml): 3 prompts, 2 folders, 1 projects, 2 versions\n',
			stderr: ''
		});
		const yaml = await read('lib.yaml');
		expect(yaml.startsWith('format: promptloom-library\nversion: 1\n')).toBe(true);
		expect(parseLibrary(yaml, 'yaml')).toEqual(lib);
		expect((await run('convert', 'lib.yaml', 'again.json')).code).toBe(0);
		expect(await read('again.json')).toBe(json);
		expect((await readdir(cli.dir)).sort()).toEqual(['again.json', 'lib.json', 'lib.yaml']);
	});

	it('does not write the output when the input is invalid, and lists the problems', async () => {
		const lib = JSON.parse(serializeLibrary(await validLibraryFixture(), 'json'));
		lib.labels.push({ ...lib.labels[0] });
		await writeFile(join(cli.dir, 'bad.json'), JSON.stringify(lib));
		expect(await run('convert', 'bad.json', 'out.yaml')).toEqual({
			code: 1,
			stdout: '',
			stderr:
				'bad.json: labels[1] ("production").name: label "production" appears twice for prompt "summarize-email" (also labels[0] ("production"))\n'
		});
		expect(await readdir(cli.dir)).toEqual(['bad.json']);
	});

	it('refuses to overwrite an existing output without --force', async () => {
		await writeFile(
			join(cli.dir, 'lib.json'),
			serializeLibrary(await validLibraryFixture(), 'json')
		);
		await writeFile(join(cli.dir, 'out.yml'), 'keep me');
		expect(await run('convert', 'lib.json', 'out.yml')).toEqual({
			code: 2,
			stdout: '',
			stderr: 'promptloom convert: out.yml already exists; use --force to overwrite it\n'
		});
		expect(await read('out.yml')).toBe('keep me');
		expect((await run('convert', '--force', 'lib.json', 'out.yml')).code).toBe(0);
		expect((await read('out.yml')).startsWith('format: promptloom-library')).toBe(true);
		expect((await readdir(cli.dir)).sort()).toEqual(['lib.json', 'out.yml']);
	});

	it('takes the output format from --format, and the input format from --from', async () => {
		await writeFile(
			join(cli.dir, 'lib.txt'),
			serializeLibrary(await validLibraryFixture(), 'yaml')
		);
		expect(
			(await run('convert', '--from', 'yaml', '--format', 'json', 'lib.txt', 'out.data')).code
		).toBe(0);
		expect(JSON.parse(await read('out.data')).format).toBe('promptloom-library');
	});

	it('exits 2 for usage errors and unreadable or unwritable files', async () => {
		await writeFile(
			join(cli.dir, 'lib.json'),
			serializeLibrary(await validLibraryFixture(), 'json')
		);
		const unknownExt = await run('convert', 'lib.json', 'out.txt');
		expect(unknownExt).toEqual({
			code: 2,
			stdout: '',
			stderr:
				'promptloom convert: cannot tell the output format from "out.txt": use a .json, .yaml or .yml name, or --format\n'
		});
		expect((await run('convert', 'lib.json')).code).toBe(2);
		expect(await run('convert', 'missing.json', 'out.yaml')).toEqual({
			code: 2,
			stdout: '',
			stderr: 'promptloom convert: cannot read missing.json: no such file\n'
		});
		const unwritable = await run('convert', 'lib.json', 'no/such/dir/out.yaml');
		expect(unwritable.code).toBe(2);
		expect(unwritable.stderr).toMatch(
			/^promptloom convert: cannot write no\/such\/dir\/out\.yaml: /
		);
		expect((await readdir(cli.dir)).sort()).toEqual(['lib.json']);
	});

	it('prints complete usage for --help', async () => {
		const help = await run('convert', '--help');
		expect(help.code).toBe(0);
		expect(help.stdout).toContain('Usage: promptloom convert <input> <output>');
		expect(help.stdout).toContain('--force');
	});
});
