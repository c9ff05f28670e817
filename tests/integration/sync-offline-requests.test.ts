/** While offline or with the relay down, background requests back off or stop (no retry storm). */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { relayScope, waitFor, type TestRelay } from '../../sync-server/testing/harness';
import { openTestCore } from '../support/core';
import { settle } from '../support/relay-devices';

const relays = relayScope(afterEach);

/** A device whose sockets and HTTP requests are counted, with a switchable network state. */
async function countedDevice() {
	const sockets: string[] = [];
	const requests: string[] = [];
	let online = true;
	class CountedWebSocket extends WebSocket {
		constructor(url: string, protocols?: string | string[]) {
			super(url, protocols);
			sockets.push(url);
		}
	}
	const fetcher: typeof fetch = (input, init) => {
		requests.push(String(input));
		return fetch(input, init);
	};
	const core = await openTestCore({
		author: () => 'ana',
		sync: {
			WebSocket: CountedWebSocket as unknown as typeof globalThis.WebSocket,
			fetch: fetcher,
			isOnline: () => online
		}
	});
	relays.defer(async () => {
		await core.sync.close();
		await core.close();
	});
	return {
		core,
		sockets,
		requests,
		setOnline(value: boolean) {
			online = value;
			core.sync.networkChanged();
		}
	};
}

async function joined(relay: TestRelay) {
	const d = await countedDevice();
	const p = await d.core.library.createPrompt({ name: 'greet', content: 'Hello' });
	await d.core.sync.connect({
		relay: relay.relay.url,
		workspace: 'team',
		token: await relay.token('team', 'owner', 'ana')
	});
	await settle(d.core);
	return { ...d, promptId: p.id };
}

describe('background requests while the network is gone', () => {
	it('sends nothing and opens no socket while the device is offline, however often the UI asks', async () => {
		const relay = await relays.start();
		const d = await joined(relay);
		d.setOnline(false);
		await waitFor(() => d.core.sync.status.state === 'offline', 'offline');
		const [sockets, requests] = [d.sockets.length, d.requests.length];
		for (let i = 0; i < 50; i++) {
			await expect(d.core.collab.comments(d.promptId)).rejects.toThrow(/offline/);
			d.core.sync.session?.link.markersChanged([d.promptId]);
		}
		await new Promise((ok) => setTimeout(ok, 1500));
		expect(d.sockets.length).toBe(sockets);
		expect(d.requests.length).toBe(requests);
	});

	it('with the relay down, polls it at a backing-off pace and opens no prompt sockets', async () => {
		const relay = await relays.start();
		const d = await joined(relay);
		await relay.relay.close();
		await waitFor(() => d.core.sync.status.state !== 'synced', 'notices');
		const requests = d.requests.length;
		const promptSockets = () => d.sockets.filter((u) => !u.includes('/index')).length;
		const before = promptSockets();
		const errors: string[] = [];
		for (let i = 0; i < 40; i++) {
			errors.push(
				await d.core.collab.comments(d.promptId).then(
					() => 'ok',
					(e: Error) => e.message
				)
			);
			d.core.sync.session?.link.markersChanged([d.promptId]);
			await new Promise((ok) => setTimeout(ok, 100));
		}
		const comments = d.requests.slice(requests).filter((u) => u.includes('/comments'));
		// 4 s of asking 10 times a second: 1 s, 2 s, … of backoff allow at most three tries.
		expect(comments.length).toBeGreaterThan(0);
		expect(comments.length).toBeLessThanOrEqual(3);
		expect(errors.filter((e) => /trying again in/.test(e)).length).toBeGreaterThan(30);
		expect(promptSockets()).toBe(before);
	});
});
