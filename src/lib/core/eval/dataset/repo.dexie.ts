/** @module Datasets in the library's `datasets` table: import, validated reads, edits, delete. */
import { z } from '../../model/zod';
import { parseDatasetFile, type DatasetFormat, type ParseDatasetOptions } from './parse';
import type { Dataset } from './types';
import { PromptloomError } from '../../model/errors';
import type { DatasetRecord, PromptloomDb } from '../../store/db';
import { guardStorage } from '../../store/storage-errors';

const datasetSchema = z.object({
	id: z.string().min(1),
	name: z.string().min(1, 'dataset name is empty').max(200),
	columns: z.array(
		z.object({ name: z.string().min(1), role: z.enum(['variable', 'expected', 'ignore']) })
	),
	rows: z.array(z.object({ id: z.string().min(1), values: z.record(z.string(), z.unknown()) })),
	createdAt: z.number().optional(),
	updatedAt: z.number().optional()
});

/** A dataset as the app stores it: the evaluation shape plus timestamps. */
export type StoredDataset = Dataset & { createdAt: number; updatedAt: number };

/** Summary for lists (no rows). */
export interface DatasetSummary {
	id: string;
	name: string;
	rows: number;
	columns: string[];
	updatedAt: number;
}

/**
 * Validates a stored record. Records imported from older backups may hold plain row objects
 * (`rows: [{text: 'hi'}]`): those are upgraded to `{id, values}` rows with variable columns.
 */
export function datasetFromRecord(rec: DatasetRecord): StoredDataset {
	let data: unknown = rec;
	const rows = (rec as { rows?: unknown }).rows;
	if ((rec as { columns?: unknown }).columns === undefined && Array.isArray(rows)) {
		const names = [
			...new Set(rows.flatMap((r) => (r && typeof r === 'object' ? Object.keys(r) : [])))
		];
		data = {
			...rec,
			columns: names.map((name) => ({ name, role: name === 'expected' ? 'expected' : 'variable' })),
			rows: rows.map((values, i) => ({ id: `r${i + 1}`, values }))
		};
	}
	const parsed = datasetSchema.safeParse(data);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		throw new PromptloomError(
			'validation',
			`dataset "${rec.name}" is damaged: ${issue.path.join('.')}: ${issue.message}`
		);
	}
	const d = parsed.data;
	return { ...d, createdAt: d.createdAt ?? 0, updatedAt: d.updatedAt ?? 0 } as StoredDataset;
}

export class DatasetRepository {
	readonly #db: PromptloomDb;
	readonly #now: () => number;
	constructor(db: PromptloomDb, now: () => number = Date.now) {
		this.#db = db;
		this.#now = now;
	}

	async list(): Promise<DatasetSummary[]> {
		const all = await this.#db.datasets.toArray();
		return all
			.flatMap((rec) => {
				try {
					const d = datasetFromRecord(rec);
					return [
						{
							id: d.id,
							name: d.name,
							rows: d.rows.length,
							columns: d.columns.map((c) => c.name),
							updatedAt: d.updatedAt
						}
					];
				} catch {
					return [];
				}
			})
			.sort((a, b) => a.name.localeCompare(b.name));
	}

	async get(id: string): Promise<StoredDataset> {
		const rec = await this.#db.datasets.get(id);
		if (!rec) throw new PromptloomError('not_found', `no dataset with id "${id}"`);
		return datasetFromRecord(rec);
	}

	/**
	 * Parses a file and stores it as a new dataset; on any problem nothing is stored and the
	 * `DatasetImportError` lists every problem (row, column, reason).
	 */
	async importText(
		text: string,
		format: DatasetFormat,
		options: ParseDatasetOptions & { name: string }
	): Promise<StoredDataset> {
		const ds = parseDatasetFile(text, format, options);
		return this.save(ds, { create: true });
	}

	/** Validates and writes a dataset (after inline edits); returns what was stored. */
	async save(ds: Dataset, opts: { create?: boolean } = {}): Promise<StoredDataset> {
		const now = this.#now();
		const prev = opts.create ? undefined : await this.#db.datasets.get(ds.id);
		if (!opts.create && !prev)
			throw new PromptloomError('not_found', `no dataset with id "${ds.id}"`);
		const stored = datasetFromRecord({
			...(ds as unknown as DatasetRecord),
			name: ds.name.trim(),
			createdAt: (prev?.createdAt as number | undefined) ?? now,
			updatedAt: now
		});
		await guardStorage('save the dataset', () =>
			this.#db.datasets.put(stored as unknown as DatasetRecord)
		);
		return stored;
	}

	async remove(id: string): Promise<void> {
		await this.#db.datasets.delete(id);
	}
}

export type { DatasetFormat };

/** The format of a file from its name (`.csv`, `.json`, `.jsonl`/`.ndjson`). */
export function formatOfFileName(name: string): DatasetFormat | null {
	const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
	if (ext === 'csv' || ext === 'tsv') return 'csv';
	if (ext === 'json') return 'json';
	if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl';
	return null;
}
