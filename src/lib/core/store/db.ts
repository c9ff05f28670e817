/** @module Dexie schema and migrations of the local database. */
import Dexie, { type EntityTable, type Table } from 'dexie';
import type { Folder, Project, Prompt } from '../model/prompt';
import type { Branch, Label, LabelEvent, Version } from '../model/version';
import type { EmbeddingRecord } from '../search/embeddings/embedding-record';
import type { EncryptedKeyRecord } from '../providers/key-vault';
import type { StoredDeviceKey, StoredProviderConfig } from '../providers/records';
import type { PlaygroundRun } from '../playground/types';
import type { AuditEntry, AuditKeyRecord, AuditStateRecord } from '../security/audit/types';
import type { CommentRecord, ReviewRequest } from '../collab/types';

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

/** Evaluation records as stored; their full schema belongs to `core/eval`. */
export interface EvalRunRecord {
	id: string;
	createdAt: number;
	status: string;
	[key: string]: unknown;
}

export interface EvalResultRecord {
	id: string;
	runId: string;
	versionId: string;
	[key: string]: unknown;
}

export interface EvalCacheRecord {
	key: string;
	value: unknown;
	createdAt: number;
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
	/** Evaluation runs (local-only): status, progress and the plan needed to resume. */
	evalRuns: EntityTable<EvalRunRecord, 'id'>;
	/** One result per case of a run; indexed by version for the history view. */
	evalResults: EntityTable<EvalResultRecord, 'id'>;
	/** Model responses by cache key, so a rerun costs nothing. */
	evalCache: EntityTable<EvalCacheRecord, 'key'>;
	/** Configured LLM providers (no secrets). */
	providerConfigs: EntityTable<StoredProviderConfig, 'id'>;
	/** API keys, AES-GCM encrypted by the key vault; local only, never synced or exported. */
	providerKeys: EntityTable<EncryptedKeyRecord, 'id'>;
	/** This device's non-extractable AES key (a CryptoKey stored as is). */
	deviceKeys: EntityTable<StoredDeviceKey, 'id'>;
	/** Playground runs, each saved to its prompt's history. */
	playgroundRuns: EntityTable<PlaygroundRun, 'id'>;
	/** Local cache of prompt embeddings, one per prompt and model (see search/embeddings). */
	embeddings: Table<EmbeddingRecord, [string, string]>;
	/** Tamper-evident audit log: hash-chained, signed entries keyed by `seq`. */
	audit: EntityTable<AuditEntry, 'seq'>;
	/** Workspace key registry: public device keys that sign audit entries. */
	auditKeys: EntityTable<AuditKeyRecord, 'keyId'>;
	/** Recorded chain head and this device's non-extractable signing key. */
	auditState: EntityTable<AuditStateRecord, 'id'>;
	/** Review requests for protected label moves (personal workspace; shared ones live on the relay). */
	reviews: EntityTable<ReviewRequest, 'id'>;
	/** Comments on prompts and versions (personal workspace). */
	comments: EntityTable<CommentRecord, 'id'>;
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
		datasets: 'id, name',
		evalRuns: 'id, createdAt, status',
		evalResults: 'id, runId, versionId',
		evalCache: 'key',
		providerConfigs: 'id',
		providerKeys: 'id',
		deviceKeys: 'id',
		playgroundRuns: 'id, promptId, [promptId+createdAt]',
		embeddings: '[promptId+model], promptId, model',
		audit: 'seq, target, action, at',
		auditKeys: 'keyId',
		auditState: 'id',
		reviews: 'id, promptId, status, createdAt',
		comments: 'id, promptId, createdAt'
	});
	return db;
}
