import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AppCore } from '../app-core';
import { startRelay, silentLogger, type RelayHandle } from '../../../../sync-server/src/index';
import { createToken } from '../../../../sync-server/src/auth/token';
import { makeDataDir, removeDataDir, waitFor } from '../../../../sync-server/testing/harness';
import { openTestCore } from '../../../../tests/support/core';
import { pairKey } from './ydoc-model';

let relay: RelayHandle | undefined;
let dataDir: string | undefined;
const cores: AppCore[] = [];

afterEach(async () => {
	for (const c of cores.splice(0)) {
		await c.sync.close();
		c.close();
	}
	await relay?.close();
	relay = undefined;
	if (dataDir) await removeDataDir(dataDir);
	dataDir = undefined;
});

/** `ws` over a slow uplink: each message reaches the relay 150 ms after it was sent. */
class SlowUplink extends WebSocket {
	send(data: Parameters<WebSocket['send']>[0]): void {
		setTimeout(() => {
			if (this.readyState === WebSocket.OPEN) super.send(data);
		}, 150);
	}
}

async function device(name: string, ws: typeof WebSocket = WebSocket): Promise<AppCore> {
	const core = await openTestCore({
		author: () => name,
		sync: { WebSocket: ws as unknown as typeof globalThis.WebSocket }
	});
	cores.push(core);
	return core;
}

async function join(core: AppCore, user: string, role: 'editor' | 'viewer') {
	const token = await createToken({ dataDir: dataDir!, workspace: 'team', role, user });
	await core.sync.connect({ relay: relay!.url, workspace: 'team', token, role });
}

const synced = (c: AppCore) => c.sync.status.state === 'synced' && c.sync.session!.link.idle;

async function settle(...cs: AppCore[]) {
	await waitFor(() => cs.every(synced), 'all synced', 15_000);
	for (const c of cs) await c.sync.flush();
}

/** Waits until the prompt named `name` has the text `want` on `c`. */
async function contentOn(c: AppCore, name: string, want: string) {
	for (let i = 0; i < 300; i++) {
		if ((await c.library.findByName(name))?.content === want) return;
		await new Promise((r) => setTimeout(r, 50));
	}
	expect((await c.library.findByName(name))?.content).toBe(want);
}

/**
 * Editors `ana` (over `anaWs`) and `ben` share a committed prompt; then a move of its protected
 * label slips past ana's app (e.g. made by an older client) and the relay refuses it.
 */
async function refusedLabelMove(anaWs: typeof WebSocket = WebSocket) {
	dataDir = await makeDataDir();
	relay = await startRelay({ port: 0, dataDir, logger: silentLogger });
	const ana = await device('ana', anaWs);
	const ben = await device('ben');
	const p = await ana.library.createPrompt({ name: 'greet', content: 'Hello' });
	const v1 = await ana.vcs.commit(p.id, 'first');
	await join(ana, 'ana', 'editor');
	await join(ben, 'ben', 'editor');
	await settle(ana, ben);
	await contentOn(ben, 'greet', 'Hello');
	const { docs } = ana.sync.session!;
	docs.index.transact(() => {
		docs.maps.labels.set(pairKey(p.id, 'production'), {
			promptId: p.id,
			name: 'production',
			versionId: v1.id,
			updatedAt: 1,
			updatedBy: 'ana'
		});
	}, 'promptloom:local');
	await waitFor(() => ana.sync.status.state === 'error', 'refused');
	return { ana, ben, p, docs };
}

describe('reset from the relay after a dropped update', () => {
	it('a viewer sees the read-only error, resets, loses its own edits and keeps receiving', async () => {
		dataDir = await makeDataDir();
		relay = await startRelay({ port: 0, dataDir, logger: silentLogger });
		const ed = await device('ed');
		const vic = await device('vic');
		const p = await ed.library.createPrompt({ name: 'shared', content: 'relay text' });
		await join(ed, 'ed', 'editor');
		await settle(ed);
		await join(vic, 'vic', 'viewer');
		await contentOn(vic, 'shared', 'relay text');

		// The core refuses a viewer's change before writing anything…
		await expect(vic.library.createFolder('Mine')).rejects.toThrow(
			/You are a viewer in ".*", so you cannot create folder Mine/
		);
		expect(await vic.library.listFolders()).toEqual([]);
		// …so only an edit that bypasses it (an old client) reaches the relay and is dropped there.
		const live = await vic.sync.openForEditing(p.id);
		live!.ytext.insert(0, 'viewer: ');
		await waitFor(() => vic.sync.status.state === 'error', 'read-only error');
		expect(vic.sync.status).toMatchObject({ reason: 'read_only', canReset: true });
		live!.release();
		// The confirmation names what the reset drops: the refused change, and "shared" by name.
		const drops = await vic.sync.resetPreview();
		expect(drops).toEqual([
			expect.stringMatching(/^The refused change to the workspace index: your role is read-only/),
			expect.stringMatching(/^Your edits to shared \([0-9a-z]{6}\)$/)
		]);

		await vic.sync.resetFromRelay();
		await settle(vic);
		expect(vic.sync.status.state).toBe('synced');
		expect((await vic.library.getPrompt(p.id)).content).toBe('relay text');
		expect(await vic.library.listFolders()).toEqual([]);

		await ed.library.updatePrompt(p.id, { content: 'relay text, edited later' });
		await contentOn(vic, 'shared', 'relay text, edited later');
	});

	it('an editor whose label move was refused resets, keeps its other work, and syncs again', async () => {
		const { ana, ben, p, docs } = await refusedLabelMove();
		expect(ana.sync.status).toMatchObject({ reason: 'rejected', canReset: true });

		// Later work on this device depends on the refused update; the relay cannot apply it.
		const later = await ana.library.createPrompt({ name: 'later', content: 'made after' });
		await ana.sync.flush();
		// An editor keeps its prompt edits: only the refused change and label moves are dropped.
		const drops = await ana.sync.resetPreview();
		expect(drops).toEqual([
			expect.stringMatching(/^The refused change to the workspace index: /),
			'Label moves the relay has not accepted'
		]);

		await ana.sync.resetFromRelay();
		await settle(ana);
		expect(ana.sync.status.state).toBe('synced');
		expect(docs === ana.sync.session!.docs).toBe(false);
		expect(ana.sync.session!.docs.maps.labels.has(pairKey(p.id, 'production'))).toBe(false);
		expect(await ana.db.labels.get([p.id, 'production'])).toBeUndefined();
		expect((await ana.library.getPrompt(later.id)).content).toBe('made after');

		// The written-back prompt and new edits reach the other device.
		await contentOn(ben, 'later', 'made after');
		await ana.library.updatePrompt(p.id, { content: 'Hello again' });
		await contentOn(ben, 'greet', 'Hello again');
	});

	it('a reset waits for the upload under way, so a prompt written back is not doubled', async () => {
		const { ana, ben } = await refusedLabelMove(SlowUplink);

		// Its text travels to the relay while the reset starts (the relay lacks its index entry).
		const later = await ana.library.createPrompt({ name: 'later', content: 'made after' });
		await ana.sync.flush();
		expect(ana.sync.session!.link.idle).toBe(false);
		await ana.sync.resetFromRelay();
		await settle(ana);

		expect((await ana.library.getPrompt(later.id)).content).toBe('made after');
		await contentOn(ben, 'later', 'made after');
		await settle(ana, ben);
		expect((await ana.library.getPrompt(later.id)).content).toBe('made after');
		expect((await ben.library.getPrompt(later.id)).content).toBe('made after');
	});
});

describe('open editors across a reset', () => {
	it('tells an open chat editor to bind again; the new binding holds the relay copy and stays live', async () => {
		dataDir = await makeDataDir();
		relay = await startRelay({ port: 0, dataDir, logger: silentLogger });
		const ed = await device('ed');
		const vic = await device('vic');
		const messages = [
			{ role: 'system' as const, content: 'Be brief.' },
			{ role: 'user' as const, content: 'Summarize {{ text }}' }
		];
		const p = await ed.library.createPrompt({ name: 'chat', type: 'chat', messages });
		await join(ed, 'ed', 'editor');
		await settle(ed);
		await join(vic, 'vic', 'viewer');
		await waitFor(
			async () => (await vic.library.findByName('chat'))?.messages.length === 2,
			'chat'
		);

		const before = (await vic.sync.openForEditing(p.id))!;
		expect(before.messages.read()).toEqual(messages);
		let replaced = 0;
		const off = vic.sync.onSessionChange(() => replaced++);
		// An edit that bypasses the core's role check (an old client) is dropped by the relay.
		before.messages.list()[0].text!.insert(0, 'viewer: ');
		await waitFor(() => vic.sync.status.state === 'error', 'read-only error');
		await vic.sync.resetFromRelay();
		await settle(vic);
		off();
		expect(replaced).toBe(1);

		// The old binding's document is gone; binding again gives the fresh copy.
		const after = (await vic.sync.openForEditing(p.id))!;
		expect(after.ytext.doc).not.toBe(before.ytext.doc);
		expect(after.messages.read()).toEqual(messages);
		before.release();

		// An editor adds, moves and types live: the new binding and vic's database follow.
		const edLive = (await ed.sync.openForEditing(p.id))!;
		const added = edLive.messages.add('assistant', 'Sure.');
		edLive.messages.move(added, 1);
		edLive.messages.list()[2].text!.insert(0, 'Please: ');
		const want = [
			{ role: 'system', content: 'Be brief.' },
			{ role: 'assistant', content: 'Sure.' },
			{ role: 'user', content: 'Please: Summarize {{ text }}' }
		];
		await waitFor(() => JSON.stringify(after.messages.read()) === JSON.stringify(want), 'live');
		await waitFor(
			async () =>
				JSON.stringify((await vic.library.getPrompt(p.id)).messages) === JSON.stringify(want),
			'projected'
		);
		expect(vic.sync.status.state).toBe('synced');
		after.release();
		edLive.release();
	});
});
