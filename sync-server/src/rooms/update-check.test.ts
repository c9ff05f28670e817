import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { isNoopUpdate } from './update-check';

function pair(): { server: Y.Doc; client: Y.Doc } {
	const server = new Y.Doc();
	server.getText('t').insert(0, 'hello world');
	server.getText('t').delete(0, 6);
	const client = new Y.Doc();
	Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
	return { server, client };
}

describe('isNoopUpdate', () => {
	it('is true for a state the document already has, deletions included', () => {
		const { server, client } = pair();
		expect(isNoopUpdate(server, Y.encodeStateAsUpdate(client))).toBe(true);
		expect(isNoopUpdate(server, Y.encodeStateAsUpdate(client, Y.encodeStateVector(server)))).toBe(
			true
		);
	});

	it('is false for new content', () => {
		const { server, client } = pair();
		client.getText('t').insert(0, 'x');
		expect(isNoopUpdate(server, Y.encodeStateAsUpdate(client))).toBe(false);
	});

	it('is false for a deletion the document does not have yet', () => {
		const { server, client } = pair();
		client.getText('t').delete(0, 1);
		expect(isNoopUpdate(server, Y.encodeStateAsUpdate(client, Y.encodeStateVector(server)))).toBe(
			false
		);
	});

	it('throws on an update that cannot be decoded', () => {
		expect(() => isNoopUpdate(new Y.Doc(), new Uint8Array([1, 250, 250, 250]))).toThrow();
	});
});
