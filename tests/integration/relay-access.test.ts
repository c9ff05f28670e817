import { afterEach, describe, expect, it } from 'vitest';
import {
	enrollFromCli,
	readRegistryFile,
	writeRegistryFile
} from '../../sync-server/src/collab/registry';
import { CLOSE } from '../../src/lib/core/relay/protocol';
import {
	allSynced,
	collectRelayErrors,
	fetchRelayDoc,
	postBatch,
	relayScope,
	terminalClose,
	waitFor,
	type TestRelay
} from '../../sync-server/testing/harness';

const relays = relayScope(afterEach);
const WS = 'team';
const ROOM = `${WS}/doc`;

/** A managed workspace: olga owns it (CLI), ed is an editor and vic a viewer. */
async function team(): Promise<{ relay: TestRelay; olga: string; ed: string; vic: string }> {
	const relay = await relays.start();
	await enrollFromCli(relay.dataDir, WS, 'olga', 'owner');
	await enrollFromCli(relay.dataDir, WS, 'ed', 'editor');
	await enrollFromCli(relay.dataDir, WS, 'vic', 'viewer');
	return {
		relay,
		olga: await relay.token(WS, 'owner', 'olga'),
		ed: await relay.token(WS, 'editor', 'ed'),
		vic: await relay.token(WS, 'viewer', 'vic')
	};
}

async function members(
	relay: TestRelay,
	owner: string,
	method: string,
	user: string,
	body?: unknown
) {
	const res = await fetch(`${relay.relay.url}/api/workspaces/${WS}/members/${user}`, {
		method,
		headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	expect(res.status).toBe(200);
}

async function relayText(relay: TestRelay, token: string): Promise<string> {
	return (await fetchRelayDoc(relay.relay, token, 'doc')).getText('t').toString();
}

describe('relay access follows the member registry on every path', () => {
	it('refuses a removed member on the batch route and on the upgrade with 403 and a JSON reason', async () => {
		const t = await team();
		expect((await postBatch(t.relay.relay, t.ed, { docs: [{ doc: 'doc' }] })).status).toBe(200);
		await members(t.relay, t.olga, 'DELETE', 'ed');

		const batch = await postBatch(t.relay.relay, t.ed, { docs: [{ doc: 'doc' }] });
		expect(batch.status).toBe(403);
		expect(((await batch.json()) as { error: string }).error).toMatch(
			/"ed" is not a member of workspace "team"/
		);
		const upgrade = await t.relay.upgrade(ROOM, t.ed);
		expect(upgrade.status).toBe(403);
		expect(JSON.parse(upgrade.body).error).toMatch(/"ed" is not a member of workspace "team"/);
		// Members still get in on both paths.
		expect((await postBatch(t.relay.relay, t.vic, { docs: [] })).status).toBe(200);
		expect((await t.relay.upgrade(ROOM, t.vic)).status).toBe(101);
	});

	it('takes tokens at their word in an unmanaged workspace, on both paths alike', async () => {
		const relay = await relays.start();
		const token = await relay.token('open-ws', 'viewer', 'anyone');
		expect((await postBatch(relay.relay, token, { docs: [] })).status).toBe(200);
		expect((await relay.upgrade('open-ws/doc', token)).status).toBe(101);
		// Once it has an owner, the same token (no member) is refused everywhere.
		await enrollFromCli(relay.dataDir, 'open-ws', 'olga', 'owner');
		await waitFor(
			async () => (await postBatch(relay.relay, token, { docs: [] })).status === 403,
			'batch refused once the workspace is managed'
		);
		expect((await relay.upgrade('open-ws/doc', token)).status).toBe(403);
	});

	it('closes the open socket of a member removed through the REST API, with 4403 and a reason', async () => {
		const t = await team();
		const ed = relays.client(t.relay, ROOM, t.ed);
		const olga = relays.client(t.relay, ROOM, t.olga);
		await allSynced(ed, olga);
		olga.doc.getText('t').insert(0, 'before');
		await waitFor(() => ed.doc.getText('t').toString() === 'before', 'ed receives');

		const closed = terminalClose(ed);
		await members(t.relay, t.olga, 'DELETE', 'ed');
		expect(await closed).toEqual({
			code: CLOSE.notMember,
			reason: '"ed" is no longer a member of workspace "team"'
		});
		// The stock client stops reconnecting; later updates never reach the removed member.
		olga.doc.getText('t').insert(6, ' and after');
		await waitFor(async () => (await relayText(t.relay, t.olga)) === 'before and after', 'stored');
		expect(ed.provider.shouldConnect).toBe(false);
		expect(ed.doc.getText('t').toString()).toBe('before');
		await waitFor(() => t.relay.relay.stats().connections === 1, 'only olga left');
	});

	it('closes the open socket of a member removed by editing the registry file (the CLI path)', async () => {
		const t = await team();
		const vic = relays.client(t.relay, ROOM, t.vic);
		await allSynced(vic);
		const closed = terminalClose(vic);
		const record = await readRegistryFile(t.relay.dataDir, WS);
		record.members = record.members.filter((m) => m.user !== 'vic');
		await writeRegistryFile(t.relay.dataDir, record);
		expect((await closed).code).toBe(CLOSE.notMember);
	});

	it("drops a demoted member's writes at once, without reconnecting, and accepts them again after promotion", async () => {
		const t = await team();
		const ed = relays.client(t.relay, ROOM, t.ed);
		const olga = relays.client(t.relay, ROOM, t.olga);
		const errors = collectRelayErrors(ed);
		let disconnects = 0;
		ed.provider.on('status', ({ status }) => void (status === 'disconnected' && disconnects++));
		await allSynced(ed, olga);
		ed.doc.getText('t').insert(0, 'ed wrote this');
		await waitFor(() => olga.doc.getText('t').length === 13, 'editor write relayed');

		await members(t.relay, t.olga, 'PUT', 'ed', { role: 'viewer' });
		ed.doc.getText('t').insert(0, 'DEMOTED ');
		await waitFor(() => errors.length === 1, 'read_only report');
		expect(errors[0]).toMatchObject({ code: 'read_only', room: ROOM, dropped: 1 });
		expect(await relayText(t.relay, t.olga)).toBe('ed wrote this');
		expect(t.relay.relay.stats().droppedViewerWrites).toBe(1);
		// Still connected on the same socket, and still receiving.
		olga.doc.getText('t').insert(13, '!');
		await waitFor(() => ed.doc.getText('t').toString().endsWith('ed wrote this!'), 'ed receives');
		expect(disconnects).toBe(0);

		// Promoted again: the relay asks for its state (sync step 1), so the dropped write arrives.
		await members(t.relay, t.olga, 'PUT', 'ed', { role: 'editor' });
		await waitFor(
			() => olga.doc.getText('t').toString() === 'DEMOTED ed wrote this!',
			'promoted member state uploaded'
		);
		expect(errors).toHaveLength(1);
	});
});
