import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openAppCore } from '../../lib/core/app-core';
import { cliFolder } from '../../../tests/support/cli';

const cli = cliFolder('search', { scope: 'all' });
const run = cli.run;

beforeAll(async () => {
	const core = await openAppCore({ name: 'cli-search', indexedDB: new IDBFactory(), IDBKeyRange });
	await core.library.createPrompt({
		name: 'email-summary',
		content: 'Condense the customer message below into three short bullet points.'
	});
	await core.library.createPrompt({
		name: 'french-translator',
		content: 'Render the following passage in French, keeping the tone.'
	});
	await core.library.createPrompt({
		name: 'sql-helper',
		content: 'Write a query against the orders table that answers the question.'
	});
	await writeFile(join(cli.dir, 'lib.json'), await core.backup.exportText('json'));
	core.close();
	await writeFile(join(cli.dir, 'bad.json'), '{"prompts": 3}');
});

describe('promptloom search', () => {
	it('prints the best matches by meaning with scores (bundled model)', async () => {
		const { code, stdout } = await run(
			'search',
			'lib.json',
			'--semantic',
			'translate text into another language',
			'--top',
			'2'
		);
		expect(code).toBe(0);
		const lines = stdout.trim().split('\n');
		expect(lines).toHaveLength(2);
		expect(lines[0]).toMatch(/^0\.\d{4} {2}french-translator$/);
	}, 60_000);

	it('prints JSON and supports hybrid ranking', async () => {
		const { code, stdout } = await run(
			'search',
			'lib.json',
			'--semantic',
			'orders',
			'--hybrid',
			'--json'
		);
		expect(code).toBe(0);
		const rows = JSON.parse(stdout) as { name: string; score: number }[];
		expect(rows[0].name).toBe('sql-helper');
		expect(rows.length).toBe(3);
	}, 60_000);

	it('exits 1 for a missing or invalid library and 2 for usage errors', async () => {
		expect((await run('search', 'nope.json', '--semantic', 'x')).code).toBe(1);
		const bad = await run('search', 'bad.json', '--semantic', 'x');
		expect(bad.code).toBe(1);
		expect(bad.stderr).toContain('bad.json');
		expect((await run('search', 'lib.json')).code).toBe(2);
		expect((await run('search', 'lib.json', '--semantic', 'x', '--top', '0')).code).toBe(2);
		expect((await run('search', '--semantic', 'x')).code).toBe(2);
		expect((await run('search', 'lib.json', '--semantic', 'x', '--bogus')).code).toBe(2);
	});
});
