/** @module Dataset import from CSV, JSON and JSONL with row-level validation (all or nothing). */
import Papa from 'papaparse';
import { PromptloomError } from '../../model/errors';
import { EXPECTED_COLUMN_NAMES, type ColumnRole, type Dataset, type DatasetColumn } from './types';

export type DatasetFormat = 'csv' | 'json' | 'jsonl';

export interface ParseDatasetOptions {
	/** Dataset name; defaults to `dataset`. */
	name?: string;
	/** Dataset id; defaults to a random UUID. */
	id?: string;
	/** Explicit role per column; unlisted columns get the automatic role. */
	columnRoles?: Record<string, ColumnRole>;
	/** Name of the expected-output column; overrides auto-detection (`__expected`, `expected`). */
	expectedColumn?: string | null;
	/** Stops collecting problems after this many (default 50). */
	maxProblems?: number;
}

/** One validation problem, with a 1-based row number (data rows for CSV/JSON, lines for JSONL). */
export interface DatasetProblem {
	row: number | null;
	column: string | null;
	reason: string;
}

/** Thrown (as the `cause`) on a failed import: every problem found, nothing imported. */
export class DatasetImportError extends PromptloomError {
	readonly problems: DatasetProblem[];
	constructor(problems: DatasetProblem[]) {
		super('import', formatProblems(problems), {
			path: problems[0]?.row != null ? `row ${problems[0].row}` : undefined
		});
		this.problems = problems;
	}
}

function formatProblems(problems: DatasetProblem[]): string {
	const lines = problems.map((p) => {
		const where = [
			p.row != null ? `row ${p.row}` : null,
			p.column != null ? `column "${p.column}"` : null
		]
			.filter(Boolean)
			.join(', ');
		return where ? `${where}: ${p.reason}` : p.reason;
	});
	return `dataset import failed (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}

interface RawTable {
	columns: string[];
	rows: Record<string, unknown>[];
}

/**
 * Parses a dataset file. Throws a {@link DatasetImportError} (code `import`) listing every
 * problem (row, column, reason) instead of returning a partial dataset.
 */
export function parseDatasetFile(
	text: string,
	format: DatasetFormat,
	options: ParseDatasetOptions = {}
): Dataset {
	const max = options.maxProblems ?? 50;
	const problems: DatasetProblem[] = [];
	const report = (p: DatasetProblem) => {
		if (problems.length < max) problems.push(p);
	};
	if (text.replace(/^\uFEFF/, '').trim() === '') {
		throw new DatasetImportError([{ row: null, column: null, reason: 'the file is empty' }]);
	}
	const table =
		format === 'csv'
			? parseCsv(text, report)
			: format === 'json'
				? parseJson(text, report)
				: parseJsonl(text, report);
	if (problems.length === 0 && table.rows.length === 0) {
		report({ row: null, column: null, reason: 'the file has no data rows' });
	}
	if (problems.length > 0) throw new DatasetImportError(problems);
	const columns = assignRoles(table.columns, options);
	const badRole = Object.keys(options.columnRoles ?? {}).filter((c) => !table.columns.includes(c));
	const expected = options.expectedColumn;
	if (expected && !table.columns.includes(expected)) badRole.push(expected);
	if (badRole.length > 0) {
		throw new DatasetImportError(
			badRole.map((c) => ({ row: null, column: c, reason: 'mapped column is not in the file' }))
		);
	}
	return {
		id: options.id ?? globalThis.crypto.randomUUID(),
		name: options.name ?? 'dataset',
		columns,
		rows: table.rows.map((values, i) => ({ id: `r${i + 1}`, values }))
	};
}

function assignRoles(names: string[], options: ParseDatasetOptions): DatasetColumn[] {
	let expected: string | null = null;
	if (options.expectedColumn !== undefined) expected = options.expectedColumn;
	else {
		const explicit = Object.entries(options.columnRoles ?? {}).find(([, r]) => r === 'expected');
		expected =
			explicit?.[0] ??
			EXPECTED_COLUMN_NAMES.find((n) => names.includes(n)) ??
			names.find((n) => /^__expected\d*$/.test(n)) ??
			null;
	}
	return names.map((name) => ({
		name,
		role: options.columnRoles?.[name] ?? (name === expected ? 'expected' : 'variable')
	}));
}

function checkHeaders(headers: string[], report: (p: DatasetProblem) => void): void {
	const seen = new Set<string>();
	headers.forEach((h, i) => {
		if (h.trim() === '') report({ row: null, column: `#${i + 1}`, reason: 'empty column header' });
		else if (seen.has(h)) report({ row: null, column: h, reason: 'duplicate column header' });
		seen.add(h);
	});
}

function parseCsv(text: string, report: (p: DatasetProblem) => void): RawTable {
	const result = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: 'greedy' });
	for (const err of result.errors) {
		// A single-column file has no delimiter to detect; that is not a problem.
		if (err.type === 'Delimiter') continue;
		report({
			row: err.row != null ? err.row : null,
			column: null,
			reason: `CSV ${err.type.toLowerCase()}: ${err.message}`
		});
	}
	const [headers = [], ...data] = result.data;
	checkHeaders(headers, report);
	const rows: Record<string, unknown>[] = [];
	data.forEach((cells, i) => {
		const rowNumber = i + 1;
		if (cells.length !== headers.length) {
			report({
				row: rowNumber,
				column: cells.length > headers.length ? null : headers[cells.length],
				reason: `expected ${headers.length} fields, found ${cells.length}`
			});
			return;
		}
		rows.push(Object.fromEntries(headers.map((h, j) => [h, cells[j]])));
	});
	return { columns: headers, rows };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function collectObjects(
	entries: unknown[],
	rowOf: (i: number) => number,
	report: (p: DatasetProblem) => void
): RawTable {
	const columns: string[] = [];
	const known = new Set<string>();
	const rows: Record<string, unknown>[] = [];
	entries.forEach((entry, i) => {
		if (!isPlainObject(entry)) {
			const kind =
				entry === null ? 'null' : Array.isArray(entry) ? 'an array' : `a ${typeof entry}`;
			report({ row: rowOf(i), column: null, reason: `expected an object, found ${kind}` });
			return;
		}
		for (const key of Object.keys(entry)) {
			if (key.trim() === '') report({ row: rowOf(i), column: key, reason: 'empty column name' });
			if (!known.has(key)) {
				known.add(key);
				columns.push(key);
			}
		}
		rows.push(entry);
	});
	return {
		columns,
		rows: rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null])))
	};
}

function parseJson(text: string, report: (p: DatasetProblem) => void): RawTable {
	let data: unknown;
	try {
		data = JSON.parse(text);
	} catch (e) {
		report({ row: null, column: null, reason: `invalid JSON: ${(e as Error).message}` });
		return { columns: [], rows: [] };
	}
	if (isPlainObject(data) && Array.isArray(data.rows)) data = data.rows;
	if (!Array.isArray(data)) {
		report({
			row: null,
			column: null,
			reason: 'expected a JSON array of objects (or {"rows": [...]})'
		});
		return { columns: [], rows: [] };
	}
	return collectObjects(data, (i) => i + 1, report);
}

function parseJsonl(text: string, report: (p: DatasetProblem) => void): RawTable {
	const entries: unknown[] = [];
	const lineOf: number[] = [];
	text
		.replace(/^\uFEFF/, '')
		.split(/\r?\n/)
		.forEach((line, i) => {
			if (line.trim() === '') return;
			try {
				entries.push(JSON.parse(line));
				lineOf.push(i + 1);
			} catch (e) {
				report({
					row: i + 1,
					column: null,
					reason: `invalid JSON on line ${i + 1}: ${(e as Error).message}`
				});
			}
		});
	return collectObjects(entries, (i) => lineOf[i], report);
}
