import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DBCore, Middleware } from 'dexie';
import { openTestCore } from '../../../../tests/support/core';
import type { AppCore } from '../app-core';
import { classifyStorageError } from './storage-errors';

describe('classifyStorageError', () => {
	it('names a full quota, unavailable storage and a blocked upgrade', () => {
		const quota = classifyStorageError(new DOMException('full', 'QuotaExceededError'), 'save');
		expect(quota.code).toBe('storage_quota');
		expect(quota.message).toMatch(/storage quota is full/);
		const missing = classifyStorageError(
			Object.assign(new Error('x'), { name: 'MissingAPIError' }),
			'open'
		);
		expect(missing.code).toBe('storage_unavailable');
		expect(missing.message).toMatch(/private mode/);
		const blocked = classifyStorageError(
			Object.assign(new Error('x'), { name: 'VersionError' }),
			'open'
		);
		expect(blocked.code).toBe('storage_blocked');
		const wrapped = classifyStorageError(
			Object.assign(new Error('abort'), {
				name: 'AbortError',
				inner: new DOMException('q', 'QuotaExceededError')
			}),
			'save'
		);
		expect(wrapped.code).toBe('storage_quota');
	});
});

let diskFull = false;

/** A storage layer whose writes fail, while `diskFull`, the way a full disk does in the browser. */
const fullDisk: Middleware<DBCore> = {
	stack: 'dbcore',
	name: 'full-disk',
	create: (down) => ({
		...down,
		table: (name) => {
			const table = down.table(name);
			return {
				...table,
				mutate: (req) =>
					diskFull
						? Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'))
						: table.mutate(req)
			};
		}
	})
};

describe('a full disk', () => {
	let core: AppCore;
	beforeEach(async () => {
		core = await openTestCore();
		// Middleware is installed on a closed database; reopening keeps the data.
		core.db.close();
		core.db.use(fullDisk);
		await core.db.open();
	});
	afterEach(() => {
		diskFull = false;
		core.close();
	});

	it('reports storage_quota on save and keeps the previous state intact', async () => {
		const p = await core.library.createPrompt({ name: 'kept', content: 'before' });
		diskFull = true;
		const err = await core.library.updatePrompt(p.id, { content: 'after' }).catch((e) => e);
		expect(err.code).toBe('storage_quota');
		diskFull = false;
		expect((await core.library.getPrompt(p.id)).content).toBe('before');
		expect(core.library.undoLabel).toBe('Create kept');
	});

	it('refuses an import as a whole when the disk fills up mid-way', async () => {
		await core.library.createPrompt({ name: 'existing' });
		const other = await openTestCore();
		await other.library.createPrompt({ name: 'incoming' });
		const text = await other.backup.exportText('json');
		other.close();
		diskFull = true;
		await expect(core.backup.importText(text, 'replace')).rejects.toThrow(/storage quota is full/);
		diskFull = false;
		expect((await core.library.listPrompts()).map((p) => p.name)).toEqual(['existing']);
	});
});
