/** @module Wires the core services together over one database; the UI holds one instance. */
import { EventBus, type DomainEvents } from './events';
import { LibraryService } from './library/library-service';
import { createDatabase, type OpenDatabaseOptions, type PromptloomDb } from './store/db';
import { guardStorage } from './store/storage-errors';
import { FullTextIndex } from './search/full-text-index';
import { exportLibrary, importLibrary, type ImportMode, type ImportSummary } from './library/backup-service';
import { parseLibrary, serializeLibrary } from './io/library-file';
import type { LibraryTextFormat } from './io/text-format';

export interface BackupApi {
	/** The whole library as a backup file's text. */
	exportText(format: LibraryTextFormat): Promise<string>;
	/** Validates the whole file, then writes all of it or nothing. */
	importText(text: string, mode: ImportMode, format?: LibraryTextFormat | 'auto'): Promise<ImportSummary>;
}

export interface AppCore {
	db: PromptloomDb;
	events: EventBus<DomainEvents>;
	library: LibraryService;
	search: FullTextIndex;
	backup: BackupApi;
	close(): void;
}

export interface AppCoreOptions extends OpenDatabaseOptions {
	author?: () => string;
	now?: () => number;
	/** Called when another tab needs a newer schema and this one must let go. */
	onVersionChange?: () => void;
}

/** Opens the local database, builds the search index and keeps it current. */
export async function openAppCore(options: AppCoreOptions = {}): Promise<AppCore> {
	const db = createDatabase(options);
	db.on('versionchange', () => {
		db.close();
		options.onVersionChange?.();
		return false;
	});
	await guardStorage('open the local database', () => db.open());
	const events = new EventBus<DomainEvents>();
	const library = new LibraryService({ db, events, author: options.author, now: options.now });
	const search = new FullTextIndex();
	search.rebuild(await library.listPrompts(), await library.listFolders());

	events.on('prompts:changed', ({ upserted, removed }) => {
		for (const p of upserted) search.upsert(p);
		for (const id of removed) search.remove(id);
	});
	events.on('folders:changed', ({ upserted, removed }) => search.updateFolders(upserted, removed));
	const backup: BackupApi = {
		exportText: async (format) => serializeLibrary(await exportLibrary(db), format),
		importText: async (text, mode, format = 'auto') => {
			const file = parseLibrary(text, format);
			const summary = await importLibrary(db, file, { mode });
			library.undoStack.clear();
			search.rebuild(await library.listPrompts(), await library.listFolders());
			events.emit('library:replaced', {});
			return summary;
		}
	};
	return { db, events, library, search, backup, close: () => db.close() };
}
