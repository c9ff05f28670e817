import { describe, expect, it } from 'vitest';
import {
	addColumn,
	addRow,
	removeColumn,
	removeRow,
	renameColumn,
	rowInputs,
	setCell,
	setColumnRole
} from './edit';
import type { Dataset } from './types';

const base: Dataset = {
	id: 'd1',
	name: 'ds',
	columns: [
		{ name: 'q', role: 'variable' },
		{ name: 'expected', role: 'expected' }
	],
	rows: [
		{ id: 'r1', values: { q: 'a', expected: 'A' } },
		{ id: 'r2', values: { q: 'b', expected: 'B' } }
	]
};

describe('dataset editing', () => {
	it('adds, renames and removes columns without mutating the input', () => {
		const snapshot = structuredClone(base);
		const added = addColumn(base, 'lang', { defaultValue: 'en' });
		expect(added.rows[0].values).toEqual({ q: 'a', expected: 'A', lang: 'en' });
		const renamed = renameColumn(added, 'lang', 'language');
		expect(renamed.columns.map((c) => c.name)).toEqual(['q', 'expected', 'language']);
		expect(renamed.rows[1].values.language).toBe('en');
		const removed = removeColumn(renamed, 'q');
		expect(removed.rows[0].values).toEqual({ expected: 'A', language: 'en' });
		expect(base).toEqual(snapshot);
	});

	it('refuses duplicate or unknown columns', () => {
		expect(() => addColumn(base, 'q')).toThrow(/already exists/);
		expect(() => renameColumn(base, 'q', 'expected')).toThrow(/already exists/);
		expect(() => removeColumn(base, 'zz')).toThrow(/no column "zz"/);
		expect(() => setCell(base, 'r1', 'zz', 1)).toThrow(/no column/);
	});

	it('sets cells and adds/removes rows immutably', () => {
		const edited = setCell(base, 'r2', 'q', 'c');
		expect(edited.rows[1].values.q).toBe('c');
		expect(base.rows[1].values.q).toBe('b');
		const { dataset, rowId } = addRow(edited, { q: 'd' });
		expect(rowId).toBe('r3');
		expect(dataset.rows[2].values).toEqual({ q: 'd', expected: '' });
		expect(removeRow(dataset, 'r1').rows.map((r) => r.id)).toEqual(['r2', 'r3']);
		expect(() => addRow(base, { nope: 1 })).toThrow(/unknown column/);
		expect(() => removeRow(base, 'r9')).toThrow(/no row/);
	});

	it('keeps a single expected column and splits rows into vars and expected', () => {
		const ds = setColumnRole(base, 'q', 'expected');
		expect(ds.columns.map((c) => c.role)).toEqual(['expected', 'variable']);
		expect(rowInputs(base, base.rows[0])).toEqual({ vars: { q: 'a' }, expected: 'A' });
	});
});
