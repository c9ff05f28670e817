import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { relayScope, type TestRelay } from '../../sync-server/testing/harness';

const relays = relayScope(afterEach);
const LIMIT = 1024;

interface RawExchange {
	/** Everything the relay sent, as text. */
	response: string;
	/** How the connection ended: the relay closed it cleanly (FIN) or reset it. */
	ending: 'end' | 'reset' | 'timeout';
	error?: string;
}

/**
 * Sends `head` and then `body` in chunks over a raw TCP connection (no HTTP client library to
 * smooth anything over), reads until the relay ends the connection, and reports how it ended.
 */
function exchange(relay: TestRelay, head: string, body: Buffer): Promise<RawExchange> {
	return new Promise((resolve) => {
		const socket = connect(relay.relay.port, '127.0.0.1');
		const chunks: Buffer[] = [];
		let settled = false;
		const finish = (ending: RawExchange['ending'], error?: string) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			socket.destroy();
			resolve({ response: Buffer.concat(chunks).toString('latin1'), ending, error });
		};
		const timer = setTimeout(() => finish('timeout'), 10_000);
		socket.on('data', (c: Buffer) => chunks.push(c));
		socket.on('end', () => finish('end'));
		socket.on('error', (e: NodeJS.ErrnoException) => finish('reset', e.code ?? e.message));
		socket.on('connect', async () => {
			socket.write(head);
			for (let i = 0; i < body.length && !socket.destroyed; i += 16 * 1024) {
				socket.write(body.subarray(i, i + 16 * 1024));
				await new Promise((r) => setImmediate(r));
			}
		});
	});
}

const headersOf = (response: string) => response.split('\r\n\r\n')[0].toLowerCase();

describe('a request body over maxHttpBodyBytes (413)', () => {
	it('is answered 413 with connection: close and the socket is ended cleanly after the answer', async () => {
		const relay = await relays.start({ config: { maxHttpBodyBytes: LIMIT } });
		const token = await relay.token('team', 'editor', 'ed');
		// Chunked: the relay only learns the size while reading.
		const body = Buffer.from(JSON.stringify({ docs: [{ doc: 'x'.repeat(200_000) }] }));
		const chunked = Buffer.concat([
			Buffer.from(`${body.length.toString(16)}\r\n`),
			body,
			Buffer.from('\r\n0\r\n\r\n')
		]);
		const result = await exchange(
			relay,
			`POST /sync/batch HTTP/1.1\r\nHost: relay\r\nAuthorization: Bearer ${token}\r\n` +
				'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
			chunked
		);
		expect(result.response).toMatch(/^HTTP\/1\.1 413 /);
		expect(headersOf(result.response)).toContain('connection: close');
		expect(headersOf(result.response)).not.toContain('keep-alive');
		expect(result.response).toContain(`request body exceeds ${LIMIT} bytes`);
		expect(result).toMatchObject({ ending: 'end' });
	});

	it('is refused up front when Content-Length says so, and the connection still ends cleanly', async () => {
		const relay = await relays.start({ config: { maxHttpBodyBytes: LIMIT } });
		const token = await relay.token('team', 'owner', 'olga');
		const body = Buffer.alloc(300_000, 0x61);
		const result = await exchange(
			relay,
			`POST /api/workspaces/team/comments HTTP/1.1\r\nHost: relay\r\nAuthorization: Bearer ${token}\r\n` +
				`Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
			body
		);
		expect(result.response).toMatch(/^HTTP\/1\.1 413 /);
		expect(headersOf(result.response)).toContain('connection: close');
		expect(result).toMatchObject({ ending: 'end' });
	});

	it('a request within the limit keeps its connection alive for the next one', async () => {
		const relay = await relays.start({ config: { maxHttpBodyBytes: LIMIT } });
		const result = await exchange(
			relay,
			'GET /healthz HTTP/1.1\r\nHost: relay\r\n\r\nGET /healthz HTTP/1.1\r\nHost: relay\r\nConnection: close\r\n\r\n',
			Buffer.alloc(0)
		);
		expect(result.response.match(/HTTP\/1\.1 200 /g)).toHaveLength(2);
		expect(result.ending).toBe('end');
	});
});
