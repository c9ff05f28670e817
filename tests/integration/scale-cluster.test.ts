import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { signToken } from '../../sync-server/src/auth/token';
import { runRelayCli } from '../../sync-server/src/cli';
import { openPostgres } from '../../sync-server/src/scale/postgres';
import {
	allSynced,
	connectClient,
	terminalClose,
	upgradeStatus,
	waitFor,
	type TestClient
} from '../../sync-server/testing/harness';
import { CLOSE } from '../../src/lib/core/relay/protocol';
import { openTestCore } from '../support/core';
import { settle } from '../support/relay-devices';
import { commitPrompt } from '../support/api-workspace';
import { startCluster } from '../support/scale-services';

let cluster: Awaited<ReturnType<typeof startCluster>>;
let secret: Uint8Array;
const clients: TestClient[] = [];
const client = (wsUrl: string, room: string, token: string) => {
	const c = connectClient(wsUrl, room, token);
	clients.push(c);
	return c;
};

/** Runs `promptloom relay …` in-process; resolves to its stdout (fails on a non-zero exit). */
async function cli(...args: string[]): Promise<string> {
	let out = '';
	let err = '';
	const code = await runRelayCli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
	if (code !== 0) throw new Error(`relay ${args[0]} exited ${code}: ${err}`);
	return out.trim();
}

beforeAll(async () => {
	cluster = await startCluster(3);
	const pg = await openPostgres(cluster.postgres.url, { max: 1 });
	secret = pg.secret;
	await pg.close();
}, 60_000);

afterAll(async () => {
	for (const c of clients) c.destroy();
	await cluster?.stop();
});

describe('three relay instances on PostgreSQL and Redis', () => {
	it('60 clients spread over three instances co-edit three documents and converge', async () => {
		const token = await signToken(secret, { workspace: 'scale', role: 'editor', user: 'e' });
		const docs = ['scale/a', 'scale/b', 'scale/c'];
		const group: TestClient[][] = [[], [], []];
		for (let i = 0; i < 60; i++) {
			const d = Math.floor(i / 3) % 3;
			group[d].push(client(cluster.relays[i % 3].wsUrl, docs[d], token));
		}
		await allSynced(...group.flat());
		group.forEach((members) =>
			members.forEach((c, i) => {
				for (let k = 0; k < 3; k++) c.doc.getArray<string>('log').push([`c${i}-${k}`]);
			})
		);
		for (const members of group)
			await waitFor(
				() => members.every((c) => c.doc.getArray('log').length === members.length * 3),
				'every edit reached every client of the document',
				20_000
			);
		expect(group.map((m) => m.length)).toEqual([21, 21, 18]);
		for (const members of group) {
			const first = JSON.stringify(members[0].doc.getArray('log').toJSON());
			for (const c of members) expect(JSON.stringify(c.doc.getArray('log').toJSON())).toBe(first);
		}
		// Each instance holds only the documents its clients have open.
		const health = await Promise.all(
			cluster.relays.map((r) => fetch(`${r.url}/healthz`).then((res) => res.json()))
		);
		for (const h of health)
			expect(h).toMatchObject({ ok: true, rooms: 3, storage: 'postgres', fanout: 'ok' });
		for (const c of group.flat()) c.destroy();
		await waitFor(async () => {
			const rooms = await Promise.all(
				cluster.relays.map((r) =>
					fetch(`${r.url}/healthz`).then((res) => res.json() as Promise<{ rooms: number }>)
				)
			);
			return rooms.every((h) => h.rooms === 0);
		}, 'documents dropped when their clients left');
	}, 60_000);

	it('presence travels between instances and leaves with its client', async () => {
		const token = await signToken(secret, { workspace: 'scale', role: 'editor', user: 'p' });
		const ana = client(cluster.relays[0].wsUrl, 'scale/presence', token);
		const ben = client(cluster.relays[1].wsUrl, 'scale/presence', token);
		const cy = client(cluster.relays[2].wsUrl, 'scale/presence', token);
		await allSynced(ana, ben, cy);
		ana.provider.awareness.setLocalStateField('user', { name: 'ana' });
		const seesAna = (c: TestClient) =>
			[...c.provider.awareness.getStates().values()].some(
				(s) => (s as { user?: { name?: string } }).user?.name === 'ana'
			);
		await waitFor(() => seesAna(ben) && seesAna(cy), 'ana visible on the other instances');
		ana.destroy();
		await waitFor(() => !seesAna(ben) && !seesAna(cy), 'ana gone when she leaves');
	}, 30_000);

	it('the REST API answers the same from every instance (keys and tokens made by the CLI on PostgreSQL)', async () => {
		const pgUrl = cluster.postgres.url;
		const owner = await cli(
			'token',
			'--postgres',
			pgUrl,
			'--workspace',
			'api',
			'--role',
			'owner',
			'--user',
			'olga'
		);
		const key = JSON.parse(
			await cli('apikey', 'create', '--postgres', pgUrl, '--workspace', 'api', '--json')
		) as { secretKey: string };
		const core = await openTestCore({
			author: () => 'olga',
			sync: { WebSocket: WebSocket as unknown as typeof globalThis.WebSocket }
		});
		try {
			await core.sync.connect({ relay: cluster.relays[1].url, workspace: 'api', token: owner });
			await settle(core);
			await commitPrompt(core, { name: 'greet', content: 'Hello {{ name }}' }, ['production']);
			await settle(core);
		} finally {
			await core.sync.close();
			core.close();
		}
		const ask = () =>
			Promise.all(
				cluster.relays.map(async (r) => {
					const res = await fetch(`${r.url}/v1/prompts/greet?label=production`, {
						headers: { authorization: `Bearer ${key.secretKey}` }
					});
					return { status: res.status, body: (await res.json()) as unknown };
				})
			);
		// The label move reaches the other instances through Redis a moment after the app settles.
		let answers = await ask();
		await waitFor(
			async () => {
				answers = await ask();
				return answers.every((a) => a.status === 200);
			},
			'every instance serves the production version',
			5_000
		);
		expect(answers[0].status).toBe(200);
		expect(answers[0].body).toMatchObject({ name: 'greet' });
		for (const a of answers) expect(a).toEqual(answers[0]);
		const requestId = (await fetch(`${cluster.relays[2].url}/healthz`)).headers.get('x-request-id');
		expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
		// A balancer's request id is kept, answered and written in the instance's JSON log.
		const res = await fetch(`${cluster.relays[2].url}/healthz`, {
			headers: { 'x-request-id': 'lb-7f3a' }
		});
		expect(res.headers.get('x-request-id')).toBe('lb-7f3a');
		await waitFor(
			() =>
				cluster.relays[2].log.some((line) => {
					if (!line.startsWith('{')) return false;
					const entry = JSON.parse(line) as Record<string, unknown>;
					return entry.requestId === 'lb-7f3a' && entry.path === '/healthz' && entry.status === 200;
				}),
			'the request in the JSON log'
		);
	}, 60_000);

	it('a member removed on one instance is refused on all of them within a second', async () => {
		const pgUrl = cluster.postgres.url;
		const olga = await cli(
			'token',
			'--postgres',
			pgUrl,
			'--workspace',
			'team',
			'--role',
			'owner',
			'--user',
			'olga'
		);
		const ed = await cli(
			'token',
			'--postgres',
			pgUrl,
			'--workspace',
			'team',
			'--role',
			'editor',
			'--user',
			'ed'
		);
		const eds = cluster.relays.map((r) => client(r.wsUrl, 'team/doc', ed));
		await allSynced(...eds);
		const closes = eds.map((c) => terminalClose(c));
		const res = await fetch(`${cluster.relays[0].url}/api/workspaces/team/members/ed`, {
			method: 'DELETE',
			headers: { authorization: `Bearer ${olga}` }
		});
		expect(res.status).toBe(200);
		let closed = 0;
		for (const p of closes)
			void p.then((c) => {
				if (c.code === CLOSE.notMember) closed++;
			});
		await waitFor(() => closed === 3, 'every instance closed the removed member', 1000);
		for (const r of cluster.relays) {
			const upgrade = await upgradeStatus(`${r.wsUrl}/team/doc?token=${encodeURIComponent(ed)}`);
			expect(upgrade.status).toBe(403);
		}
	}, 30_000);
});
