import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { enrollFromCli } from '../../sync-server/src/collab/registry';
import { jsonLineLogger } from '../../sync-server/src/logger';
import {
	allSynced,
	postBatch,
	relayScope,
	upgradeStatus,
	waitFor,
	type TestRelay
} from '../../sync-server/testing/harness';
import { openTestCore } from '../support/core';

const relays = relayScope(afterEach);

/** Opens a socket of `room` offering `protocols` (and `headers`); the status, or 101 and the protocol chosen. */
function open(
	relay: TestRelay,
	room: string,
	protocols: string[],
	headers: Record<string, string> = {}
): Promise<{ status: number; protocol: string; body: string }> {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(`${relay.relay.wsUrl}/${room}`, protocols, { headers });
		ws.on('open', () => {
			resolve({ status: 101, protocol: ws.protocol, body: '' });
			ws.close();
		});
		ws.on('unexpected-response', (_req, res) => {
			let body = '';
			res.on('data', (c: Buffer) => (body += c.toString()));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, protocol: '', body }));
		});
		ws.on('error', (e) => {
			if (!/Unexpected server response/.test(e.message)) reject(e);
		});
	});
}

/** A token signed by another relay: well formed, forged for this one. */
async function forgedToken(): Promise<string> {
	const other = await relays.start();
	return other.token('team', 'owner', 'mallory');
}

describe('relay tokens outside the URL', () => {
	it('takes the token from the subprotocol list and answers with "promptloom", never the token', async () => {
		const relay = await relays.start();
		const token = await relay.token('team', 'editor', 'ed');
		const ok = await open(relay, 'team/doc', ['promptloom', `token.${token}`]);
		expect(ok).toMatchObject({ status: 101, protocol: 'promptloom' });

		const forged = await open(relay, 'team/doc', ['promptloom', `token.${await forgedToken()}`]);
		expect(forged.status).toBe(401);
		const none = await open(relay, 'team/doc', ['promptloom']);
		expect(none.status).toBe(401);
		expect(JSON.parse(none.body).error).toMatch(/subprotocol "token\.<token>"/);
		// Another workspace's token is refused the same way as in the query.
		const other = await relay.token('elsewhere', 'editor', 'ed');
		expect((await open(relay, 'team/doc', ['promptloom', `token.${other}`])).status).toBe(403);
	});

	it('takes an Authorization: Bearer header on the upgrade, and still the query of old clients', async () => {
		const relay = await relays.start();
		const token = await relay.token('team', 'editor', 'ed');
		const header = await open(relay, 'team/doc', [], { authorization: `Bearer ${token}` });
		expect(header.status).toBe(101);
		expect((await upgradeStatus(`${relay.relay.wsUrl}/team/doc?token=${token}`)).status).toBe(101);
	});

	it("the app's connection carries the token in no URL: subprotocol for sockets, header for HTTP", async () => {
		const relay = await relays.start();
		const token = await relay.token('team', 'editor', 'ana');
		const sockets: Array<{ url: string; protocols: string[] }> = [];
		class Recording extends WebSocket {
			constructor(url: string, protocols?: string | string[]) {
				super(url, protocols);
				sockets.push({ url, protocols: [protocols ?? []].flat() });
			}
		}
		const requests: string[] = [];
		const ana = await openTestCore({
			author: () => 'ana',
			sync: {
				WebSocket: Recording as unknown as typeof globalThis.WebSocket,
				fetch: (input, init) => {
					requests.push(String(input instanceof Request ? input.url : input));
					return fetch(input, init);
				}
			}
		});
		relays.defer(async () => {
			await ana.sync.close();
			ana.close();
		});
		const p = await ana.library.createPrompt({ name: 'greet', content: 'Hello' });
		await ana.sync.connect({ relay: relay.relay.url, workspace: 'team', token });
		await waitFor(() => ana.sync.status.state === 'synced', 'synced');
		const live = await ana.sync.openForEditing(p.id);
		await waitFor(() => sockets.length >= 2, 'index and prompt sockets');
		live?.release();
		await ana.sync.session!.link.catchUp(new Set([p.id]));

		expect(sockets.length).toBeGreaterThanOrEqual(2);
		for (const s of sockets) {
			expect(s.url).not.toContain('token');
			expect(s.url).not.toContain(token);
			expect(s.protocols).toEqual(['promptloom', `token.${token}`]);
		}
		for (const url of requests) expect(url).not.toContain(token);
	});

	it('never logs a token, whatever way it is sent and however it is refused', async () => {
		const lines: string[] = [];
		const relay = await relays.start({ logger: jsonLineLogger((l) => lines.push(l)) });
		await enrollFromCli(relay.dataDir, 'team', 'olga', 'owner');
		const good = await relay.token('team', 'owner', 'olga');
		const tokens = [
			good,
			await forgedToken(),
			await relay.token('team', 'editor', 'stranger'),
			await relay.token('elsewhere', 'editor', 'ed')
		];
		for (const token of tokens) {
			await open(relay, 'team/doc', ['promptloom', `token.${token}`]);
			await open(relay, 'team/doc', [], { authorization: `Bearer ${token}` });
			await upgradeStatus(`${relay.relay.wsUrl}/team/doc?token=${token}`);
			await upgradeStatus(`${relay.relay.wsUrl}/team/${token}?token=${token}`);
			await upgradeStatus(`${relay.relay.wsUrl}/team/doc?x=1&token=${token}.garbage`);
			await postBatch(relay.relay, token, { docs: [{ doc: 'index' }] });
		}
		const client = relays.client(relay, 'team/index', good);
		await allSynced(client);
		client.destroy();
		await waitFor(() => relay.relay.stats().connections === 0, 'closed');

		expect(lines.some((l) => /upgrade refused/.test(l))).toBe(true);
		expect(lines.some((l) => /"connected"/.test(l))).toBe(true);
		const log = lines.join('');
		for (const token of tokens) {
			const [, payload, signature] = token.split('.');
			expect(log).not.toContain(token);
			expect(log).not.toContain(payload);
			expect(log).not.toContain(signature);
		}
	});
});
