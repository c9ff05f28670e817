/**
 * @module A round-robin TCP load balancer for tests: each accepted connection is piped to the
 * next backend that accepts it (a dead backend is skipped), as HAProxy or nginx in TCP mode do.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpBalancer {
	port: number;
	wsUrl: string;
	/** Backends as `host:port`; replace entries to point at restarted instances. */
	backends: string[];
	close(): Promise<void>;
}

export async function startTcpBalancer(backends: string[]): Promise<TcpBalancer> {
	const list = [...backends];
	let next = 0;
	const open = new Set<Socket>();
	const tryBackend = (client: Socket, attempt: number) => {
		if (attempt >= list.length) return void client.destroy();
		const [host, port] = list[next++ % list.length].split(':');
		const upstream = connect(Number(port), host);
		let connected = false;
		upstream.on('error', () => {
			upstream.destroy();
			if (!connected && !client.destroyed) tryBackend(client, attempt + 1);
			else client.destroy();
		});
		upstream.once('connect', () => {
			connected = true;
			open.add(upstream);
			upstream.once('close', () => open.delete(upstream));
			client.pipe(upstream);
			upstream.pipe(client);
			upstream.on('close', () => client.destroy());
			client.on('close', () => upstream.destroy());
			client.resume();
		});
	};
	const server: Server = createServer({ pauseOnConnect: true }, (client) => {
		open.add(client);
		client.once('close', () => open.delete(client));
		client.on('error', () => client.destroy());
		tryBackend(client, 0);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as { port: number }).port;
	return {
		port,
		wsUrl: `ws://127.0.0.1:${port}`,
		backends: list,
		async close() {
			for (const s of open) s.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	};
}
