/**
 * @module What a relay instance shares with the others: PostgreSQL (documents, member
 * registries, API keys, token secret) and Redis (fan-out of updates, presence and changes of
 * shared documents). Opened by `startRelay` when `postgres`/`redis` is given.
 */
import type { RelayLogger } from '../logger';
import type { RelayBlobs } from '../storage/blobs';
import type { RelayMetrics } from './metrics';
import { openPostgres, redactUrl, type RelayPostgres } from './postgres';
import { openRedisFanout, type RedisFanout } from './redis-fanout';

export interface RelayScale {
	postgres: RelayPostgres | null;
	fanout: RedisFanout | null;
	/** Shared documents (with change announcements when Redis is there). */
	blobs: RelayBlobs | undefined;
	close(): Promise<void>;
}

export async function openScale(o: {
	postgres?: string;
	redis?: string;
	logger: RelayLogger;
	metrics: RelayMetrics;
}): Promise<RelayScale> {
	if (o.redis && !o.postgres)
		throw new Error('--redis needs --postgres: instances fan out what they store in PostgreSQL');
	let fanout: RedisFanout | null = null;
	const postgres = o.postgres
		? await openPostgres(o.postgres, {
				onWrite: (seconds) => {
					o.metrics.storageWrite.observe(seconds);
					o.metrics.updatesStored.inc();
				},
				onBlobWrite: (name) => fanout?.announceBlob(name)
			})
		: null;
	if (o.redis) {
		o.metrics.redisUp.set(0);
		fanout = await openRedisFanout(o.redis, {
			logger: o.logger,
			onLag: (s) => o.metrics.fanoutLag.observe(s),
			onHealth: (up) => o.metrics.redisUp.set(up ? 1 : 0)
		});
	}
	const shared = fanout;
	const blobs: RelayBlobs | undefined = postgres
		? {
				...postgres.blobs,
				...(shared && { onRemoteWrite: (listener) => shared.onRemoteBlob(listener) })
			}
		: undefined;
	o.logger.info('shared storage', {
		postgres: o.postgres ? redactUrl(o.postgres) : null,
		redis: o.redis ? redactUrl(o.redis) : null
	});
	return {
		postgres,
		fanout,
		blobs,
		async close() {
			await fanout?.close();
			await postgres?.close();
		}
	};
}
