import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestCore } from '../../../../tests/support/core';
import type { AppCore } from '../app-core';

let core: AppCore;
let other: AppCore;
beforeEach(async () => {
	core = await openTestCore();
	other = await openTestCore();
});
afterEach(() => {
	core.close();
	other.close();
});

async function seed(c: AppCore) {
	const f = await c.library.createFolder('Support');
	const pr = await c.library.createProject('Helpdesk');
	await c.library.createPrompt({
		name: 'triage',
		content: 'Classify {{ ticket }}',
		tags: ['support'],
		folderId: f.id,
		projectId: pr.id,
		customFields: [{ key: 'owner', type: 'string', value: 'ops' }]
	});
	await c.library.createPrompt({ name: 'greeter', type: 'chat' });
}

describe('backup and restore', () => {
	it('round-trips the whole library through JSON and YAML', async () => {
		await seed(core);
		for (const format of ['json', 'yaml'] as const) {
			const text = await core.backup.exportText(format);
			const fresh = await openTestCore();
			const summary = await fresh.backup.importText(text, 'replace');
			expect(summary.prompts).toBe(2);
			expect(await fresh.library.listPrompts()).toEqual(await core.library.listPrompts());
			expect(await fresh.library.listFolders()).toEqual(await core.library.listFolders());
			expect(fresh.search.search('classify').map((h) => h.name)).toEqual(['triage']);
			fresh.close();
		}
	});

	it('rejects a malformed file with the entry and field, and changes nothing', async () => {
		await seed(core);
		await seed(other);
		const text = await other.backup.exportText('json');
		const broken = JSON.parse(text);
		broken.prompts[0].modelConfig.temperature = 9;
		const before = await core.library.listPrompts();
		const err = await core.backup
			.importText(JSON.stringify(broken), 'replace')
			.catch((e: Error) => e);
		expect(err).toBeInstanceOf(Error);
		expect((err as Error).message).toMatch(/prompts\[0\].*modelConfig\.temperature/);
		expect(await core.library.listPrompts()).toEqual(before);
	});

	it('reports JSON syntax errors with a line and column', async () => {
		const err = await core.backup
			.importText('{\n  "format": "promptloom-library",\n  oops\n}', 'merge')
			.catch((e: Error) => e);
		expect((err as Error).message).toMatch(/line 3/);
	});

	it('refuses a merge whose names clash with other prompts, writing nothing', async () => {
		await seed(core);
		await seed(other);
		const text = await other.backup.exportText('json');
		const before = await core.library.listPrompts();
		await expect(core.backup.importText(text, 'merge')).rejects.toThrow(
			/Nothing was imported: 2 prompt name\(s\) already exist/
		);
		expect(await core.library.listPrompts()).toEqual(before);
	});

	it('merges a file into a library with different prompts', async () => {
		await core.library.createPrompt({ name: 'mine' });
		await seed(other);
		await core.backup.importText(await other.backup.exportText('yaml'), 'merge');
		expect((await core.library.listPrompts()).map((p) => p.name).sort()).toEqual([
			'greeter',
			'mine',
			'triage'
		]);
	});
});
