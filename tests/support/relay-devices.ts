/** App cores synced through a test relay: devices, joining a workspace, waiting until all is in step. */
import WebSocket from 'ws';
import type { AppCore } from '../../src/lib/core/app-core';
import { waitFor, type RelayScope, type TestRelay } from '../../sync-server/testing/harness';
import { openTestCore } from './core';

/** True when `c` is connected and has nothing left to send or fetch. */
export const synced = (c: AppCore) => c.sync.status.state === 'synced' && c.sync.session!.link.idle;

/** Waits until every core is in step with the relay and has projected what it received. */
export async function settle(...cs: AppCore[]): Promise<void> {
	await waitFor(() => cs.every(synced), 'all synced', 15_000);
	for (const c of cs) await c.sync.flush();
}

/**
 * Devices closed when `relays` tears down, joined to the relay `relay()` returns at the time
 * (a test may restart it): `const { device, join } = relayDevices(relays, () => relay)`.
 */
export function relayDevices(relays: RelayScope, relay: () => TestRelay) {
	return {
		async device(name: string): Promise<AppCore> {
			const core = await openTestCore({
				author: () => name,
				sync: { WebSocket: WebSocket as unknown as typeof globalThis.WebSocket }
			});
			relays.defer(async () => {
				await core.sync.close();
				core.close();
			});
			return core;
		},
		async join(core: AppCore, role: 'editor' | 'viewer' = 'editor', workspace = 'team') {
			const r = relay();
			const token = await r.token(workspace, role, 'u');
			await core.sync.connect({ relay: r.relay.url, workspace, token, role });
		}
	};
}
