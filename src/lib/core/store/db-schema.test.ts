import { describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { SCHEMA_VERSION, createDatabase } from './db';

/**
 * The schema as shipped at SCHEMA_VERSION. A change to any table or index must come with a new
 * `db.version(n)` block (and an upgrade function when data moves), a bumped SCHEMA_VERSION and an
 * updated snapshot here: browsers keep databases opened by older releases.
 */
const SHIPPED: Record<number, Record<string, string>> = {
	1: {
		audit: 'seq, target, action, at',
		auditKeys: 'keyId',
		auditState: 'id',
		branches: '[promptId+name], promptId',
		comments: 'id, promptId, createdAt',
		datasets: 'id, name',
		deviceKeys: 'id',
		embeddings: '[promptId+model], promptId, model',
		evalCache: 'key',
		evalResults: 'id, runId, versionId',
		evalRuns: 'id, createdAt, status',
		folders: 'id, parentId',
		labelEvents: 'id, promptId, [promptId+at]',
		labels: '[promptId+name], promptId, versionId',
		playgroundRuns: 'id, promptId, [promptId+createdAt]',
		projects: 'id',
		prompts: 'id, name, folderId, projectId, updatedAt, deletedAt, *tags, author',
		providerConfigs: 'id',
		providerKeys: 'id',
		reviews: 'id, promptId, status, createdAt',
		settings: 'key',
		versions: 'id, promptId, [promptId+createdAt]'
	}
};

function describeSchema(db: ReturnType<typeof createDatabase>): Record<string, string> {
	const entries = db.tables
		.map((t) => [t.name, [t.schema.primKey.src, ...t.schema.indexes.map((i) => i.src)].join(', ')])
		.sort(([a], [b]) => a.localeCompare(b));
	return Object.fromEntries(entries);
}

describe('database schema', () => {
	it('matches the snapshot of its version (bump the version when it changes)', async () => {
		const db = createDatabase({ name: 'schema', indexedDB: new IDBFactory(), IDBKeyRange });
		await db.open();
		expect(db.verno).toBe(SCHEMA_VERSION);
		expect(describeSchema(db)).toEqual(SHIPPED[SCHEMA_VERSION]);
		db.close();
	});

	it('reopens a database written by this version without losing data', async () => {
		const indexedDB = new IDBFactory();
		const first = createDatabase({ name: 'reopen', indexedDB, IDBKeyRange });
		await first.settings.put({ key: 'k', value: 42 });
		first.close();
		const again = createDatabase({ name: 'reopen', indexedDB, IDBKeyRange });
		expect((await again.settings.get('k'))?.value).toBe(42);
		again.close();
	});
});
