import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateSecret } from '../../sync-server/src/auth/secret';
import { signToken } from '../../sync-server/src/auth/token';
import { allSynced, relayScope, waitFor } from '../../sync-server/testing/harness';

const relays = relayScope(afterEach);

/** Expects an upgrade refused with `status` and a JSON `{ error }` matching `error`. */
async function expectRefused(
	attempt: Promise<{ status: number; body: string }>,
	status: number,
	error: RegExp
): Promise<void> {
	const res = await attempt;
	expect(res.status).toBe(status);
	expect(JSON.parse(res.body).error).toMatch(error);
}

function base64url(json: unknown): string {
	return Buffer.from(JSON.stringify(json)).toString('base64url');
}

describe('relay auth happens before the WebSocket upgrade', () => {
	it('accepts a valid token for its own workspace', async () => {
		const relay = await relays.start();
		const token = await relay.token('ws1', 'editor');
		expect((await relay.upgrade('ws1/doc', token)).status).toBe(101);
	});

	it('refuses a missing token with 401', async () => {
		const relay = await relays.start();
		await expectRefused(relay.upgrade('ws1/doc'), 401, /missing token/);
	});

	it('refuses a token signed with another secret, a tampered payload and alg "none" with 401', async () => {
		const relay = await relays.start();
		const foreign = await signToken(crypto.getRandomValues(new Uint8Array(32)), {
			workspace: 'ws1',
			role: 'owner'
		});
		expect((await relay.upgrade('ws1/doc', foreign)).status).toBe(401);

		const [header, , signature] = (await relay.token('ws1', 'viewer')).split('.');
		const now = Math.floor(Date.now() / 1000);
		const tampered = [
			header,
			base64url({ ws: 'ws1', role: 'owner', sub: 'x', iat: now, exp: now + 60 }),
			signature
		].join('.');
		expect((await relay.upgrade('ws1/doc', tampered)).status).toBe(401);

		const unsigned = [
			base64url({ alg: 'none' }),
			base64url({ ws: 'ws1', role: 'owner', sub: 'x', exp: now + 60 }),
			''
		].join('.');
		expect((await relay.upgrade('ws1/doc', unsigned)).status).toBe(401);
	});

	it('refuses an expired token with 401 and says so', async () => {
		const relay = await relays.start();
		const secret = await loadOrCreateSecret(relay.dataDir);
		const expired = await signToken(
			secret,
			{ workspace: 'ws1', role: 'owner', ttlSeconds: 60 },
			Date.now() - 3600_000
		);
		await expectRefused(relay.upgrade('ws1/doc', expired), 401, /expired/);
	});

	it('refuses a token of workspace A on a room of workspace B with 403', async () => {
		const relay = await relays.start();
		const token = await relay.token('wsA', 'owner');
		await expectRefused(relay.upgrade('wsB/doc', token), 403, /wsA/);
	});

	it('refuses a URL that is not /<workspaceId>/<docId> with 404', async () => {
		const relay = await relays.start();
		const token = await relay.token('ws1', 'owner');
		expect((await relay.upgrade('ws1', token)).status).toBe(404);
		expect((await relay.upgrade('ws1/a/b', token)).status).toBe(404);
		expect((await relay.upgrade('ws1/%E0%A4%A', token)).status).toBe(404);
	});

	it('a stock client with a token for another workspace never syncs and gets no data', async () => {
		const relay = await relays.start();
		const owner = relays.client(relay, 'wsB/doc', await relay.token('wsB', 'owner'));
		await allSynced(owner);
		owner.doc.getText('t').insert(0, 'secret of B');
		const intruder = relays.client(relay, 'wsB/doc', await relay.token('wsA', 'owner'));
		let errors = 0;
		intruder.provider.on('connection-error', () => errors++);
		await waitFor(() => errors >= 2, 'two refused attempts');
		expect(intruder.provider.synced).toBe(false);
		expect(intruder.doc.getText('t').toString()).toBe('');
		expect(relay.relay.stats().refusedUpgrades).toBeGreaterThanOrEqual(2);
		intruder.destroy();
		owner.destroy();
	});
});
