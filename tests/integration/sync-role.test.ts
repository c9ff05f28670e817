import { afterEach, describe, expect, it } from 'vitest';
import { followAccess } from '../../src/lib/core/collab';
import { enrollFromCli } from '../../sync-server/src/collab/registry';
import {
	fetchRelayDoc,
	relayScope,
	waitFor,
	type TestRelay
} from '../../sync-server/testing/harness';
import { relayDevices, settle } from '../support/relay-devices';

const relays = relayScope(afterEach);
let relay: TestRelay;
const { device } = relayDevices(relays, () => relay);

describe('the role of a connected device comes from the token and the relay', () => {
	it('ignores a role given with the connection and follows the role the relay reports', async () => {
		relay = await relays.start();
		await enrollFromCli(relay.dataDir, 'team', 'olga', 'owner');
		await enrollFromCli(relay.dataDir, 'team', 'rita', 'reviewer');
		const rita = await device('rita');
		const token = await relay.token('team', 'reviewer', 'rita');
		// An older caller (or a tampered invite) names a role: it is not used.
		await rita.sync.connect({ relay: relay.relay.url, workspace: 'team', token, role: 'owner' });
		expect(rita.sync.config?.role).toBe('reviewer');
		await waitFor(() => rita.sync.status.state === 'synced', 'synced');

		const seen: string[] = [];
		const stop = followAccess(rita, (a) => seen.push(a.role), 50);
		await waitFor(() => rita.collab.reportedRole() === 'reviewer', 'relay reports reviewer');
		const owner = await relay.token('team', 'owner', 'olga');
		const res = await fetch(`${relay.relay.url}/api/workspaces/team/members/rita`, {
			method: 'PUT',
			headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
			body: JSON.stringify({ role: 'editor' })
		});
		expect(res.status).toBe(200);
		await waitFor(() => rita.collab.reportedRole() === 'editor', 'relay reports editor', 5000);
		expect(seen.at(-1)).toBe('editor');
		stop();
	});

	it('a reviewer with a personal library joins without sending it (and without a refusal)', async () => {
		relay = await relays.start();
		await enrollFromCli(relay.dataDir, 'team', 'olga', 'owner');
		await enrollFromCli(relay.dataDir, 'team', 'rita', 'reviewer');
		const olga = await device('olga');
		await olga.library.createPrompt({ name: 'shared', content: 'from olga' });
		const ownerToken = await relay.token('team', 'owner', 'olga');
		await olga.sync.connect({ relay: relay.relay.url, workspace: 'team', token: ownerToken });
		await settle(olga);

		const rita = await device('rita');
		await rita.library.createPrompt({ name: 'private', content: 'mine only' });
		const token = await relay.token('team', 'reviewer', 'rita');
		await rita.sync.connect({ relay: relay.relay.url, workspace: 'team', token });
		await settle(rita);
		await waitFor(
			async () => (await rita.library.findByName('shared'))?.content === 'from olga',
			'the reviewer receives the workspace'
		);
		expect(rita.sync.status).toMatchObject({ state: 'synced', readOnly: true });
		const index = await fetchRelayDoc(relay.relay, ownerToken, 'index');
		const names = [...index.getMap('prompts').values()].map((m) =>
			(m as { get(k: string): unknown }).get('name')
		);
		expect(names).toEqual(['shared']);
	});
});
