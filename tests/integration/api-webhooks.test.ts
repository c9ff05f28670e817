/**
 * Webhooks and observations end to end: a receiving HTTP server gets signed `version.created`,
 * `label.moved` and `review.decided` events for changes made in the app and through the API
 * (retried after a failure, logged for the Workspace page); observations aggregate per version.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { relayScope, waitFor } from '../../sync-server/testing/harness';
import { apiFetch, cliKey, commitPrompt, ownerDevice } from '../support/api-workspace';
import { settle } from '../support/relay-devices';

const relays = relayScope(afterEach);

interface Received {
	headers: IncomingHttpHeaders;
	body: string;
	json: { id: string; type: string; workspace: string; data: Record<string, unknown> };
}

/** An HTTP server recording POSTs; `failFirst` answers 500 to the first attempt of each delivery. */
async function receiver(failFirst = false) {
	const received: Received[] = [];
	const seen = new Set<string>();
	const server = createServer((req, res) => {
		let body = '';
		req.on('data', (c: Buffer) => (body += c.toString('utf8')));
		req.on('end', () => {
			const id = String(req.headers['x-promptloom-delivery']);
			if (failFirst && !seen.has(id)) {
				seen.add(id);
				res.writeHead(500).end();
				return;
			}
			received.push({ headers: req.headers, body, json: JSON.parse(body) as Received['json'] });
			res.writeHead(204).end();
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	relays.defer(() => new Promise<void>((r) => server.close(() => r())));
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

function verify(secret: string, r: Received): boolean {
	const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(r.headers['x-promptloom-signature']));
	if (!m) return false;
	const expected = createHmac('sha256', secret).update(`${m[1]}.${r.body}`).digest('hex');
	return expected === m[2] && Math.abs(Date.now() / 1000 - Number(m[1])) < 300;
}

describe('webhooks', () => {
	it('delivers signed events for commits, label moves and review decisions, retrying failures', async () => {
		const relay = await relays.start({ api: { webhookBackoffMs: 50 } });
		const { core, token } = await ownerDevice(relays, relay, 'team', [['rita', 'reviewer']]);
		const hook = await receiver(true);
		const base = `${relay.relay.url}/api/workspaces/team/webhooks`;
		const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
		const created = await fetch(base, {
			method: 'POST',
			headers: auth,
			body: JSON.stringify({ url: hook.url, description: 'ci' })
		});
		expect(created.status).toBe(201);
		const { secret, id, events } = (await created.json()) as {
			secret: string;
			id: string;
			events: string[];
		};
		expect(events).toEqual(['version.created', 'label.moved', 'review.decided']);
		expect(secret).toMatch(/^whsec_/);
		expect(
			(
				await fetch(base, {
					method: 'POST',
					headers: auth,
					body: JSON.stringify({ url: 'ftp://x' })
				})
			).status
		).toBe(400);

		// In the app: a commit and a label move.
		const greet = await commitPrompt(core, { name: 'greet', content: 'Hello' }, ['staging']);
		await settle(core);
		await waitFor(() => hook.received.length >= 2, 'two deliveries', 10_000);
		const types = hook.received.map((r) => r.json.type).sort();
		expect(types).toEqual(['label.moved', 'version.created']);
		for (const r of hook.received) expect(verify(secret, r)).toBe(true);
		const created1 = hook.received.find((r) => r.json.type === 'version.created')!;
		expect(created1.json).toMatchObject({
			workspace: 'team',
			data: { prompt: 'greet', branch: 'main', versionId: greet.versionId, previousHead: null }
		});
		const moved = hook.received.find((r) => r.json.type === 'label.moved')!;
		expect(moved.json.data).toMatchObject({
			prompt: 'greet',
			label: 'staging',
			to: greet.versionId,
			actor: 'olga'
		});
		expect(moved.headers['x-promptloom-event']).toBe('label.moved');

		// A new branch at an existing version is not a new version: no event.
		await core.vcs.createBranch(greet.id, 'feature', greet.versionId);
		await settle(core);

		// Through the API: a Langfuse-style commit by a key is an event too.
		const key = await cliKey(relay, 'team', 'write', 'deployer');
		const res = await apiFetch(relay, '/api/public/v2/prompts', key.secretKey, {
			method: 'POST',
			body: JSON.stringify({ name: 'greet', type: 'text', prompt: 'Hello again' })
		});
		expect(res.status).toBe(201);
		await waitFor(() => hook.received.length >= 3, 'API commit delivered', 10_000);
		expect(hook.received.length).toBe(3);
		expect(hook.received[2].json).toMatchObject({
			type: 'version.created',
			data: { prompt: 'greet', previousHead: greet.versionId }
		});

		// A review decided by the reviewer.
		const reviews = `${relay.relay.url}/api/workspaces/team/reviews`;
		const asked = await fetch(reviews, {
			method: 'POST',
			headers: auth,
			body: JSON.stringify({ promptId: greet.id, label: 'production', versionId: greet.versionId })
		});
		const { review } = (await asked.json()) as { review: { id: string } };
		const rita = await relay.token('team', 'reviewer', 'rita');
		await fetch(`${reviews}/${review.id}/decision`, {
			method: 'POST',
			headers: { authorization: `Bearer ${rita}`, 'content-type': 'application/json' },
			body: JSON.stringify({ decision: 'approved', comment: 'ok' })
		});
		await waitFor(
			() => hook.received.some((r) => r.json.type === 'review.decided'),
			'review event',
			10_000
		);
		const decided = hook.received.find((r) => r.json.type === 'review.decided')!;
		expect(decided.json.data).toMatchObject({
			reviewId: review.id,
			decision: 'approved',
			approver: 'rita',
			label: 'production',
			prompt: 'greet',
			requestedBy: 'olga'
		});

		// The delivery log: each one delivered on its second attempt (the first got a 500).
		const log = (await (await fetch(base, { headers: auth })).json()) as {
			webhooks: Array<Record<string, unknown>>;
			deliveries: Array<{ status: string; attempts: number; lastStatus: number }>;
		};
		expect(log.webhooks).toEqual([
			expect.objectContaining({ id, url: hook.url, description: 'ci' })
		]);
		expect(JSON.stringify(log.webhooks)).not.toContain(secret);
		expect(log.deliveries.length).toBe(4);
		for (const d of log.deliveries)
			expect(d).toMatchObject({ status: 'delivered', attempts: 2, lastStatus: 204 });

		expect((await fetch(`${base}/${id}`, { method: 'DELETE', headers: auth })).status).toBe(200);
		expect((await fetch(`${base}/${id}`, { method: 'DELETE', headers: auth })).status).toBe(404);
	});

	it('marks a delivery failed after its last attempt', async () => {
		const relay = await relays.start({ api: { webhookBackoffMs: 20, webhookAttempts: 3 } });
		const { core, token } = await ownerDevice(relays, relay);
		const base = `${relay.relay.url}/api/workspaces/team/webhooks`;
		const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
		// Nothing listens on this port.
		const dead = await receiver();
		const url = dead.url.replace(/:(\d+)\//, ':1/');
		await fetch(base, {
			method: 'POST',
			headers: auth,
			body: JSON.stringify({ url, events: ['version.created'] })
		});
		await commitPrompt(core, { name: 'greet', content: 'Hello' });
		await settle(core);
		await waitFor(
			async () => {
				const log = (await (await fetch(base, { headers: auth })).json()) as {
					deliveries: Array<{ status: string }>;
				};
				return log.deliveries[0]?.status === 'failed';
			},
			'failed after 3 attempts',
			10_000
		);
		const log = (await (await fetch(base, { headers: auth })).json()) as {
			deliveries: Array<{ attempts: number; lastError: string }>;
		};
		expect(log.deliveries[0].attempts).toBe(3);
		expect(log.deliveries[0].lastError).toBeTruthy();
	});
});

describe('observations', () => {
	it('aggregates reported calls per version; an unknown version refuses the batch', async () => {
		const relay = await relays.start();
		const { core } = await ownerDevice(relays, relay);
		const greet = await commitPrompt(core, { name: 'greet', content: 'Hello' }, ['production']);
		await settle(core);
		const key = await cliKey(relay, 'team');
		const post = (observations: unknown[]) =>
			apiFetch(relay, '/v1/observations', key.secretKey, {
				method: 'POST',
				body: JSON.stringify({ observations })
			});
		const ok = await post([
			{
				prompt: 'greet',
				version: 1,
				latencyMs: 100,
				costUsd: 0.002,
				inputTokens: 10,
				outputTokens: 5,
				score: 1
			},
			{ prompt: 'greet', version: greet.versionId, latencyMs: 300, costUsd: 0.004, score: 0 },
			{ prompt: 'greet', version: '1', latencyMs: 200, success: false }
		]);
		expect(ok.status).toBe(202);
		expect(await ok.json()).toEqual({ accepted: 3 });
		expect((await post([{ prompt: 'greet', version: 7 }])).status).toBe(404);
		expect((await post([{ prompt: 'greet', version: 1, latencyMs: -1 }])).status).toBe(400);

		const agg = (await (
			await apiFetch(relay, '/v1/prompts/greet/observations', key.secretKey)
		).json()) as {
			versions: Array<Record<string, unknown>>;
		};
		expect(agg.versions).toEqual([
			expect.objectContaining({
				version: { id: greet.versionId, number: 1 },
				count: 3,
				failures: 1,
				latencyMs: { mean: 200, p50: 200 },
				costUsd: { total: 0.006, mean: 0.003 },
				tokens: { input: 10, output: 5 },
				score: { mean: 0.5, count: 2 }
			})
		]);
	});
});
