import * as decoding from 'lib0/decoding';
import { afterEach, describe, expect, it } from 'vitest';
import {
	MESSAGE_RELAY_ERROR,
	decodeRelayError,
	type RelayErrorPayload
} from '../../sync-server/src/protocol';
import {
	connectClient,
	removeDataDir,
	startTestRelay,
	waitFor,
	type TestClient,
	type TestRelay
} from '../../sync-server/testing/harness';

let relay: TestRelay | undefined;
const clients: TestClient[] = [];

afterEach(async () => {
	for (const c of clients.splice(0)) c.destroy();
	if (relay) {
		await relay.relay.close();
		await removeDataDir(relay.dataDir);
		relay = undefined;
	}
});

/** Registers the app-side handler for relay error messages (type 4) on a stock provider. */
function collectRelayErrors(client: TestClient): RelayErrorPayload[] {
	const received: RelayErrorPayload[] = [];
	client.provider.messageHandlers[MESSAGE_RELAY_ERROR] = (_encoder, decoder: decoding.Decoder) => {
		received.push(decodeRelayError(decoder));
	};
	return received;
}

describe('viewer role', () => {
	it('receives updates, but its writes are dropped, reported and counted', async () => {
		relay = await startTestRelay();
		const editor = connectClient(
			relay.relay.wsUrl,
			'ws1/doc',
			await relay.token('ws1', 'editor', 'ed')
		);
		const viewer = connectClient(
			relay.relay.wsUrl,
			'ws1/doc',
			await relay.token('ws1', 'viewer', 'vi')
		);
		clients.push(editor, viewer);
		const errors = collectRelayErrors(viewer);
		await waitFor(() => editor.provider.synced && viewer.provider.synced, 'synced');

		editor.doc.getText('t').insert(0, 'from editor');
		await waitFor(() => viewer.doc.getText('t').toString() === 'from editor', 'viewer receives');

		viewer.doc.getText('t').insert(0, 'VIEWER WRITE ');
		viewer.doc.getMap('m').set('x', 1);
		await waitFor(() => errors.length >= 2, 'two read-only reports');
		expect(errors[0]).toMatchObject({ code: 'read_only', room: 'ws1/doc', dropped: 1 });
		expect(errors[1].dropped).toBe(2);
		expect(relay.relay.stats().droppedViewerWrites).toBe(2);

		// The relay kept its state: a later editor write arrives, the viewer's never does.
		editor.doc.getText('t').insert(11, '!');
		await waitFor(
			() => viewer.doc.getText('t').toString().endsWith('from editor!'),
			'later update'
		);
		const fresh = connectClient(relay.relay.wsUrl, 'ws1/doc', await relay.token('ws1', 'editor'));
		clients.push(fresh);
		await waitFor(() => fresh.doc.getText('t').toString() === 'from editor!', 'fresh client state');
		expect(editor.doc.getText('t').toString()).toBe('from editor!');
		expect(editor.doc.getMap('m').size).toBe(0);
	});

	it('a viewer connecting with nothing new gets no error, and its presence is shared', async () => {
		relay = await startTestRelay();
		const editor = connectClient(relay.relay.wsUrl, 'ws1/doc', await relay.token('ws1', 'editor'));
		clients.push(editor);
		await waitFor(() => editor.provider.synced, 'editor synced');
		editor.doc.getText('t').insert(0, 'abc');
		editor.doc.getText('t').delete(0, 1);
		const viewer = connectClient(relay.relay.wsUrl, 'ws1/doc', await relay.token('ws1', 'viewer'));
		clients.push(viewer);
		const errors = collectRelayErrors(viewer);
		viewer.provider.awareness.setLocalStateField('user', { name: 'Vee' });
		await waitFor(() => viewer.doc.getText('t').toString() === 'bc', 'viewer state');
		await waitFor(
			() => editor.provider.awareness.getStates().get(viewer.doc.clientID)?.user?.name === 'Vee',
			'viewer presence at editor'
		);
		// Reconnect the viewer: its state now equals the relay's, so nothing is reported.
		viewer.provider.disconnect();
		viewer.provider.connect();
		await waitFor(() => viewer.provider.synced, 'viewer resynced');
		expect(errors).toEqual([]);
		expect(relay.relay.stats().droppedViewerWrites).toBe(0);
	});
});
