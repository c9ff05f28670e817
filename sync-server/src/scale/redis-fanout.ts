/**
 * @module Fan-out between relay instances through Redis pub/sub: one channel per open room
 * carries its stored updates and its awareness changes, one channel announces shared documents
 * (member registries, API keys) written by an instance. An instance subscribes only to rooms it
 * has open. While Redis is unreachable the relay goes on serving its own clients (`healthy()` is
 * false, shown by `/healthz`); when Redis is back, every open room re-reads its state from
 * PostgreSQL (`resync`), so nothing published meanwhile is missed.
 *
 * Message: byte 0 kind (0 update, 1 awareness), bytes 1-8 the sender's clock (ms, float64),
 * bytes 9-24 the sending instance's id, then the payload.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { RelayLogger } from '../logger';

export type PeerKind = 'update' | 'awareness';

/** What a room receives from the other instances. */
export interface PeerSink {
	update(update: Uint8Array): void;
	awareness(update: Uint8Array): void;
	/** Messages may have been missed (Redis was unreachable): reload from storage. */
	resync(): void;
}

/** What a room needs to reach the other instances (see `Room`). */
export interface RoomPeers {
	/** Subscribes `sink` to `room`; `ready` resolves once subscribed (at once while Redis is down). */
	join(room: string, sink: PeerSink): { ready: Promise<void>; leave(): void };
	publish(room: string, kind: PeerKind, payload: Uint8Array): void;
}

export interface RedisFanout extends RoomPeers {
	/** True while both Redis connections are up. */
	healthy(): boolean;
	/** Announces that this instance wrote shared document `name`. */
	announceBlob(name: string): void;
	onRemoteBlob(listener: (name: string) => void): () => void;
	close(): Promise<void>;
}

export interface RedisFanoutOptions {
	logger: RelayLogger;
	/** Seconds between a peer's publish and its arrival here (clock of both hosts). */
	onLag?: (seconds: number) => void;
	/** Called when Redis becomes unreachable or reachable again. */
	onHealth?: (healthy: boolean) => void;
}

const ROOM_PREFIX = 'promptloom:room:';
const BLOB_CHANNEL = 'promptloom:blobs';
const HEADER = 1 + 8 + 16;

export async function openRedisFanout(
	url: string,
	options: RedisFanoutOptions
): Promise<RedisFanout> {
	const instance = randomBytes(16);
	const connect = () =>
		new Redis(url, {
			// Fail fast while down: the room's state is re-read from PostgreSQL when Redis is back.
			enableOfflineQueue: false,
			autoResubscribe: false,
			maxRetriesPerRequest: 0,
			retryStrategy: (times) => Math.min(times * 100, 1000),
			lazyConnect: true
		});
	const pub = connect();
	const sub = connect();
	const sinks = new Map<string, Set<PeerSink>>();
	const blobListeners = new Set<(name: string) => void>();
	let wasHealthy = false;
	let closed = false;

	const healthy = () => pub.status === 'ready' && sub.status === 'ready';
	const report = () => {
		const now = healthy();
		if (now === wasHealthy) return;
		wasHealthy = now;
		options.onHealth?.(now);
		options.logger[now ? 'info' : 'warn'](
			now ? 'redis fan-out restored' : 'redis fan-out degraded: serving local clients only'
		);
	};
	for (const c of [pub, sub]) {
		c.on('error', () => {});
		c.on('close', report);
		c.on('end', report);
	}
	pub.on('ready', report);
	// (Re)connected: subscribe to every open room again, then let each room catch up.
	sub.on('ready', () => {
		const channels = [BLOB_CHANNEL, ...[...sinks.keys()].map((r) => ROOM_PREFIX + r)];
		sub.subscribe(...channels).then(
			() => {
				report();
				for (const set of sinks.values()) for (const s of set) s.resync();
			},
			(e: unknown) => options.logger.warn('redis subscribe failed', { error: String(e) })
		);
	});

	sub.on('messageBuffer', (channelBuf: Buffer, message: Buffer) => {
		const channel = channelBuf.toString();
		if (message.length < HEADER || instance.equals(message.subarray(9, HEADER))) return;
		options.onLag?.(Math.max(0, Date.now() - message.readDoubleBE(1)) / 1000);
		const payload = new Uint8Array(
			message.buffer,
			message.byteOffset + HEADER,
			message.length - HEADER
		);
		if (channel === BLOB_CHANNEL) {
			const name = Buffer.from(payload).toString('utf8');
			for (const l of blobListeners) l(name);
			return;
		}
		if (!channel.startsWith(ROOM_PREFIX)) return;
		const set = sinks.get(channel.slice(ROOM_PREFIX.length));
		if (!set) return;
		for (const s of set) {
			if (message[0] === 0) s.update(payload);
			else s.awareness(payload);
		}
	});

	const send = (channel: string, kind: number, payload: Uint8Array) => {
		if (!healthy()) return;
		const message = Buffer.allocUnsafe(HEADER + payload.byteLength);
		message[0] = kind;
		message.writeDoubleBE(Date.now(), 1);
		instance.copy(message, 9);
		message.set(payload, HEADER);
		pub.publish(channel, message).catch(() => {});
	};

	await Promise.all(
		[pub, sub].map((c) =>
			c.connect().catch((e: unknown) => {
				options.logger.warn('redis unreachable at start; fan-out degraded until it answers', {
					error: String(e)
				});
			})
		)
	);

	return {
		healthy,
		join(room, sink) {
			let set = sinks.get(room);
			const first = !set;
			if (!set) sinks.set(room, (set = new Set()));
			set.add(sink);
			const ready =
				first && sub.status === 'ready'
					? sub.subscribe(ROOM_PREFIX + room).then(
							() => undefined,
							() => undefined
						)
					: Promise.resolve();
			return {
				ready,
				leave() {
					set.delete(sink);
					if (set.size > 0 || sinks.get(room) !== set) return;
					sinks.delete(room);
					if (sub.status === 'ready') sub.unsubscribe(ROOM_PREFIX + room).catch(() => {});
				}
			};
		},
		publish(room, kind, payload) {
			send(ROOM_PREFIX + room, kind === 'update' ? 0 : 1, payload);
		},
		announceBlob(name) {
			send(BLOB_CHANNEL, 2, Buffer.from(name, 'utf8'));
		},
		onRemoteBlob(listener) {
			blobListeners.add(listener);
			return () => blobListeners.delete(listener);
		},
		async close() {
			if (closed) return;
			closed = true;
			pub.disconnect();
			sub.disconnect();
		}
	};
}
