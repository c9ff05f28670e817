/** @module Limits and timings of the relay's HTTP API, named in one place (`startRelay({ api })`). */

export interface ApiConfig {
	/** Requests one API key may make per minute (a token bucket refilled continuously). */
	rateLimitPerMinute: number;
	/** Requests one key may make at once beyond the steady rate (the bucket's size). */
	rateLimitBurst: number;
	/** Documents the API keeps open and decoded (least recently used go first). */
	cachedDocs: number;
	/** Encoded answers kept for ETag revalidation and repeated GETs. */
	cachedAnswers: number;
	/** Wall-clock budget of one render (the worker is stopped after it). */
	renderTimeoutMs: number;
	/** Longest render output, in characters. */
	renderMaxOutputChars: number;
	/** Render workers (each renders one template at a time). */
	renderWorkers: number;
	/** Renders waiting for a worker before more are refused with 503. */
	maxQueuedRenders: number;
	/** How often `lastUsedAt` of API keys is written to disk (ms). */
	keyUsageFlushMs: number;
	/** How often the API key file is checked for changes made by the CLI (ms). */
	keyRecheckMs: number;
	/** Delivery attempts of one webhook event before it is marked failed. */
	webhookAttempts: number;
	/** Wait before the second attempt; doubles with each further attempt (ms). */
	webhookBackoffMs: number;
	/** Time a webhook endpoint has to answer (ms). */
	webhookTimeoutMs: number;
	/** Deliveries kept in the log of each workspace. */
	webhookLogSize: number;
}

export const DEFAULT_API_CONFIG: Readonly<ApiConfig> = Object.freeze({
	rateLimitPerMinute: 6000,
	rateLimitBurst: 600,
	cachedDocs: 512,
	cachedAnswers: 2000,
	renderTimeoutMs: 1000,
	renderMaxOutputChars: 200_000,
	renderWorkers: 2,
	maxQueuedRenders: 200,
	keyUsageFlushMs: 5000,
	keyRecheckMs: 500,
	webhookAttempts: 5,
	webhookBackoffMs: 1000,
	webhookTimeoutMs: 5000,
	webhookLogSize: 200
});

export function resolveApiConfig(overrides: Partial<ApiConfig> = {}): ApiConfig {
	const config: ApiConfig = { ...DEFAULT_API_CONFIG };
	for (const [key, value] of Object.entries(overrides)) {
		if (!(key in DEFAULT_API_CONFIG)) throw new RangeError(`unknown API config "${key}"`);
		if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
			throw new RangeError(`API config "${key}" must be a non-negative number`);
		config[key as keyof ApiConfig] = value;
	}
	return config;
}
