/** @module Dexie schema and migrations of the local database. */
import Dexie, { type EntityTable, type Table } from 'dexie';
import type { Folder, Project, Prompt } from '../model/prompt';
import type { Branch, Label, LabelEvent, Version } from '../model/version';

export interface SettingRecord {
	key: string;
	value: unknown;
}

/** Dataset records as stored; their full schema belongs to the evaluation module. */
export interface DatasetRecord {
	id: string;
	name: string;
	[key: string]: unknown;
}

export type PromptloomDb = Dexie & {
	prompts: EntityTable<Prompt, 'id'>;
	folders: EntityTable<Folder, 'id'>;
	projects: EntityTable<Project, 'id'>;
	versions: EntityTable<Version, 'id'>;
	branches: Table<Branch, [string, string]>;
	labels: Table<Label, [string, string]>;
	labelEvents: EntityTable<LabelEvent, 'id'>;
	settings: EntityTable<SettingRecord, 'key'>;
	datasets: EntityTable<DatasetRecord, 'id'>;
};

export interface OpenDatabaseOptions {
	name?: string;
	/** Injected in Node tests (fake-indexeddb); the browser uses its globals. */
	indexedDB?: IDBFactory;
	IDBKeyRange?: typeof IDBKeyRange;
}

/** Current schema version; bump it with a new `db.version(n)` block below and a migration test. */
export const SCHEMA_VERSION = 1;

export function createDatabase(options: OpenDatabaseOptions = {}): PromptloomDb {
	// Only pass the factories when injected: an explicit `undefined` would hide the browser's own.
	const injected = options.indexedDB
		? { indexedDB: options.indexedDB, IDBKeyRange: options.IDBKeyRange }
		: {};
	const db = new Dexie(options.name ?? 'promptloom', injected) as PromptloomDb;
	db.version(1).stores({
		prompts: 'id, name, folderId, projectId, updatedAt, deletedAt, *tags, author',
		folders: 'id, parentId',
		projects: 'id',
		versions: 'id, promptId, [promptId+createdAt]',
		branches: '[promptId+name], promptId',
		labels: '[promptId+name], promptId, versionId',
		labelEvents: 'id, promptId, [promptId+at]',
		settings: 'key',
		datasets: 'id, name'
	});
	return db;
}
