/**
 * @module The relay's HTTP API: API keys (`keys.ts`, owner routes and CLI), `/v1` prompt routes,
 * Langfuse-compatible prompt endpoints, all reading and writing the workspaces' stored Yjs
 * documents through one {@link PromptService}; observations and webhooks.
 */
import type { RelayCollab } from '../collab/service';
import type { RelayConfig } from '../config';
import type { Router } from '../http/router';
import type { RelayLogger } from '../logger';
import type { RoomRegistry } from '../rooms/registry';
import type { RoomStore } from '../rooms/store';
import type { RelayBlobs } from '../storage/blobs';
import { RateLimiter } from './auth';
import { resolveApiConfig, type ApiConfig } from './config';
import type { ApiContext } from './context';
import { ApiKeyStore } from './keys';
import { addKeyRoutes } from './keys-routes';
import { addLangfuseRoutes } from './langfuse-routes';
import { PromptService } from './prompts';
import { addV1Routes, apiRoute } from './v1-routes';
import { addV1WriteRoutes } from './v1-write-routes';
import { ApiError } from './http';
import { ObservationStore, addObservationRoutes } from './observations';
import { Webhooks, addWebhookRoutes } from './webhooks';
import { addScanRoutes } from './scan-routes';

export type { ApiConfig } from './config';
export { DEFAULT_API_CONFIG } from './config';
export { ApiKeyStore } from './keys';

export interface StartApiOptions {
	dataDir: string;
	/** Shared storage of API keys (PostgreSQL) instead of `dataDir`. */
	blobs?: RelayBlobs;
	secret: Uint8Array;
	relayConfig: RelayConfig;
	rooms: RoomRegistry;
	store: RoomStore;
	collab: RelayCollab;
	logger: RelayLogger;
	config?: Partial<ApiConfig>;
}

export interface ApiHandle {
	context: ApiContext;
	/** Lets go of the documents the API holds open (call before the rooms are closed). */
	close(): Promise<void>;
}

/** Registers the API's routes on `router`; resolves once its stored state is loaded. */
export async function startApi(router: Router, o: StartApiOptions): Promise<ApiHandle> {
	const config = resolveApiConfig(o.config);
	const keys = new ApiKeyStore(o.blobs ?? o.dataDir, {
		recheckMs: config.keyRecheckMs,
		usageFlushMs: config.keyUsageFlushMs
	});
	keys.startUsageFlush();
	const prompts = new PromptService({ rooms: o.rooms, store: o.store, collab: o.collab, config });
	const context: ApiContext = {
		prompts,
		keys,
		limiter: new RateLimiter(config.rateLimitPerMinute, config.rateLimitBurst),
		collab: o.collab,
		secret: o.secret,
		relayConfig: o.relayConfig,
		config,
		maxBodyBytes: o.relayConfig.maxHttpBodyBytes
	};
	addKeyRoutes(router, context);
	addV1Routes(router, context);
	addV1WriteRoutes(router, context);
	addLangfuseRoutes(router, context);
	addScanRoutes(router, context);
	const observations = new ObservationStore(o.dataDir, o.logger);
	await observations.open();
	addObservationRoutes(router, context, observations);
	const webhooks = new Webhooks(o.dataDir, o.rooms, config, o.logger);
	await webhooks.open();
	addWebhookRoutes(router, context, webhooks);
	// Anything else under /v1 answers in the API's error format (registered last: routes win).
	const unknown = apiRoute(async (req, _res, url) => {
		throw new ApiError('not_found', `no API route ${req.method} ${url.pathname}`);
	});
	for (const path of ['/v1/:a', '/v1/:a/:b', '/v1/:a/:b/:c', '/v1/:a/:b/:c/:d'])
		for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])
			router.add(method, path, unknown);
	return {
		context,
		async close() {
			await webhooks.close();
			await observations.close();
			await prompts.close();
			await keys
				.close()
				.catch((e: unknown) => o.logger.warn('writing API key usage failed', { error: String(e) }));
		}
	};
}
