import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestCore } from '../../../../../tests/support/core';
import type { AppCore } from '../../app-core';
import { DatasetImportError } from './parse';
import { addColumn, setCell } from './edit';
import { datasetFromRecord, formatOfFileName } from './repo.dexie';

let core: AppCore;
beforeEach(async () => {
	core = await openTestCore();
});
afterEach(() => core.close());

describe('DatasetRepository', () => {
	it('imports a CSV with a column mapping and lists it', async () => {
		const ds = await core.evals.datasets.importText('q,answer,notes\nhi,hello,x\n', 'csv', {
			name: 'greetings',
			columnRoles: { answer: 'expected', notes: 'ignore' }
		});
		expect(ds.columns).toEqual([
			{ name: 'q', role: 'variable' },
			{ name: 'answer', role: 'expected' },
			{ name: 'notes', role: 'ignore' }
		]);
		expect(await core.evals.datasets.list()).toMatchObject([
			{ id: ds.id, name: 'greetings', rows: 1, columns: ['q', 'answer', 'notes'] }
		]);
	});

	it('stores nothing when any row is bad, and lists every problem', async () => {
		const e = await core.evals.datasets
			.importText('a,b\n1,2\n3\n4,5,6\n', 'csv', { name: 'bad' })
			.catch((err: unknown) => err);
		expect(e).toBeInstanceOf(DatasetImportError);
		expect((e as DatasetImportError).problems.map((p) => p.row)).toEqual([2, 3]);
		expect(await core.db.datasets.count()).toBe(0);
	});

	it('saves inline edits and keeps the creation time', async () => {
		const ds = await core.evals.datasets.importText('[{"q": "a"}]', 'json', { name: 'j' });
		const edited = setCell(addColumn(ds, 'extra'), 'r1', 'extra', 'v');
		const saved = await core.evals.datasets.save(edited);
		expect(saved.createdAt).toBe(ds.createdAt);
		expect((await core.evals.datasets.get(ds.id)).rows[0].values).toEqual({ q: 'a', extra: 'v' });
	});

	it('upgrades plain-row records from backups and rejects damaged ones', () => {
		const legacy = datasetFromRecord({
			id: 'ds-1',
			name: 'emails',
			rows: [{ text: 'hi', expected: 'greeting' }]
		});
		expect(legacy.columns).toEqual([
			{ name: 'text', role: 'variable' },
			{ name: 'expected', role: 'expected' }
		]);
		expect(legacy.rows).toEqual([{ id: 'r1', values: { text: 'hi', expected: 'greeting' } }]);
		expect(() => datasetFromRecord({ id: 'x', name: 'x', columns: 'nope', rows: [] })).toThrow(
			/dataset "x" is damaged: columns/
		);
	});

	it('tells the format from a file name', () => {
		expect(['a.csv', 'b.JSON', 'c.jsonl', 'd.ndjson', 'e.txt'].map(formatOfFileName)).toEqual([
			'csv',
			'json',
			'jsonl',
			'jsonl',
			null
		]);
	});
});
