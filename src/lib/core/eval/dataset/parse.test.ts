import { describe, expect, it } from 'vitest';
import { DatasetImportError, parseDatasetFile } from './parse';

function problemsOf(fn: () => unknown) {
	try {
		fn();
	} catch (e) {
		expect(e).toBeInstanceOf(DatasetImportError);
		expect((e as DatasetImportError).code).toBe('import');
		return (e as DatasetImportError).problems;
	}
	throw new Error('expected an import error');
}

describe('parseDatasetFile', () => {
	it('imports CSV with a header row and auto-detects the __expected column', () => {
		const ds = parseDatasetFile('city,__expected\nParis,France\n"Rome, IT",Italy\n', 'csv', {
			name: 'capitals'
		});
		expect(ds.name).toBe('capitals');
		expect(ds.columns).toEqual([
			{ name: 'city', role: 'variable' },
			{ name: '__expected', role: 'expected' }
		]);
		expect(ds.rows.map((r) => r.values)).toEqual([
			{ city: 'Paris', __expected: 'France' },
			{ city: 'Rome, IT', __expected: 'Italy' }
		]);
	});

	it('honours an explicit column mapping', () => {
		const ds = parseDatasetFile('q,answer,notes\na,b,c\n', 'csv', {
			expectedColumn: 'answer',
			columnRoles: { notes: 'ignore' }
		});
		expect(ds.columns.map((c) => c.role)).toEqual(['variable', 'expected', 'ignore']);
	});

	it('reports every ragged CSV row with its row number and imports nothing', () => {
		const problems = problemsOf(() => parseDatasetFile('a,b\n1,2\n3\n4,5,6\n', 'csv'));
		expect(problems).toEqual([
			{ row: 2, column: 'b', reason: 'expected 2 fields, found 1' },
			{ row: 3, column: null, reason: 'expected 2 fields, found 3' }
		]);
	});

	it('rejects duplicate and empty CSV headers', () => {
		const problems = problemsOf(() => parseDatasetFile('a,a,\n1,2,3\n', 'csv'));
		expect(problems.map((p) => [p.column, p.reason])).toEqual([
			['a', 'duplicate column header'],
			['#3', 'empty column header']
		]);
	});

	it('rejects an empty file and a header without rows', () => {
		expect(problemsOf(() => parseDatasetFile('  \n', 'csv'))[0].reason).toBe('the file is empty');
		expect(problemsOf(() => parseDatasetFile('a,b\n', 'csv'))[0].reason).toBe(
			'the file has no data rows'
		);
	});

	it('imports a JSON array and fills missing keys with null', () => {
		const ds = parseDatasetFile('[{"q":"x","expected":"y"},{"q":"z","extra":1}]', 'json');
		expect(ds.columns.map((c) => `${c.name}:${c.role}`)).toEqual([
			'q:variable',
			'expected:expected',
			'extra:variable'
		]);
		expect(ds.rows[1].values).toEqual({ q: 'z', expected: null, extra: 1 });
	});

	it('rejects non-object JSON entries with their row number', () => {
		const problems = problemsOf(() => parseDatasetFile('[{"a":1}, 3, null, [1]]', 'json'));
		expect(problems.map((p) => `${p.row}:${p.reason}`)).toEqual([
			'2:expected an object, found a number',
			'3:expected an object, found null',
			'4:expected an object, found an array'
		]);
	});

	it('reports invalid JSON and a non-array document', () => {
		expect(problemsOf(() => parseDatasetFile('{"a":', 'json'))[0].reason).toMatch(/^invalid JSON/);
		expect(problemsOf(() => parseDatasetFile('{"a":1}', 'json'))[0].reason).toMatch(
			/expected a JSON array/
		);
	});

	it('names the bad JSONL line and skips blank lines when numbering', () => {
		const problems = problemsOf(() => parseDatasetFile('{"a":1}\n\n{"a":\n"str"\n', 'jsonl'));
		expect(problems.map((p) => p.row)).toEqual([3, 4]);
		expect(problems[0].reason).toMatch(/^invalid JSON on line 3/);
		expect(problems[1].reason).toBe('expected an object, found a string');
	});

	it('imports valid JSONL', () => {
		const ds = parseDatasetFile('{"a":1,"expected":"x"}\n{"a":2,"expected":"y"}\n', 'jsonl');
		expect(ds.rows.map((r) => r.id)).toEqual(['r1', 'r2']);
		expect(ds.rows[1].values).toEqual({ a: 2, expected: 'y' });
	});

	it('rejects a mapping that names a missing column', () => {
		const problems = problemsOf(() =>
			parseDatasetFile('a\n1\n', 'csv', { expectedColumn: 'nope' })
		);
		expect(problems[0]).toEqual({
			row: null,
			column: 'nope',
			reason: 'mapped column is not in the file'
		});
	});

	it('puts the problems into the error message', () => {
		expect(() => parseDatasetFile('a,b\n1\n', 'csv')).toThrow(
			/row 1, column "b": expected 2 fields, found 1/
		);
	});
});
