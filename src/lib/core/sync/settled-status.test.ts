import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AppCore } from '../app-core';
import { startRelay, silentLogger, type RelayHandle } from '../../../../sync-server/src/index';
import { createToken } from '../../../../sync-server/src/auth/token';
import { makeDataDir, removeDataDir } from '../../../../sync-server/testing/harness';
import { openTestCore } from '../../../../tests/support/core';

let relay: RelayHandle | undefined;
let dataDir: string | undefined;
const cores: AppCore[] = [];

afterEach(async () => {
	for (const c of cores.splice(0)) {
		await c.sync.close();
		await c.close();
	}
	await relay?.close();
	relay = undefined;
	if (dataDir) await removeDataDir(dataDir);
	dataDir = undefined;
});

async function device(): Promise<AppCore> {
	const core = await openTestCore({
		sync: { WebSocket: WebSocket as unknown as typeof globalThis.WebSocket }
	});
	cores.push(core);
	return core;
}

describe('the status a connect message may claim', () => {
	it('is "synced" once the relay accepted the token, and the refusal when it did not', async () => {
		dataDir = await makeDataDir();
		relay = await startRelay({ port: 0, dataDir, logger: silentLogger });
		const ok = await device();
		const token = await createToken({ dataDir, workspace: 'team', role: 'editor', user: 'ada' });
		await ok.sync.connect({ relay: relay.url, workspace: 'team', token });
		expect((await ok.sync.settledStatus()).state).toBe('synced');
		// The person connecting becomes the display name (nothing was chosen before).
		expect(ok.identity.current.name).toBe('ada');

		const refused = await device();
		const other = await createToken({ dataDir, workspace: 'other', role: 'editor', user: 'bo' });
		await refused.sync.connect({ relay: relay.url, workspace: 'team', token: other });
		const s = await refused.sync.settledStatus();
		expect(s).toMatchObject({ state: 'error' });
		expect(refused.sync.status.state).toBe('error');
	});
});
