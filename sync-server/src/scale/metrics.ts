/**
 * @module The relay's Prometheus metrics (`GET /metrics`, text format, prom-client) and its
 * request log: every HTTP request and WebSocket upgrade gets an id (the client's `X-Request-Id`
 * when it is a sane one, else a fresh UUID), echoed in the answer's `X-Request-Id` and in its
 * JSON log line.
 * One registry per relay, so several relays in one process (tests) keep separate figures.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RelayLogger } from '../logger';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The request's id: its `X-Request-Id` when it is a sane one (a balancer's), else a fresh UUID. */
export function requestIdOf(req: IncomingMessage): string {
	const given = req.headers['x-request-id'];
	return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

export class RelayMetrics {
	readonly registry = new Registry();
	readonly contentType = this.registry.contentType;
	readonly updatesStored = new Counter({
		name: 'promptloom_updates_stored_total',
		help: 'Update batches written to storage (each acknowledged after its write)',
		registers: [this.registry]
	});
	readonly storageWrite = new Histogram({
		name: 'promptloom_storage_write_seconds',
		help: 'Time to commit one batch of room updates to PostgreSQL',
		buckets: LATENCY_BUCKETS,
		registers: [this.registry]
	});
	readonly fanoutLag = new Histogram({
		name: 'promptloom_fanout_seconds',
		help: 'Time from an instance publishing an update to this instance receiving it (Redis lag)',
		buckets: LATENCY_BUCKETS,
		registers: [this.registry]
	});
	readonly redisUp = new Gauge({
		name: 'promptloom_redis_up',
		help: '1 while cross-instance fan-out through Redis works, 0 when degraded',
		registers: [this.registry]
	});
	readonly requests = new Counter({
		name: 'promptloom_http_requests_total',
		help: 'HTTP requests answered, by method and status',
		labelNames: ['method', 'status'],
		registers: [this.registry]
	});

	/** Registers the gauges read at scrape time. */
	observeRelay(read: { connections: () => number; rooms: () => number }): void {
		new Gauge({
			name: 'promptloom_connections',
			help: 'Open WebSocket connections',
			registers: [this.registry],
			collect() {
				this.set(read.connections());
			}
		});
		new Gauge({
			name: 'promptloom_rooms',
			help: 'Documents open on this instance',
			registers: [this.registry],
			collect() {
				this.set(read.rooms());
			}
		});
	}

	/** Gives the request its id and counts and logs it when answered. */
	trackRequest(req: IncomingMessage, res: ServerResponse, logger: RelayLogger): void {
		const id = requestIdOf(req);
		res.setHeader('x-request-id', id);
		const started = performance.now();
		res.once('finish', () => {
			const status = String(res.statusCode);
			this.requests.inc({ method: req.method ?? 'GET', status });
			logger.info('request', {
				requestId: id,
				method: req.method,
				path: (req.url ?? '/').split('?')[0],
				status: res.statusCode,
				ms: Math.round((performance.now() - started) * 10) / 10
			});
		});
	}

	render(): Promise<string> {
		return this.registry.metrics();
	}
}
