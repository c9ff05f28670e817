import { afterEach, describe, expect, it } from 'vitest';
import {
	allSynced,
	collectRelayErrors,
	relayScope,
	waitFor
} from '../../sync-server/testing/harness';

const relays = relayScope(afterEach);

describe('viewer role', () => {
	it('receives updates, but its writes are dropped, reported and counted', async () => {
		const relay = await relays.start();
		const editor = relays.client(relay, 'ws1/doc', await relay.token('ws1', 'editor', 'ed'));
		const viewer = relays.client(relay, 'ws1/doc', await relay.token('ws1', 'viewer', 'vi'));
		const errors = collectRelayErrors(viewer);
		await allSynced(editor, viewer);

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
		const fresh = relays.client(relay, 'ws1/doc', await relay.token('ws1', 'editor'));
		await waitFor(() => fresh.doc.getText('t').toString() === 'from editor!', 'fresh client state');
		expect(editor.doc.getText('t').toString()).toBe('from editor!');
		expect(editor.doc.getMap('m').size).toBe(0);
	});

	it('a viewer connecting with nothing new gets no error, and its presence is shared', async () => {
		const relay = await relays.start();
		const editor = relays.client(relay, 'ws1/doc', await relay.token('ws1', 'editor'));
		await allSynced(editor);
		editor.doc.getText('t').insert(0, 'abc');
		editor.doc.getText('t').delete(0, 1);
		const viewer = relays.client(relay, 'ws1/doc', await relay.token('ws1', 'viewer'));
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
		await allSynced(viewer);
		expect(errors).toEqual([]);
		expect(relay.relay.stats().droppedViewerWrites).toBe(0);
	});
});
