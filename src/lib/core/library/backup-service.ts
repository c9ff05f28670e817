/** @module Whole-library backup: export every record, import a validated file in one transaction. */
import { LIBRARY_FORMAT, LIBRARY_VERSION, type LibraryFile } from '../io/library-schema';
import { PromptloomError } from '../model/errors';
import type { PromptloomDb } from '../store/db';
import { guardStorage } from '../store/storage-errors';

export type ImportMode = 'merge' | 'replace';

export interface ImportSummary {
	prompts: number;
	folders: number;
	projects: number;
	versions: number;
	datasets: number;
}

function tables(db: PromptloomDb) {
	return [
		db.prompts,
		db.folders,
		db.projects,
		db.versions,
		db.branches,
		db.labels,
		db.labelEvents,
		db.datasets
	];
}

export async function exportLibrary(db: PromptloomDb, now = Date.now()): Promise<LibraryFile> {
	return guardStorage('export the library', () =>
		db.transaction('r', tables(db), async () => ({
			format: LIBRARY_FORMAT,
			version: LIBRARY_VERSION,
			exportedAt: new Date(now).toISOString(),
			prompts: await db.prompts.toArray(),
			folders: await db.folders.toArray(),
			projects: await db.projects.toArray(),
			versions: await db.versions.toArray(),
			branches: await db.branches.toArray(),
			labels: await db.labels.toArray(),
			labelEvents: await db.labelEvents.toArray(),
			datasets: await db.datasets.toArray()
		}))
	);
}

/**
 * Writes a parsed, validated library file. `replace` clears the library first; `merge` adds
 * the file's records, replacing those with the same id. Either everything is written or, on
 * any failure (a name clash, the storage quota), nothing is.
 */
export async function importLibrary(
	db: PromptloomDb,
	file: LibraryFile,
	options: { mode: ImportMode }
): Promise<ImportSummary> {
	await guardStorage('import the library', () =>
		db.transaction('rw', tables(db), async () => {
			if (options.mode === 'replace') {
				for (const t of tables(db)) await t.clear();
			} else {
				await assertNoNameClash(db, file);
			}
			await db.prompts.bulkPut(file.prompts);
			await db.folders.bulkPut(file.folders);
			await db.projects.bulkPut(file.projects);
			await db.versions.bulkPut(file.versions);
			await db.branches.bulkPut(file.branches);
			await db.labels.bulkPut(file.labels);
			await db.labelEvents.bulkPut(file.labelEvents);
			await db.datasets.bulkPut(file.datasets);
		})
	);
	return {
		prompts: file.prompts.length,
		folders: file.folders.length,
		projects: file.projects.length,
		versions: file.versions.length,
		datasets: file.datasets.length
	};
}

async function assertNoNameClash(db: PromptloomDb, file: LibraryFile): Promise<void> {
	const incoming = new Map(
		file.prompts.filter((p) => p.deletedAt === null).map((p) => [p.name, p.id])
	);
	const clashes: string[] = [];
	await db.prompts.each((p) => {
		if (p.deletedAt !== null) return;
		const id = incoming.get(p.name);
		if (id !== undefined && id !== p.id) clashes.push(p.name);
	});
	if (clashes.length)
		throw new PromptloomError(
			'import',
			`Nothing was imported: ${clashes.length} prompt name(s) already exist in this library with a different id (${clashes.slice(0, 10).join(', ')}${clashes.length > 10 ? ', …' : ''}). Rename them, or import with "replace".`
		);
}
