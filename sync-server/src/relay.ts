/** @module `startRelay`: the HTTP server, the WebSocket upgrade path and the relay's lifecycle. */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { AccessControl } from './access';
import { loadOrCreateSecret } from './auth/secret';
import { resolveRelayConfig, type RelayConfig } from './config';
import { Connection, type RelayCounters } from './connection';
import { addBatchRoute } from './http/batch';
import { RelayCollab, addCollabRoutes } from './collab';
import { startApi, type ApiConfig } from './api';
import { Router, sendJson } from './http/router';
import { redactingLogger, silentLogger, type RelayLogger } from './logger';
import { CLOSE } from '../../src/lib/core/relay/protocol';
import { RoomRegistry } from './rooms/registry';
import { openLeveldbStore, type RoomStore } from './rooms/store';
import { admit, chooseSubprotocol, refuseUpgrade, type Admission } from './upgrade';
import { openScale, type RelayScale } from './scale/scale';
import { RelayMetrics, requestIdOf } from './scale/metrics';
import { storageGate } from './scale/storage-gate';

export interface StartRelayOptions {
	/** TCP port; 0 picks a free one (read it back from the handle). */
	port: number;
	/** Interface to bind; defaults to 127.0.0.1. */
	host?: string;
	/** Directory for `secret.key` and the LevelDB store; created when missing. */
	dataDir: string;
	logger?: RelayLogger;
	/** Overrides of {@link RelayConfig} limits. */
	config?: Partial<RelayConfig>;
	/** Adds REST routes (the REST API plugs in here). */
	routes?: (router: Router, context: RelayContext) => void;
	/** Wraps the LevelDB store (tests use it to delay or fail writes). */
	wrapStore?: (store: RoomStore) => RoomStore;
	/** Overrides of the HTTP API's limits (`api/config.ts`). */
	api?: Partial<ApiConfig>;
	/**
	 * `postgres://…`: documents, member registries, API keys and the token secret live in
	 * PostgreSQL instead of `dataDir`, shared by every instance (see `scale/`).
	 */
	postgres?: string;
	/** `redis://…`: updates and presence travel between instances through Redis pub/sub. */
	redis?: string;
}

/** What route modules may use. */
export interface RelayContext {
	secret: Uint8Array;
	config: RelayConfig;
	store: RoomStore;
	rooms: RoomRegistry;
	logger: RelayLogger;
}

export interface RelayStats extends RelayCounters {
	rooms: number;
	connections: number;
	refusedUpgrades: number;
	/** Bytes queued on all open sockets that their clients have not read yet. */
	bufferedBytes: number;
}

export interface RelayHandle {
	port: number;
	/** `http://host:port` */
	url: string;
	/**
	 * `ws://host:port`: clients connect to `${wsUrl}/<workspaceId>/<docId>` offering the
	 * subprotocols `promptloom` and `token.<token>` (see `upgrade.ts`).
	 */
	wsUrl: string;
	stats(): RelayStats;
	/** Closes every socket (1001), writes and compacts every room, closes the store. */
	close(): Promise<void>;
}

function urlHost(host: string): string {
	return host.includes(':') ? `[${host}]` : host;
}

/** Starts a relay and resolves once it listens. */
export async function startRelay(options: StartRelayOptions): Promise<RelayHandle> {
	const config = resolveRelayConfig(options.config);
	// Whatever logger is given, no token ever reaches it.
	const logger = redactingLogger(options.logger ?? silentLogger);
	const host = options.host ?? '127.0.0.1';
	const metrics = new RelayMetrics();
	const scale: RelayScale | null =
		options.postgres || options.redis
			? await openScale({ postgres: options.postgres, redis: options.redis, logger, metrics })
			: null;
	const secret = scale?.postgres?.secret ?? (await loadOrCreateSecret(options.dataDir));
	const baseStore = scale?.postgres?.store ?? (await openLeveldbStore(options.dataDir));
	const store = options.wrapStore ? options.wrapStore(baseStore) : baseStore;
	const rooms = new RoomRegistry(store, config, logger, scale?.fanout ?? undefined);
	const counters: RelayCounters = {
		droppedViewerWrites: 0,
		droppedAwarenessEntries: 0,
		closedMalformed: 0,
		closedOversize: 0,
		closedSlow: 0
	};
	let refusedUpgrades = 0;
	let connections = 0;
	const perToken = new Map<string, number>();
	const sockets = new Set<WebSocket>();
	const alive = new WeakSet<WebSocket>();
	let closing = false;

	const router = new Router();
	router.add('GET', '/healthz', (_req, res) => {
		const fanout = scale?.fanout ? (scale.fanout.healthy() ? 'ok' : 'degraded') : undefined;
		sendJson(res, 200, {
			ok: true,
			rooms: rooms.size,
			connections,
			...(scale && {
				storage: scale.postgres ? 'postgres' : 'leveldb',
				...(fanout && { fanout })
			})
		});
	});
	// Readiness: a load balancer sends no new clients to an instance that cannot store.
	router.add('GET', '/readyz', async (_req, res) => {
		const storage = gate ? await gate.check() : true;
		sendJson(res, storage && !closing ? 200 : 503, { ready: storage && !closing, storage });
	});
	router.add('GET', '/metrics', async (_req, res) => {
		const text = await metrics.render();
		res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
		res.end(text);
	});
	const collab = new RelayCollab(scale?.blobs ?? options.dataDir, rooms);
	const gate = scale?.postgres
		? storageGate(() => scale.postgres!.reachable(), rooms, logger)
		: null;
	const guard = gate ? gate.guard(collab.guard) : collab.guard;
	const access = new AccessControl(collab.registry, logger);
	addBatchRoute(router, { secret, config, store, rooms, access: (claims) => access.check(claims) });
	addCollabRoutes(router, { secret, config, collab });
	const api = await startApi(router, {
		dataDir: options.dataDir,
		blobs: scale?.blobs,
		secret,
		relayConfig: config,
		rooms,
		store,
		collab,
		logger,
		config: options.api
	});
	options.routes?.(router, { secret, config, store, rooms, logger });

	metrics.observeRelay({ connections: () => connections, rooms: () => rooms.size });
	const server = createServer((req, res) => {
		metrics.trackRequest(req, res, logger);
		void router.handle(req, res);
	});
	// Our own size check (below the hard cap) closes with a readable reason; ws's cap is the backstop.
	const wss = new WebSocketServer({
		noServer: true,
		maxPayload: config.maxMessageBytes * 2 + 1024,
		handleProtocols: chooseSubprotocol
	});

	const reserve = (a: Admission) => {
		connections++;
		perToken.set(a.token, (perToken.get(a.token) ?? 0) + 1);
		return rooms.acquire(a.workspace, a.room);
	};
	const release = (a: Admission) => {
		connections--;
		const left = (perToken.get(a.token) ?? 1) - 1;
		if (left > 0) perToken.set(a.token, left);
		else perToken.delete(a.token);
		rooms.release(a.workspace, a.room);
	};

	const onUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
		const requestId = requestIdOf(req);
		const result = await admit(req, secret, config, {
			connections,
			connectionsOfToken: (t) => perToken.get(t) ?? 0,
			wouldExceedWorkspaceLimit: (w, r) => rooms.wouldExceedWorkspaceLimit(w, r)
		});
		if (closing) return refuseUpgrade(socket, 503, 'relay is shutting down');
		if (!result.ok) {
			refusedUpgrades++;
			logger.info('upgrade refused', { requestId, status: result.status, error: result.error });
			return refuseUpgrade(socket, result.status, result.error);
		}
		const verdict = await access.check(result.admission.claims);
		if (!verdict.ok) {
			refusedUpgrades++;
			logger.info('upgrade refused', { requestId, status: verdict.status, error: verdict.error });
			return refuseUpgrade(socket, verdict.status, verdict.error);
		}
		if (socket.destroyed) return;
		const admission = result.admission;
		const room = reserve(admission);
		let accepted = false;
		socket.once('close', () => {
			if (!accepted) release(admission);
		});
		wss.handleUpgrade(req, socket, head, (ws) => {
			accepted = true;
			sockets.add(ws);
			alive.add(ws);
			const connection = new Connection(
				ws,
				room,
				admission.claims,
				config,
				counters,
				logger,
				guard,
				verdict.role
			);
			const untrack = access.track(connection);
			ws.on('pong', () => alive.add(ws));
			ws.on('error', (e) =>
				logger.warn('socket error', { room: admission.room, error: e.message })
			);
			ws.on('close', () => {
				sockets.delete(ws);
				untrack();
				connection.detach();
				release(admission);
			});
			logger.info('connected', {
				requestId,
				room: admission.room,
				user: admission.claims.user,
				role: verdict.role
			});
		});
	};

	server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
		socket.on('error', () => {});
		onUpgrade(req, socket, head).catch((e: unknown) => {
			logger.error('upgrade failed', { error: String(e) });
			refuseUpgrade(socket, 500, 'internal error');
		});
	});

	const ping = setInterval(() => {
		for (const ws of sockets) {
			if (!alive.has(ws)) {
				ws.terminate();
				continue;
			}
			alive.delete(ws);
			ws.ping();
		}
	}, config.pingIntervalMs);
	ping.unref();

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port, host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const port = (server.address() as AddressInfo).port;
	const base = `${urlHost(host)}:${port}`;
	logger.info('relay listening', { url: `http://${base}`, dataDir: options.dataDir });

	let closed: Promise<void> | null = null;
	return {
		port,
		url: `http://${base}`,
		wsUrl: `ws://${base}`,
		stats: () => {
			let bufferedBytes = 0;
			for (const ws of sockets) bufferedBytes += ws.bufferedAmount;
			return { ...counters, rooms: rooms.size, connections, refusedUpgrades, bufferedBytes };
		},
		close() {
			closed ??= (async () => {
				closing = true;
				clearInterval(ping);
				access.close();
				gate?.close();
				const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
				for (const ws of sockets) ws.close(CLOSE.goingAway, 'relay shutting down');
				server.closeAllConnections();
				await Promise.all(
					[...sockets].map(
						(ws) =>
							new Promise<void>((resolve) => {
								if (ws.readyState === ws.CLOSED) return resolve();
								const t = setTimeout(() => {
									ws.terminate();
									resolve();
								}, 1000);
								ws.once('close', () => {
									clearTimeout(t);
									resolve();
								});
							})
					)
				);
				await serverClosed;
				await api.close();
				await rooms.settle();
				await store.close();
				await scale?.close();
				logger.info('relay closed');
			})();
			return closed;
		}
	};
}
