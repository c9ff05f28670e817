import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestCore } from '../../../../tests/support/core';
import type { AppCore } from '../app-core';
import { isPromptloomError } from '../model/errors';

let core: AppCore;
beforeEach(async () => {
	core = await openTestCore({ author: () => 'ada' });
});
afterEach(() => core.close());

describe('prompts', () => {
	it('creates a prompt with defaults, the author and a slug name', async () => {
		const p = await core.library.createPrompt({
			name: 'summarize-email',
			content: 'Hi {{ name }}'
		});
		expect(p.name).toBe('summarize-email');
		expect(p.author).toBe('ada');
		expect(p.modelConfig.model).toBeTruthy();
		expect(await core.library.getPrompt(p.id)).toEqual(p);
	});

	it('gives an untitled prompt a free name', async () => {
		const a = await core.library.createPrompt();
		const b = await core.library.createPrompt();
		expect([a.name, b.name]).toEqual(['untitled', 'untitled-2']);
	});

	it('refuses a duplicate name with a specific error', async () => {
		await core.library.createPrompt({ name: 'dup' });
		await expect(core.library.createPrompt({ name: 'dup' })).rejects.toThrow(
			'A prompt named "dup" already exists'
		);
	});

	it('refuses a name that is not a slug and an invalid temperature, naming the field', async () => {
		await expect(core.library.createPrompt({ name: 'Bad Name' })).rejects.toThrow(
			/prompt name: name must be a slug/
		);
		const p = await core.library.createPrompt({ name: 'ok' });
		await expect(
			core.library.updatePrompt(p.id, { modelConfig: { model: 'x', temperature: 7, params: {} } })
		).rejects.toThrow(/modelConfig.temperature/);
		expect((await core.library.getPrompt(p.id)).modelConfig.temperature).toBeUndefined();
	});

	it('creates chat prompts with a system and a user message', async () => {
		const p = await core.library.createPrompt({ type: 'chat', name: 'chat' });
		expect(p.messages.map((m) => m.role)).toEqual(['system', 'user']);
	});

	it('renames, duplicates and undoes both', async () => {
		const p = await core.library.createPrompt({ name: 'alpha', content: 'A', tags: ['x'] });
		await core.library.renamePrompt(p.id, 'beta');
		const copy = await core.library.duplicatePrompt(p.id);
		expect(copy.name).toBe('beta-copy');
		expect(copy.tags).toEqual(['x']);
		expect(await core.library.undo()).toBe('Duplicate beta');
		await expect(core.library.getPrompt(copy.id)).rejects.toThrow(
			/This prompt is not in the library \(id [0-9a-z]{8}\)/
		);
		expect(await core.library.undo()).toBe('Rename alpha to beta');
		expect((await core.library.getPrompt(p.id)).name).toBe('alpha');
	});

	it('deletes to the trash, restores, and purges for good', async () => {
		const p = await core.library.createPrompt({ name: 'gone' });
		await core.library.deletePrompts([p.id]);
		expect(await core.library.listPrompts()).toHaveLength(0);
		expect((await core.library.listTrash()).map((t) => t.name)).toEqual(['gone']);
		// The name is free again while the prompt is in the trash.
		await core.library.createPrompt({ name: 'gone' });
		const restored = await core.library.restorePrompt(p.id);
		expect(restored.name).toBe('gone-restored');
		await core.library.deletePrompts([p.id]);
		await core.library.emptyTrash();
		expect(await core.library.listTrash()).toHaveLength(0);
		await expect(core.library.getPrompt(p.id)).rejects.toThrow();
	});

	it('undo reverts only what the operation changed, keeping text typed since', async () => {
		const p = await core.library.createPrompt({ name: 'alpha', content: 'v1', tags: ['x'] });
		await core.library.renamePrompt(p.id, 'beta');
		await core.library.updatePrompt(p.id, { content: 'v1 and more', tags: ['x', 'y'] });
		expect(await core.library.undo()).toBe('Rename alpha to beta');
		const after = await core.library.getPrompt(p.id);
		expect(after.name).toBe('alpha');
		expect(after.content).toBe('v1 and more');
		expect(after.tags).toEqual(['x', 'y']);
	});

	it('undoes a delete', async () => {
		const p = await core.library.createPrompt({ name: 'keep' });
		await core.library.deletePrompts([p.id]);
		await core.library.undo();
		expect((await core.library.getPrompt(p.id)).deletedAt).toBeNull();
	});
});

describe('folders and projects', () => {
	it('moves prompts between nested folders and follows a folder rename', async () => {
		const a = await core.library.createFolder('Support');
		const b = await core.library.createFolder('Email', a.id);
		const p = await core.library.createPrompt({ name: 'reply' });
		await core.library.movePrompts([p.id], b.id);
		await core.library.renameFolder(a.id, 'Customer support');
		const folders = await core.library.listFolders();
		const moved = await core.library.getPrompt(p.id);
		expect(core.library.folderPath(moved.folderId, folders)).toBe('Customer support/Email');
	});

	it('refuses moving a folder into its own subfolder', async () => {
		const a = await core.library.createFolder('A');
		const b = await core.library.createFolder('B', a.id);
		await expect(core.library.moveFolder(a.id, b.id)).rejects.toThrow(/into itself/);
	});

	it('refuses sibling folders with the same name', async () => {
		await core.library.createFolder('Same');
		await expect(core.library.createFolder('same')).rejects.toThrow(/already exists/);
	});

	it('deleting a folder trashes its prompts, and undo brings everything back', async () => {
		const a = await core.library.createFolder('A');
		const b = await core.library.createFolder('B', a.id);
		const p = await core.library.createPrompt({ name: 'inner', folderId: b.id });
		await core.library.deleteFolder(a.id);
		expect(await core.library.listFolders()).toHaveLength(0);
		expect((await core.library.getPrompt(p.id)).deletedAt).not.toBeNull();
		await core.library.undo();
		expect(await core.library.listFolders()).toHaveLength(2);
		expect((await core.library.getPrompt(p.id)).deletedAt).toBeNull();
	});

	it('assigns prompts to a project and clears it when the project is deleted', async () => {
		const pr = await core.library.createProject('Onboarding');
		const p = await core.library.createPrompt({ name: 'welcome' });
		await core.library.setPromptProject([p.id], pr.id);
		expect((await core.library.getPrompt(p.id)).projectId).toBe(pr.id);
		await core.library.deleteProject(pr.id);
		expect((await core.library.getPrompt(p.id)).projectId).toBeNull();
	});

	it('rejects a missing folder with not_found', async () => {
		const err = await core.library.createPrompt({ name: 'x', folderId: 'nope' }).catch((e) => e);
		expect(isPromptloomError(err, 'not_found')).toBe(true);
	});
});

describe('search index follows the library', () => {
	it('finds by content, tag, name words and filters by folder subtree', async () => {
		const f = await core.library.createFolder('Sales');
		const sub = await core.library.createFolder('Leads', f.id);
		await core.library.createPrompt({
			name: 'cold-outreach',
			content: 'Write a friendly cold email to a prospect',
			tags: ['email'],
			folderId: sub.id
		});
		await core.library.createPrompt({ name: 'sql-helper', content: 'Translate questions to SQL' });
		expect(core.search.search('prospect').map((h) => h.name)).toEqual(['cold-outreach']);
		expect(core.search.search('outreach').map((h) => h.name)).toEqual(['cold-outreach']);
		expect(core.search.search('', { tag: 'email' }).map((h) => h.name)).toEqual(['cold-outreach']);
		expect(core.search.search('', { folderId: f.id }).map((h) => h.name)).toEqual([
			'cold-outreach'
		]);
		const hit = core.search.search('prospect')[0];
		expect(hit.snippet.some((s) => s.match && s.text.toLowerCase() === 'prospect')).toBe(true);
	});

	it('drops trashed prompts and picks up undo', async () => {
		const p = await core.library.createPrompt({ name: 'vanishing', content: 'zebra' });
		await core.library.deletePrompts([p.id]);
		expect(core.search.search('zebra')).toHaveLength(0);
		await core.library.undo();
		expect(core.search.search('zebra')).toHaveLength(1);
	});
});

describe('search tolerance', () => {
	it('falls back to typo-tolerant matching when nothing matches exactly', async () => {
		await core.library.createPrompt({ name: 'recipe', content: 'Suggest a vegetarian dinner' });
		expect(core.search.search('vegetarain').map((h) => h.name)).toEqual(['recipe']);
	});
});

describe('background indexing', () => {
	it('lists every prompt at once and finds text once indexing completes', async () => {
		for (let i = 0; i < 30; i++)
			await core.library.createPrompt({ name: `p-${i}`, content: i === 29 ? 'needle' : 'hay' });
		const prompts = await core.library.listPrompts();
		const done = core.search.rebuildInBackground(prompts, [], 10);
		expect(core.search.search('')).toHaveLength(30);
		expect(core.search.pending).toBe(30);
		await done;
		expect(core.search.pending).toBe(0);
		expect(core.search.search('needle').map((h) => h.name)).toEqual(['p-29']);
	});

	it('keeps an edit made while indexing is still running', async () => {
		const p = await core.library.createPrompt({ name: 'early', content: 'old words' });
		const done = core.search.rebuildInBackground(await core.library.listPrompts(), [], 1);
		await core.library.updatePrompt(p.id, { content: 'fresh words' });
		await done;
		expect(core.search.search('fresh').map((h) => h.name)).toEqual(['early']);
		expect(core.search.search('old')).toHaveLength(0);
	});
});

describe('purge', () => {
	it('announces only the prompts it actually deleted', async () => {
		const live = await core.library.createPrompt({ name: 'live' });
		const gone = await core.library.createPrompt({ name: 'gone' });
		await core.library.deletePrompts([gone.id]);
		const removed: string[] = [];
		core.events.on('prompts:changed', (c) => removed.push(...c.removed));
		await core.library.purgePrompts([live.id, gone.id]);
		expect(removed).toEqual([gone.id]);
		expect((await core.library.getPrompt(live.id)).name).toBe('live');
	});
});
