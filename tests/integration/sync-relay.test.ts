import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { enrollFromCli } from '../../sync-server/src/collab/registry';
import { relayScope, waitFor, type TestRelay } from '../../sync-server/testing/harness';
import { describeSyncStatus } from '../../src/lib/core/sync/status';
import { openTestCore } from '../support/core';
import { relayDevices, settle, synced } from '../support/relay-devices';

const relays = relayScope(afterEach);
let relay: TestRelay;
const { device, join } = relayDevices(relays, () => relay);

/** `ws` whose messages to prompt documents (not to the index) wait until `open()` is called. */
function heldDocUplink() {
	const held: Array<() => void> = [];
	let isOpen = false;
	class HeldDocUplink extends WebSocket {
		send(data: Parameters<WebSocket['send']>[0]): void {
			const send = () => {
				if (this.readyState === WebSocket.OPEN) super.send(data);
			};
			if (isOpen || !this.url.includes('/p.')) send();
			else held.push(send);
		}
	}
	return {
		WebSocket: HeldDocUplink as unknown as typeof globalThis.WebSocket,
		open() {
			isOpen = true;
			for (const send of held.splice(0)) send();
		}
	};
}

describe('sync through the real relay', () => {
	it('a second device receives the library, then offline edits on both converge after the relay returns', async () => {
		relay = await relays.start();
		const port = relay.relay.port;
		const a = await device('ana');
		const b = await device('ben');
		const folder = await a.library.createFolder('Support');
		const p = await a.library.createPrompt({ name: 'greet', content: 'Hello {{ name }}.' });
		await a.library.movePrompts([p.id], folder.id);
		await join(a);
		await settle(a);
		await join(b);
		await waitFor(() => b.sync.status.state === 'synced', 'b synced');
		await waitFor(() => b.sync.session!.link.idle, 'b idle');
		await b.sync.flush();
		const onB = await b.library.getPrompt(p.id);
		expect(onB.content).toBe('Hello {{ name }}.');
		expect(onB.folderId).toBe(folder.id);
		expect((await b.library.listFolders()).map((f) => f.name)).toEqual(['Support']);

		// The relay goes away: both keep editing.
		await relay.relay.close();
		await waitFor(
			() => a.sync.status.state !== 'synced' && b.sync.status.state !== 'synced',
			'both notice'
		);
		await a.library.updatePrompt(p.id, { content: 'Hello {{ name }}. Be brief.' });
		await b.library.updatePrompt(p.id, { content: 'Hi! Hello {{ name }}.' });
		await b.library.updatePrompt(p.id, { tags: ['support'] });
		const q = await a.library.createPrompt({ name: 'farewell', content: 'Bye.' });
		await a.sync.flush();
		await b.sync.flush();

		relay = await relays.start({ dataDir: relay.dataDir, port });
		await waitFor(() => synced(a) && synced(b), 'reconnected', 20_000);
		const expected = 'Hi! Hello {{ name }}. Be brief.';
		for (let i = 0; i < 100; i++) {
			await a.sync.flush();
			await b.sync.flush();
			const [pa, pb] = [await a.library.getPrompt(p.id), await b.library.getPrompt(p.id)];
			// The index entry of a new prompt arrives before its document (its text): wait for both.
			if (
				pa.content === expected &&
				pb.content === expected &&
				(await b.library.findByName('farewell'))?.content === 'Bye.'
			)
				break;
			await new Promise((r) => setTimeout(r, 100));
		}
		const [pa, pb] = [await a.library.getPrompt(p.id), await b.library.getPrompt(p.id)];
		expect(pa.content).toBe(expected);
		expect(pb.content).toBe(expected);
		expect(pa.tags).toEqual(['support']);
		expect((await b.library.findByName('farewell'))?.id).toBe(q.id);
		expect((await b.library.getPrompt(q.id)).content).toBe('Bye.');
	});

	it('a device is not synced while a prompt its index announced lacks its text', async () => {
		relay = await relays.start();
		const uplink = heldDocUplink();
		const a = await openTestCore({ author: () => 'ana', sync: { WebSocket: uplink.WebSocket } });
		let batches = 0;
		const b = await openTestCore({
			author: () => 'ben',
			sync: {
				WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
				fetch: (input, init) => {
					if (String(input).endsWith('/sync/batch')) batches++;
					return fetch(input, init);
				}
			}
		});
		relays.defer(async () => {
			for (const c of [a, b]) {
				await c.sync.close();
				c.close();
			}
		});
		await join(a);
		await join(b);
		await settle(b);

		// The index (with the prompt's change marker) reaches b; the relay does not have its text.
		const states: string[] = [];
		const off = b.sync.onStatus((st) => states.push(st.state));
		const before = batches;
		const q = await a.library.createPrompt({ name: 'farewell', content: 'Bye.' });
		await waitFor(async () => !!(await b.library.findByName('farewell')), 'index entry on b');
		await waitFor(() => batches >= before + 2, 'b fetched the prompt and tried again');
		expect(b.sync.status.state).toBe('syncing');
		expect(states.slice(states.indexOf('syncing'))).not.toContain('synced');

		uplink.open();
		await settle(a, b);
		off();
		expect((await b.library.getPrompt(q.id)).content).toBe('Bye.');
	});

	it('reports a refused token and a relay that is down', async () => {
		relay = await relays.start();
		const a = await device('ana');
		await a.sync.connect({
			relay: relay.relay.url,
			workspace: 'team',
			token: 'forged.token.value',
			role: 'editor'
		});
		await waitFor(() => a.sync.status.state === 'error', 'auth error');
		expect(a.sync.status).toMatchObject({ state: 'error', reason: 'auth_refused' });
		const wrongWs = await relay.token('other', 'editor', 'anonymous');
		await a.sync.connect({
			relay: relay.relay.url,
			workspace: 'team',
			token: wrongWs,
			role: 'editor'
		});
		await waitFor(() => a.sync.status.state === 'error', 'workspace error');
		expect(a.sync.status).toMatchObject({ state: 'error', reason: 'auth_refused' });
		await a.sync.connect({
			relay: 'http://127.0.0.1:1',
			workspace: 'team',
			token: wrongWs,
			role: 'editor'
		});
		await waitFor(() => a.sync.status.state === 'error', 'relay down');
		expect(a.sync.status).toMatchObject({ state: 'error', reason: 'relay_down' });
		await a.sync.disconnect();
		expect(a.sync.status).toEqual({ state: 'local' });
	});

	it('a member removed while connected gets a clear not_member error and stops retrying', async () => {
		relay = await relays.start();
		await enrollFromCli(relay.dataDir, 'team', 'olga', 'owner');
		await enrollFromCli(relay.dataDir, 'team', 'u', 'editor');
		const a = await device('u');
		await a.library.createPrompt({ name: 'mine', content: 'x' });
		await join(a);
		await settle(a);

		const owner = await relay.token('team', 'owner', 'olga');
		const removed = await fetch(`${relay.relay.url}/api/workspaces/team/members/u`, {
			method: 'DELETE',
			headers: { authorization: `Bearer ${owner}` }
		});
		expect(removed.status).toBe(200);
		await waitFor(() => a.sync.status.state === 'error', 'removal noticed');
		expect(a.sync.status).toMatchObject({
			state: 'error',
			reason: 'not_member',
			retrying: false,
			message: expect.stringMatching(/"u" is (no longer|not) a member of workspace "team"/)
		});
		expect(describeSyncStatus(a.sync.status)).toMatch(/ask an owner of the workspace/);
		expect(relay.relay.stats().connections).toBe(0);
		// Local data stays; reconnecting (e.g. network back) is refused the same way.
		a.sync.session!.link.retry();
		await waitFor(() => a.sync.status.state === 'error', 'refused again');
		expect(a.sync.status).toMatchObject({ reason: 'not_member' });
		expect((await a.library.findByName('mine'))?.content).toBe('x');
	});

	it('a viewer receives changes, and its own changes are refused before anything is written', async () => {
		relay = await relays.start();
		const a = await device('ana');
		const v = await device('vic');
		await a.library.createPrompt({ name: 'shared', content: 'x' });
		await join(a);
		await settle(a);
		await join(v, 'viewer');
		await waitFor(() => v.sync.status.state === 'synced', 'viewer synced');
		for (let i = 0; i < 50 && (await v.library.findByName('shared'))?.content !== 'x'; i++)
			await new Promise((r) => setTimeout(r, 100));
		expect((await v.library.findByName('shared'))?.content).toBe('x');
		await expect(v.library.createFolder('Mine')).rejects.toMatchObject({
			code: 'forbidden',
			message: expect.stringMatching(/You are a viewer in "team", so you cannot create folder Mine/)
		});
		const shared = await v.library.findByName('shared');
		await expect(v.library.updatePrompt(shared!.id, { content: 'mine' })).rejects.toThrow(/viewer/);
		await expect(v.vcs.commit(shared!.id, 'mine')).rejects.toThrow(/cannot commit a version/);
		expect(await v.library.listFolders()).toEqual([]);
		// Nothing was written, so nothing is refused later: sync stays clean, no reset needed.
		await new Promise((r) => setTimeout(r, 300));
		expect(v.sync.status.state).toBe('synced');
		await a.library.createFolder('From ana');
		await waitFor(
			async () => (await v.library.listFolders()).some((f) => f.name === 'From ana'),
			'viewer receives'
		);
	});
});
