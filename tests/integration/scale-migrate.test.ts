import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ApiKeyStore } from '../../sync-server/src/api/keys';
import { runRelayCli } from '../../sync-server/src/cli';
import { enrollFromCli } from '../../sync-server/src/collab/registry';
import { startRelay, type RelayHandle } from '../../sync-server/src/relay';
import { MIGRATIONS } from '../../sync-server/src/scale/pg-migrations';
import { openPostgres } from '../../sync-server/src/scale/postgres';
import {
	allSynced,
	connectClient,
	makeDataDir,
	removeDataDir,
	startTestRelay,
	waitFor
} from '../../sync-server/testing/harness';
import { connectRawPeer } from '../../sync-server/testing/raw-peer';
import { startPostgres, type PostgresServer } from '../support/scale-services';

let postgres: PostgresServer;
const dirs: string[] = [];
const handles: RelayHandle[] = [];

beforeAll(async () => {
	postgres = await startPostgres();
}, 60_000);

afterAll(async () => {
	for (const h of handles) await h.close();
	for (const d of dirs) await removeDataDir(d);
	await postgres?.stop();
});

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
	let out = '';
	let err = '';
	const code = await runRelayCli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
	return { code, out, err };
}

describe('relay migrate and a relay on PostgreSQL', () => {
	it('moves an embedded relay to PostgreSQL: documents (state vectors verified), members, API keys and tokens keep working', async () => {
		const embedded = await startTestRelay(undefined, { compactAfterUpdates: 3 });
		dirs.push(embedded.dataDir);
		await enrollFromCli(embedded.dataDir, 'team', 'olga', 'owner');
		await enrollFromCli(embedded.dataDir, 'team', 'ed', 'editor');
		const ed = await embedded.token('team', 'editor', 'ed');
		const a = connectClient(embedded.relay.wsUrl, 'team/doc1', ed);
		const b = connectClient(embedded.relay.wsUrl, 'team/doc2', ed);
		await allSynced(a, b);
		for (let i = 0; i < 50; i++) a.doc.getArray<number>('n').push([i]);
		b.doc.getText('t').insert(0, 'second document');
		const expected = [Y.encodeStateVector(a.doc), Y.encodeStateVector(b.doc)];
		await waitFor(() => embedded.relay.stats().rooms === 2, 'rooms open');
		a.destroy();
		b.destroy();
		const key = await cli(
			'apikey',
			'create',
			'--data',
			embedded.dataDir,
			'--workspace',
			'team',
			'--json'
		);
		expect(key.code).toBe(0);
		await embedded.relay.close();

		const migrated = await cli('migrate', '--from', embedded.dataDir, '--postgres', postgres.url);
		expect(migrated).toMatchObject({ code: 0, err: '' });
		expect(migrated.out).toMatch(
			/^migrated 2 documents to postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres \(2 state vectors verified\), 1 member registries, 1 API keys, the token secret/
		);
		// Twice is harmless.
		expect(
			(await cli('migrate', '--from', embedded.dataDir, '--postgres', postgres.url)).code
		).toBe(0);

		const dataDir = await makeDataDir();
		dirs.push(dataDir);
		const relay = await startRelay({ port: 0, dataDir, postgres: postgres.url });
		handles.push(relay);
		// The token issued by the embedded relay is accepted: the secret moved with the data.
		const c1 = connectClient(relay.wsUrl, 'team/doc1', ed);
		const c2 = connectClient(relay.wsUrl, 'team/doc2', ed);
		await allSynced(c1, c2);
		expect(c1.doc.getArray('n').toArray()).toEqual([...Array(50).keys()]);
		expect(c2.doc.getText('t').toString()).toBe('second document');
		expect([Y.encodeStateVector(c1.doc), Y.encodeStateVector(c2.doc)]).toEqual(expected);
		c1.destroy();
		c2.destroy();
		const { secretKey } = JSON.parse(key.out) as { secretKey: string };
		const members = await fetch(`${relay.url}/api/workspaces/team/members`, {
			headers: { authorization: `Bearer ${ed}` }
		});
		expect(members.status).toBe(200);
		const listed = await fetch(`${relay.url}/v1/prompts`, {
			headers: { authorization: `Bearer ${secretKey}` }
		});
		expect(listed.status).toBe(200);
	}, 60_000);

	it('creates the schema once with versioned migrations, acknowledges an edit only once PostgreSQL committed it, and compacts the log in the background', async () => {
		const pg = await openPostgres(postgres.url, { max: 2 });
		try {
			const { rows } = await pg.pool.query<{ version: number }>(
				'SELECT version FROM promptloom_migrations ORDER BY version'
			);
			expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));

			const dataDir = await makeDataDir();
			dirs.push(dataDir);
			const relay = await startRelay({
				port: 0,
				dataDir,
				postgres: postgres.url,
				config: { compactAfterUpdates: 5, persistBatchMs: 0 }
			});
			handles.push(relay);
			const { signToken } = await import('../../sync-server/src/auth/token');
			const token = await signToken(pg.secret, { workspace: 'c', role: 'editor', user: 'w' });
			// The writer only observes what comes back: its own structs return as the acknowledgement.
			const doc = new Y.Doc();
			let acked = 0;
			const w = connectRawPeer(`${relay.wsUrl}/c/log?token=${encodeURIComponent(token)}`, {
				doc,
				observe: (u) => (acked = Math.max(acked, Y.parseUpdateMeta(u).to.get(doc.clientID) ?? 0))
			});
			await w.synced;
			for (let i = 0; i < 40; i++) {
				doc.getArray<number>('n').push([i]);
				await new Promise((r) => setTimeout(r, 5));
			}
			await waitFor(() => acked === 40, 'every edit acknowledged');
			// Acknowledged means committed: PostgreSQL has all of it at that moment.
			const committed = new Y.Doc();
			Y.applyUpdate(committed, await pg.store.load('c/log'));
			expect(committed.getArray('n').length).toBe(40);
			w.close();
			// After the room closes, its log is compacted into one row.
			await waitFor(async () => (await pg.store.rowCount('c/log')) === 1, 'compacted to one row');
			const stored = new Y.Doc();
			Y.applyUpdate(stored, await pg.store.load('c/log'));
			expect(stored.getArray('n').toArray()).toEqual([...Array(40).keys()]);

			expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
			const metrics = await (await fetch(`${relay.url}/metrics`)).text();
			expect(metrics).toMatch(/^promptloom_updates_stored_total [1-9]\d*$/m);
			expect(metrics).toMatch(/^promptloom_storage_write_seconds_count [1-9]\d*$/m);
			expect(metrics).toMatch(/^promptloom_http_requests_total\{method="GET",status="200"\} \d+$/m);
			expect(metrics).toContain('# TYPE promptloom_connections gauge');
		} finally {
			await pg.close();
		}
	}, 60_000);

	it('relay token takes PostgreSQL from PROMPTLOOM_POSTGRES_URL and signs with the shared secret', async () => {
		process.env.PROMPTLOOM_POSTGRES_URL = postgres.url;
		let r: Awaited<ReturnType<typeof cli>>;
		try {
			r = await cli('token', '--workspace', 'envws', '--role', 'editor', '--user', 'eve');
		} finally {
			delete process.env.PROMPTLOOM_POSTGRES_URL;
		}
		expect(r.code).toBe(0);
		const pg = await openPostgres(postgres.url, { max: 1 });
		try {
			const { verifyToken } = await import('../../sync-server/src/auth/token');
			const check = await verifyToken(pg.secret, r.out.trim());
			expect(check).toMatchObject({ ok: true, claims: { workspace: 'envws', user: 'eve' } });
			// The first user of a new workspace became its owner, in the shared registry.
			const { readRegistryFile } = await import('../../sync-server/src/collab/registry');
			expect((await readRegistryFile(pg.blobs, 'envws')).members).toMatchObject([
				{ user: 'eve', role: 'owner' }
			]);
		} finally {
			await pg.close();
		}
	});

	it('keys and members written at once through two instances are all kept (conditional writes)', async () => {
		const [one, two] = await Promise.all([
			openPostgres(postgres.url, { max: 4 }),
			openPostgres(postgres.url, { max: 4 })
		]);
		try {
			const stores = [new ApiKeyStore(one.blobs), new ApiKeyStore(two.blobs)];
			await Promise.all(
				Array.from({ length: 12 }, (_, i) =>
					stores[i % 2].create({ workspace: 'race', scope: 'read', name: `k${i}`, createdBy: 't' })
				)
			);
			expect((await new ApiKeyStore(one.blobs).list('race')).map((k) => k.name).sort()).toEqual(
				Array.from({ length: 12 }, (_, i) => `k${i}`).sort()
			);
			const users = Array.from({ length: 8 }, (_, i) => `user${i}`);
			await Promise.all(
				users.map((u, i) => enrollFromCli(i % 2 ? one.blobs : two.blobs, 'race', u, 'editor'))
			);
			const { readRegistryFile } = await import('../../sync-server/src/collab/registry');
			const members = (await readRegistryFile(one.blobs, 'race')).members.map((m) => m.user);
			expect(members.sort()).toEqual(users);
		} finally {
			await Promise.all([one.close(), two.close()]);
		}
	});

	it('answers with exit 2 and the usage for a bad migrate command line', async () => {
		const r = await cli('migrate', '--postgres', postgres.url);
		expect(r.code).toBe(2);
		expect(r.err).toMatch(
			/--from is required[\s\S]*relay migrate --from <data dir> --postgres <url>/
		);
	});
});
