import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { CLOSE } from '../../src/lib/core/relay/protocol';
import {
	allSynced,
	relayScope,
	waitFor,
	type TestClient,
	type TestRelay
} from '../../sync-server/testing/harness';

const relays = relayScope(afterEach);
const ROOM = 'ws1/p.flood';
const CHUNK = 64 * 1024;

/**
 * Stops reading a `ws` client's TCP socket, so the relay's writes pile up behind it; returns
 * the function that reads again. (`ws` itself resumes its socket once its parser drained, so
 * `resume` is held back until then.)
 */
function holdReading(ws: WebSocket): () => void {
	const socket = (ws as unknown as { _socket: Socket })._socket;
	const resume = socket.resume.bind(socket);
	socket.resume = () => socket;
	socket.pause();
	return () => {
		socket.resume = resume;
		resume();
	};
}

/**
 * Writes `count` chunks of 64 KiB through `writer`, a few per event-loop turn, while sampling
 * the relay's buffered bytes; resolves with the largest figure seen.
 */
async function flood(relay: TestRelay, writer: TestClient, count: number): Promise<number> {
	let peak = 0;
	const sample = () => (peak = Math.max(peak, relay.relay.stats().bufferedBytes));
	const timer = setInterval(sample, 2);
	try {
		const text = writer.doc.getText('t');
		for (let i = 0; i < count; i++) {
			text.insert(text.length, String.fromCharCode(97 + (i % 26)).repeat(CHUNK));
			if (i % 4 === 3) await new Promise((r) => setTimeout(r, 5));
			sample();
		}
		await new Promise((r) => setTimeout(r, 50));
		sample();
	} finally {
		clearInterval(timer);
	}
	return peak;
}

/** A raw TCP client that completes the WebSocket upgrade of `path` and then never reads. */
function neverReader(relay: TestRelay, path: string): Promise<Socket> {
	return new Promise((resolve, reject) => {
		const socket = connect(relay.relay.port, '127.0.0.1');
		let head = '';
		socket.on('error', () => {});
		socket.once('connect', () =>
			socket.write(
				`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
					`Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`
			)
		);
		const onData = (chunk: Buffer) => {
			head += chunk.toString('latin1');
			if (!head.includes('\r\n\r\n')) return;
			socket.off('data', onData);
			socket.pause();
			if (head.startsWith('HTTP/1.1 101')) resolve(socket);
			else reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
		};
		socket.on('data', onData);
	});
}

describe('slow readers', () => {
	it('closes a socket that stops reading (1013), keeps its buffer bounded, others keep receiving', async () => {
		// Far above what a reader starved of CPU (parallel tests) falls behind, far below the flood.
		const socketLimit = 2 * 1024 * 1024;
		const relay = await relays.start({
			// A long grace, so the paused client can still read the close frame at the end.
			config: { maxSocketBufferedBytes: socketLimit, slowSocketCloseGraceMs: 60_000 }
		});
		const editor = await relay.token('ws1', 'editor', 'ed');
		const writer = relays.client(relay, ROOM, editor);
		const reader = relays.client(relay, ROOM, editor);
		const slow = relays.raw(relay, ROOM, await relay.token('ws1', 'viewer', 'slow'));
		await slow.opened;
		await allSynced(writer, reader);
		const readAgain = holdReading(slow.ws);

		const peak = await flood(relay, writer, 200);
		await waitFor(
			() => relay.relay.stats().closedSlow >= 1,
			'the relay gives up on the slow socket',
			30_000
		);
		// What the relay holds for one socket: the limit plus about two of the largest messages
		// (fan-out merges the chunks of one turn), far below the 12.5 MiB written.
		expect(peak).toBeLessThan(socketLimit + 4 * 1024 * 1024);
		await waitFor(
			() => reader.doc.getText('t').length === 200 * CHUNK,
			'the reading client received everything',
			30_000
		);

		// Reading again, it finds the close code and reason after what was queued before them.
		readAgain();
		const closed = await slow.closed;
		expect(closed.code).toBe(CLOSE.tooSlow);
		expect(closed.reason).toMatch(/too slow/);
		await waitFor(() => relay.relay.stats().connections === 2, 'the relay let the socket go');
	}, 90_000);

	it('terminates a raw socket that never reads anything (not even the close frame)', async () => {
		const relay = await relays.start({
			config: { maxSocketBufferedBytes: 256 * 1024, slowSocketCloseGraceMs: 200 }
		});
		const editor = await relay.token('ws1', 'editor', 'ed');
		const writer = relays.client(relay, ROOM, editor);
		const reader = relays.client(relay, ROOM, editor);
		await allSynced(writer, reader);
		const token = await relay.token('ws1', 'viewer', 'stuck');
		const stuck = await neverReader(relay, `/${ROOM}?token=${token}`);
		relays.defer(() => stuck.destroy());
		await waitFor(() => relay.relay.stats().connections === 3, 'stuck socket admitted');

		await flood(relay, writer, 120);
		await waitFor(
			() => relay.relay.stats().connections === 2,
			'the relay dropped the socket',
			30_000
		);
		expect(relay.relay.stats().closedSlow).toBe(1);
		await waitFor(
			() => reader.doc.getText('t').length === 120 * CHUNK,
			'reader received all',
			30_000
		);
		await waitFor(() => relay.relay.stats().bufferedBytes < 64 * 1024, 'nothing left buffered');
	}, 90_000);

	it('keeps the buffered bytes of a room under its limit by closing its slowest sockets', async () => {
		const roomLimit = 768 * 1024;
		const relay = await relays.start({
			config: {
				maxSocketBufferedBytes: 64 * 1024 * 1024,
				maxRoomBufferedBytes: roomLimit,
				slowSocketCloseGraceMs: 200
			}
		});
		const editor = await relay.token('ws1', 'editor', 'ed');
		const writer = relays.client(relay, ROOM, editor);
		const reader = relays.client(relay, ROOM, editor);
		const viewer = await relay.token('ws1', 'viewer', 'slow');
		const slow = [relays.raw(relay, ROOM, viewer), relays.raw(relay, ROOM, viewer)];
		await Promise.all(slow.map((s) => s.opened));
		await allSynced(writer, reader);
		for (const s of slow) holdReading(s.ws);

		const peak = await flood(relay, writer, 200);
		await waitFor(() => relay.relay.stats().closedSlow >= 2, 'both slow sockets closed', 30_000);
		expect(peak).toBeLessThan(roomLimit + 4 * 1024 * 1024);
		await waitFor(
			() => reader.doc.getText('t').length === 200 * CHUNK,
			'reader received all',
			30_000
		);
	}, 90_000);
});
