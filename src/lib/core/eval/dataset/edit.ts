/** @module Pure, immutable edits of a dataset for inline editing (each returns a new dataset). */
import { PromptloomError } from '../../model/errors';
import type { ColumnRole, Dataset, DatasetRow } from './types';

function column(ds: Dataset, name: string) {
	const col = ds.columns.find((c) => c.name === name);
	if (!col) throw new PromptloomError('not_found', `no column "${name}" in dataset "${ds.name}"`);
	return col;
}

function checkNewName(ds: Dataset, name: string): void {
	if (name.trim() === '') throw new PromptloomError('validation', 'column name must not be empty');
	if (ds.columns.some((c) => c.name === name)) {
		throw new PromptloomError('conflict', `column "${name}" already exists`);
	}
}

/** Adds a column (role `variable` by default) with `defaultValue` in every row. */
export function addColumn(
	ds: Dataset,
	name: string,
	options: { role?: ColumnRole; defaultValue?: unknown } = {}
): Dataset {
	checkNewName(ds, name);
	const value = options.defaultValue ?? '';
	return {
		...ds,
		columns: [...ds.columns, { name, role: options.role ?? 'variable' }],
		rows: ds.rows.map((r) => ({ ...r, values: { ...r.values, [name]: value } }))
	};
}

export function removeColumn(ds: Dataset, name: string): Dataset {
	column(ds, name);
	return {
		...ds,
		columns: ds.columns.filter((c) => c.name !== name),
		rows: ds.rows.map((r) => {
			const values = { ...r.values };
			delete values[name];
			return { ...r, values };
		})
	};
}

export function renameColumn(ds: Dataset, from: string, to: string): Dataset {
	column(ds, from);
	if (from === to) return ds;
	checkNewName(ds, to);
	return {
		...ds,
		columns: ds.columns.map((c) => (c.name === from ? { ...c, name: to } : c)),
		rows: ds.rows.map((r) => ({
			...r,
			values: Object.fromEntries(Object.entries(r.values).map(([k, v]) => [k === from ? to : k, v]))
		}))
	};
}

/** Sets a column's role; at most one column is `expected`, so a new one demotes the old to `variable`. */
export function setColumnRole(ds: Dataset, name: string, role: ColumnRole): Dataset {
	column(ds, name);
	return {
		...ds,
		columns: ds.columns.map((c) =>
			c.name === name
				? { ...c, role }
				: role === 'expected' && c.role === 'expected'
					? { ...c, role: 'variable' }
					: c
		)
	};
}

export function setCell(ds: Dataset, rowId: string, name: string, value: unknown): Dataset {
	column(ds, name);
	if (!ds.rows.some((r) => r.id === rowId)) {
		throw new PromptloomError('not_found', `no row "${rowId}" in dataset "${ds.name}"`);
	}
	return {
		...ds,
		rows: ds.rows.map((r) =>
			r.id === rowId ? { ...r, values: { ...r.values, [name]: value } } : r
		)
	};
}

/** Appends a row; missing columns get `''`, unknown keys are rejected. Returns the new dataset and row id. */
export function addRow(
	ds: Dataset,
	values: Record<string, unknown> = {},
	id: string = nextRowId(ds)
): { dataset: Dataset; rowId: string } {
	const unknown = Object.keys(values).filter((k) => !ds.columns.some((c) => c.name === k));
	if (unknown.length > 0) {
		throw new PromptloomError('validation', `unknown column(s): ${unknown.join(', ')}`);
	}
	if (ds.rows.some((r) => r.id === id))
		throw new PromptloomError('conflict', `row "${id}" already exists`);
	const row: DatasetRow = {
		id,
		values: Object.fromEntries(ds.columns.map((c) => [c.name, values[c.name] ?? '']))
	};
	return { dataset: { ...ds, rows: [...ds.rows, row] }, rowId: id };
}

export function removeRow(ds: Dataset, rowId: string): Dataset {
	if (!ds.rows.some((r) => r.id === rowId)) {
		throw new PromptloomError('not_found', `no row "${rowId}" in dataset "${ds.name}"`);
	}
	return { ...ds, rows: ds.rows.filter((r) => r.id !== rowId) };
}

function nextRowId(ds: Dataset): string {
	let max = 0;
	for (const r of ds.rows) {
		const m = /^r(\d+)$/.exec(r.id);
		if (m) max = Math.max(max, Number(m[1]));
	}
	return `r${max + 1}`;
}

/** Splits a row into template variables and the expected output, following the column roles. */
export function rowInputs(
	ds: Dataset,
	row: DatasetRow
): { vars: Record<string, unknown>; expected?: unknown } {
	const vars: Record<string, unknown> = {};
	let expected: unknown;
	for (const c of ds.columns) {
		if (c.role === 'variable') vars[c.name] = row.values[c.name];
		else if (c.role === 'expected') expected = row.values[c.name];
	}
	return expected === undefined ? { vars } : { vars, expected };
}
