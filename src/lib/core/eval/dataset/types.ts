/** @module Dataset shape: named columns with a role, rows of values keyed by column name. */

export type ColumnRole = 'variable' | 'expected' | 'ignore';

export interface DatasetColumn {
	name: string;
	role: ColumnRole;
}

export interface DatasetRow {
	id: string;
	values: Record<string, unknown>;
}

export interface Dataset {
	id: string;
	name: string;
	columns: DatasetColumn[];
	rows: DatasetRow[];
}

/** Column names recognised as the expected output when no mapping is given. */
export const EXPECTED_COLUMN_NAMES = ['__expected', 'expected', 'expected_output'] as const;
