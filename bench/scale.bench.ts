/**
 * @module Benchmarks of the relay on several instances (PostgreSQL + Redis, three relay
 * processes, as `tests/support/scale-services.ts` starts them). Prints figures; never asserts.
 *
 * - `scale.fanout_p99_ms_3x200`: 200 light peers spread over 3 instances on one document, one
 *   writer editing every 20 ms; an edit's latency runs from its send until the last of the
 *   other 199 peers has it (so it includes the PostgreSQL commit and the Redis hop for the
 *   peers on the other two instances); p99 over the edits.
 * - `scale.updates_per_s`: 30 writers (10 per instance, one document each), each keeping at
 *   most 64 updates unacknowledged, for 5 s: updates acknowledged (stored in PostgreSQL) per
 *   second, all instances together.
 * - `scale.rss_mb_per_1k_idle_clients`: growth of the three relays' RSS with 600 idle synced
 *   clients (200 per instance, 60 documents), per 1,000 clients.
 * Figures of a 2-core machine shared with other work: PostgreSQL, Redis, the relays and the
 * clients all compete for the same cores.
 */
import { readFile } from 'node:fs/promises';
import * as Y from 'yjs';
import { signToken } from '../sync-server/src/auth/token';
import { openPostgres } from '../sync-server/src/scale/postgres';
import { connectRawPeer, type RawPeer } from '../sync-server/testing/raw-peer';
import { startCluster } from '../tests/support/scale-services';
import { percentile } from './stats';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function rssMb(pid: number): Promise<number> {
	const status = await readFile(`/proc/${pid}/status`, 'utf8');
	return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

export async function run(): Promise<Record<string, number>> {
	const cluster = await startCluster(3);
	const peers: RawPeer[] = [];
	try {
		const pg = await openPostgres(cluster.postgres.url, { max: 1 });
		const secret = pg.secret;
		await pg.close();
		let n = 0;
		const token = () => signToken(secret, { workspace: 'bench', role: 'editor', user: `u${n++}` });
		const url = async (i: number, room: string) =>
			`${cluster.relays[i % 3].wsUrl}/bench/${room}?token=${encodeURIComponent(await token())}`;

		// ---- fan-out: 200 peers over 3 instances, one writer --------------------------------
		const CLIENTS = 200;
		const EDITS = 100;
		const writerDoc = new Y.Doc();
		const sentAt = new Map<number, number>();
		const seenBy = new Map<number, number>();
		const latencies: number[] = [];
		const writer = connectRawPeer(await url(0, 'fanout'), { doc: writerDoc, observe: () => {} });
		peers.push(writer);
		for (let i = 1; i < CLIENTS; i++) {
			let last = 0;
			const peer = connectRawPeer(await url(i, 'fanout'), {
				observe: (update) => {
					const end = Y.parseUpdateMeta(update).to.get(writerDoc.clientID) ?? 0;
					for (let clock = last + 1; clock <= end; clock++) {
						const seen = (seenBy.get(clock) ?? 0) + 1;
						seenBy.set(clock, seen);
						if (seen === CLIENTS - 1) latencies.push(performance.now() - sentAt.get(clock)!);
					}
					last = Math.max(last, end);
				}
			});
			peers.push(peer);
		}
		await Promise.all(peers.map((p) => p.synced));
		await sleep(500);
		const items = writerDoc.getArray<number>('a');
		for (let e = 0; e < EDITS; e++) {
			sentAt.set(e + 1, performance.now());
			items.push([e]);
			await sleep(20);
		}
		const until = Date.now() + 10_000;
		while (latencies.length < EDITS && Date.now() < until) await sleep(20);
		const fanoutP99 = percentile(latencies, 99);
		const fanoutP50 = percentile(latencies, 50);
		for (const p of peers.splice(0)) p.close();

		// ---- sustained acknowledged writes across instances --------------------------------
		const WRITERS = 30;
		const WINDOW = 64;
		const writers = await Promise.all(
			Array.from({ length: WRITERS }, async (_, i) => {
				const doc = new Y.Doc();
				let acked = 0;
				const peer = connectRawPeer(await url(i, `w${i}`), {
					doc,
					observe: (u) => {
						acked = Math.max(acked, Y.parseUpdateMeta(u).to.get(doc.clientID) ?? 0);
					}
				});
				peers.push(peer);
				return { doc, peer, acked: () => acked };
			})
		);
		await Promise.all(writers.map((w) => w.peer.synced));
		const DURATION_MS = 5000;
		const started = performance.now();
		const ackedAtStart = writers.map((w) => w.acked());
		await Promise.all(
			writers.map(async (w) => {
				const arr = w.doc.getArray<number>('a');
				while (performance.now() - started < DURATION_MS) {
					const sent = Y.getState(w.doc.store, w.doc.clientID);
					if (sent - w.acked() < WINDOW) arr.push([sent]);
					else await sleep(1);
					if (sent % 8 === 0) await sleep(0);
				}
			})
		);
		const elapsed = (performance.now() - started) / 1000;
		const ackedUpdates = writers.reduce((s, w, i) => s + w.acked() - ackedAtStart[i], 0);
		const updatesPerS = ackedUpdates / elapsed;
		for (const p of peers.splice(0)) p.close();
		await sleep(1500);

		// ---- memory of idle clients --------------------------------------------------------
		const pids = cluster.relays.map((r) => r.child.pid!);
		const before = (await Promise.all(pids.map(rssMb))).reduce((a, b) => a + b, 0);
		const IDLE = 600;
		for (let i = 0; i < IDLE; i++) peers.push(connectRawPeer(await url(i, `idle${i % 60}`)));
		await Promise.all(peers.map((p) => p.synced));
		await sleep(2000);
		const after = (await Promise.all(pids.map(rssMb))).reduce((a, b) => a + b, 0);
		const rssPer1k = ((after - before) / IDLE) * 1000;

		return {
			'scale.fanout_p99_ms_3x200': Math.round(fanoutP99 * 10) / 10,
			'scale.fanout_p50_ms_3x200': Math.round(fanoutP50 * 10) / 10,
			'scale.fanout_edits_measured': latencies.length,
			'scale.updates_per_s': Math.round(updatesPerS),
			'scale.rss_mb_per_1k_idle_clients': Math.round(rssPer1k * 10) / 10
		};
	} finally {
		for (const p of peers) p.close();
		await cluster.stop();
	}
}
