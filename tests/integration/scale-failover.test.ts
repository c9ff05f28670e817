import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { signToken } from '../../sync-server/src/auth/token';
import { openPostgres } from '../../sync-server/src/scale/postgres';
import {
	allSynced,
	collectRelayErrors,
	connectClient,
	waitFor,
	type TestClient
} from '../../sync-server/testing/harness';
import { connectRawPeer, type RawPeer } from '../../sync-server/testing/raw-peer';
import { startCluster } from '../support/scale-services';
import { startTcpBalancer, type TcpBalancer } from '../support/tcp-balancer';

let cluster: Awaited<ReturnType<typeof startCluster>>;
let balancer: TcpBalancer;
let token: string;
const closers: Array<() => void> = [];
const hostOf = (url: string) => url.replace(/^\w+:\/\//, '');

function client(wsUrl: string, room: string): TestClient {
	const c = connectClient(wsUrl, room, token);
	closers.push(() => c.destroy());
	return c;
}

/** A writer that records how far the relay acknowledged its own updates (their echo). */
function ackedWriter(wsUrl: string, room: string) {
	const doc = new Y.Doc();
	let acked = 0;
	const peer: RawPeer = connectRawPeer(`${wsUrl}/${room}?token=${encodeURIComponent(token)}`, {
		doc,
		observe: (update) => {
			acked = Math.max(acked, Y.parseUpdateMeta(update).to.get(doc.clientID) ?? 0);
		}
	});
	closers.push(() => peer.close());
	return { doc, peer, acked: () => acked };
}

const health = (url: string) =>
	fetch(`${url}/healthz`).then((r) => r.json() as Promise<Record<string, unknown>>);

beforeAll(async () => {
	cluster = await startCluster(3);
	balancer = await startTcpBalancer(cluster.relays.map((r) => hostOf(r.url)));
	const pg = await openPostgres(cluster.postgres.url, { max: 1 });
	token = await signToken(pg.secret, { workspace: 'fo', role: 'editor', user: 'e' });
	await pg.close();
}, 60_000);

afterAll(async () => {
	for (const close of closers) close();
	await balancer?.close();
	await cluster?.stop();
});

describe('relay instances failing', () => {
	it('kill -9 of one instance in an edit storm: its clients reconnect to another and nothing acknowledged is lost', async () => {
		const writers = [0, 1, 2, 0, 1, 2].map((i) => ackedWriter(cluster.relays[i].wsUrl, 'fo/storm'));
		await Promise.all(writers.map((w) => w.peer.synced));
		const viaBalancer = Array.from({ length: 9 }, () => client(balancer.wsUrl, 'fo/storm'));
		await allSynced(...viaBalancer);

		const victim = cluster.relays[0];
		let killed = false;
		for (let round = 0; round < 60; round++) {
			for (const [i, w] of writers.entries())
				if (!(killed && i % 3 === 0)) w.doc.getArray<string>('w').push([`w${i}-${round}`]);
			viaBalancer.forEach((c, i) => c.doc.getArray<string>('lb').push([`lb${i}-${round}`]));
			if (round === 30) {
				await victim.kill();
				killed = true;
			}
			await new Promise((r) => setTimeout(r, 10));
		}
		const survivors = writers.filter((_, i) => i % 3 !== 0);
		await waitFor(
			() => survivors.every((w) => w.acked() === Y.getState(w.doc.store, w.doc.clientID)),
			'acknowledgement of every write on the live instances'
		);
		// Every client that was on the killed instance is back, through the balancer, elsewhere.
		await waitFor(
			() => viaBalancer.every((c) => c.provider.wsconnected && c.provider.synced),
			'balancer clients reconnected',
			15_000
		);
		await waitFor(
			() => viaBalancer.every((c) => c.doc.getArray('lb').length === 9 * 60),
			'every balancer client holds every balancer edit',
			15_000
		);
		const reader = client(cluster.relays[1].wsUrl, 'fo/storm');
		await allSynced(reader);
		await waitFor(
			() => writers.every((w) => Y.getState(reader.doc.store, w.doc.clientID) >= w.acked()),
			'every acknowledged update of every writer is stored',
			15_000
		);
		for (const w of writers) {
			expect(w.acked()).toBeGreaterThan(0);
			expect(Y.getState(reader.doc.store, w.doc.clientID)).toBeGreaterThanOrEqual(w.acked());
		}
		expect(reader.doc.getArray('lb').length).toBe(9 * 60);
		cluster.relays[0] = await cluster.startRelay();
		balancer.backends[0] = hostOf(cluster.relays[0].url);
	}, 90_000);

	it('restarting all three instances keeps every document intact', async () => {
		const writer = client(cluster.relays[2].wsUrl, 'fo/restart');
		await allSynced(writer);
		for (let i = 0; i < 200; i++) writer.doc.getArray<number>('n').push([i]);
		writer.doc.getText('t').insert(0, 'survives a full restart');
		const expected = Y.encodeStateVector(writer.doc);
		const before = await connectAndRead(cluster.relays[0].wsUrl, 'fo/storm');
		await waitFor(async () => {
			const copy = await connectAndRead(cluster.relays[1].wsUrl, 'fo/restart');
			return copy.getArray('n').length === 200;
		}, 'the writes are stored');
		writer.destroy();
		await Promise.all(cluster.relays.map((r) => r.kill()));
		cluster.relays = await Promise.all(cluster.relays.map(() => cluster.startRelay()));
		for (const r of cluster.relays) {
			const doc = await connectAndRead(r.wsUrl, 'fo/restart');
			expect(doc.getArray('n').toArray()).toEqual([...Array(200).keys()]);
			expect(doc.getText('t').toString()).toBe('survives a full restart');
			expect(Y.encodeStateVector(doc)).toEqual(expected);
			const storm = await connectAndRead(r.wsUrl, 'fo/storm');
			expect(storm.getArray('lb').toJSON()).toEqual(before.getArray('lb').toJSON());
			expect(storm.getArray('w').toJSON()).toEqual(before.getArray('w').toJSON());
		}
	}, 90_000);

	it('Redis down: instances serve their own clients, report degraded fan-out, and catch up from PostgreSQL when it is back', async () => {
		const [r0, r1] = cluster.relays;
		const a = client(r0.wsUrl, 'fo/redis');
		const a2 = client(r0.wsUrl, 'fo/redis');
		const b = client(r1.wsUrl, 'fo/redis');
		await allSynced(a, a2, b);
		await cluster.redis.kill();
		await waitFor(async () => (await health(r0.url)).fanout === 'degraded', 'degraded in /healthz');
		a.doc.getText('t').insert(0, 'written while Redis was down');
		await waitFor(
			() => a2.doc.getText('t').toString() === 'written while Redis was down',
			'a client of the same instance still receives'
		);
		expect(b.doc.getText('t').toString()).toBe('');
		await cluster.redis.start();
		await waitFor(async () => (await health(r0.url)).fanout === 'ok', 'fan-out restored', 10_000);
		await waitFor(
			() => b.doc.getText('t').toString() === 'written while Redis was down',
			'the other instance caught up from PostgreSQL',
			10_000
		);
		b.doc.getText('t').insert(0, '> ');
		await waitFor(
			() => a.doc.getText('t').toString() === '> written while Redis was down',
			'fan-out works again'
		);
	}, 60_000);

	it('PostgreSQL down: writes are refused with a clear error, open documents stay readable, refused edits arrive once it is back', async () => {
		const r = cluster.relays[1];
		const writer = client(r.wsUrl, 'fo/pg');
		const reader = client(r.wsUrl, 'fo/pg');
		await allSynced(writer, reader);
		writer.doc.getText('t').insert(0, 'stored.');
		await waitFor(() => reader.doc.getText('t').toString() === 'stored.', 'first edit');
		const errors = collectRelayErrors(writer);
		await cluster.postgres.kill();
		await waitFor(
			async () => (await fetch(`${r.url}/readyz`)).status === 503,
			'not ready without storage'
		);
		writer.doc.getText('t').insert(7, ' refused.');
		await waitFor(() => errors.length > 0, 'the writer is told');
		expect(errors[0]).toMatchObject({ code: 'rejected_update', room: 'fo/pg' });
		expect(errors[0].message).toMatch(/PostgreSQL\) is unreachable: this edit was not stored/);
		expect(reader.doc.getText('t').toString()).toBe('stored.');
		expect(reader.provider.wsconnected).toBe(true);
		expect((await health(r.url)).ok).toBe(true);

		await cluster.postgres.start();
		await waitFor(
			() => reader.doc.getText('t').toString() === 'stored. refused.',
			'the refused edit, re-sent after reconnecting, reaches the reader',
			15_000
		);
		const copy = await connectAndRead(cluster.relays[2].wsUrl, 'fo/pg');
		expect(copy.getText('t').toString()).toBe('stored. refused.');
	}, 60_000);
});

/** The document as a fresh client of `wsUrl` receives it. */
async function connectAndRead(wsUrl: string, room: string): Promise<Y.Doc> {
	const c = connectClient(wsUrl, room, token);
	try {
		await allSynced(c);
		const copy = new Y.Doc();
		Y.applyUpdate(copy, Y.encodeStateAsUpdate(c.doc));
		return copy;
	} finally {
		c.destroy();
	}
}
