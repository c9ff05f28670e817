import { describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cliFolder } from '../../../tests/support/cli';
import { serializeLibrary } from '../../lib/core/io/library-file';
import { validLibraryFixture } from '../../lib/core/io/library-fixture.testing';

const cli = cliFolder('validate');
const run = cli.run;

describe('promptloom validate', () => {
	it('prints the counts and exits 0 for a valid JSON file', async () => {
		await writeFile(
			join(cli.dir, 'lib.json'),
			serializeLibrary(await validLibraryFixture(), 'json')
		);
		expect(await run('validate', 'lib.json')).toEqual({
			code: 0,
			stdout: 'ok: 3 prompts, 2 folders, 1 projects, 2 versions\n',
			stderr: ''
		});
	});

	it('reads YAML by extension, and by content with --format or detection', async () => {
		const yaml = serializeLibrary(await validLibraryFixture(), 'yaml');
		await writeFile(join(cli.dir, 'lib.yml'), yaml);
		await writeFile(join(cli.dir, 'lib.backup'), yaml);
		expect((await run('validate', 'lib.yml')).code).toBe(0);
		expect((await run('validate', 'lib.backup')).code).toBe(0);
		expect((await run('validate', '--format', 'yaml', 'lib.backup')).code).toBe(0);
	});

	it('prints every problem as <file>: <path>: <message> on stderr and exits 1', async () => {
		const lib = JSON.parse(serializeLibrary(await validLibraryFixture(), 'json'));
		lib.prompts[0].modelConfig.temperature = 5;
		lib.prompts[1].folderId = 'nowhere';
		await writeFile(join(cli.dir, 'bad.json'), JSON.stringify(lib));
		expect(await run('validate', 'bad.json')).toEqual({
			code: 1,
			stdout: '',
			stderr:
				'bad.json: prompts[0] ("summarize-email").modelConfig.temperature: must be at most 2\n' +
				'bad.json: prompts[1] ("support-chat").folderId: folder "nowhere" does not exist\n'
		});
	});

	it('reports a syntax error with line and column', async () => {
		await writeFile(
			join(cli.dir, 'broken.json'),
			'{\n  "format": "promptloom-library",\n  "version": 1,\n}\n'
		);
		expect(await run('validate', 'broken.json')).toEqual({
			code: 1,
			stdout: '',
			stderr: 'broken.json: line 4, column 1: JSON syntax error: trailing comma before "}"\n'
		});
	});

	it('reports a version whose content no longer matches its id', async () => {
		const lib = await validLibraryFixture();
		lib.versions[0].message = 'messages are not hashed';
		lib.versions[0].content.content = 'tampered';
		await writeFile(join(cli.dir, 'tampered.json'), serializeLibrary(lib, 'json'));
		const result = await run('validate', 'tampered.json');
		expect(result.code).toBe(1);
		expect(result.stderr).toBe(
			`tampered.json: versions[0] (${lib.versions[0].id.slice(0, 12)}).id: does not match the version content: the version was modified or corrupted\n`
		);
	});

	it('exits 2 for a missing file, a directory, or bad usage', async () => {
		await mkdir(join(cli.dir, 'folder.json'));
		expect(await run('validate', 'missing.json')).toEqual({
			code: 2,
			stdout: '',
			stderr: 'promptloom validate: cannot read missing.json: no such file\n'
		});
		expect((await run('validate', 'folder.json')).stderr).toBe(
			'promptloom validate: cannot read folder.json: it is a directory\n'
		);
		const none = await run('validate');
		expect(none.code).toBe(2);
		expect(none.stderr).toContain('missing the library file to check');
		expect((await run('validate', 'a.json', 'b.json')).code).toBe(2);
		const unknown = await run('validate', '--bogus', 'a.json');
		expect(unknown.code).toBe(2);
		expect(unknown.stderr).toContain("Unknown option '--bogus'");
		expect((await run('validate', '--format', 'xml', 'a.json')).stderr).toBe(
			'promptloom validate: --format must be "json" or "yaml", got "xml"\n'
		);
	});

	it('exits 1 for a file that is not UTF-8 text', async () => {
		await writeFile(join(cli.dir, 'binary.json'), Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
		expect(await run('validate', 'binary.json')).toEqual({
			code: 1,
			stdout: '',
			stderr: 'promptloom validate: the file is not valid UTF-8 text\n'
		});
	});

	it('prints complete usage for --help', async () => {
		const help = await run('validate', '--help');
		expect(help.code).toBe(0);
		expect(help.stdout).toContain('Usage: promptloom validate <library.json|library.yaml>');
		expect(help.stdout).toContain('Exit status:');
	});
});
