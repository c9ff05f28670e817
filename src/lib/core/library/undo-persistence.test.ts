import { describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { openAppCore } from '../app-core';
import { PERSISTED_UNDO, UNDO_SETTING } from './undo-persistence';

/** One device: the same IndexedDB opened again, as a reload does. */
function device() {
	const indexedDB = new IDBFactory();
	const name = `undo-${crypto.randomUUID()}`;
	return () => openAppCore({ name, indexedDB, IDBKeyRange, author: () => 'ada' });
}

describe('undo history across reloads', () => {
	it('undoes a rename and a delete made before the reload, latest first', async () => {
		const open = device();
		const before = await open();
		const p = await before.library.createPrompt({ name: 'alpha', content: 'Hello' });
		await before.library.renamePrompt(p.id, 'beta');
		await before.library.deletePrompts([p.id]);
		await before.close();

		const after = await open();
		expect(after.library.undoLabel).toBe('Delete beta');
		await after.library.undo();
		expect((await after.library.getPrompt(p.id)).deletedAt).toBeNull();
		expect(await after.library.undo()).toBe('Rename alpha to beta');
		expect((await after.library.getPrompt(p.id)).name).toBe('alpha');
		await after.close();

		// What was undone stays undone after another reload.
		const again = await open();
		expect(again.library.undoLabel).toBe('Create alpha');
		await again.close();
	});

	it('keeps only the latest entries, and reads a corrupt saved history as none', async () => {
		const open = device();
		const core = await open();
		for (let i = 0; i < PERSISTED_UNDO + 5; i++) await core.library.createFolder(`f${i}`);
		await core.close();
		const reopened = await open();
		let count = 0;
		while (await reopened.library.undo()) count++;
		expect(count).toBe(PERSISTED_UNDO);
		expect(await reopened.library.listFolders()).toHaveLength(5);
		await reopened.db.settings.put({ key: UNDO_SETTING, value: [{ label: 1 }] });
		await reopened.close();
		const corrupt = await open();
		expect(corrupt.library.undoLabel).toBeUndefined();
		await corrupt.close();
	});
});
