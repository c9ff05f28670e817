/** @module The relay's HTTP side as the app uses it: batch catch-up and the health check. */
import type { SyncConfig } from '../sync/invite';
import { relayHttpUrl } from '../sync/invite';
import { BATCH_PATH, type BatchRequest, type BatchResponse } from './protocol';
import { AccessRefused, RelayHttpError } from './errors';

export class RelayHttp {
	readonly base: string;

	constructor(
		private readonly config: Pick<SyncConfig, 'relay' | 'token'>,
		private readonly fetcher: typeof globalThis.fetch
	) {
		this.base = relayHttpUrl(config.relay);
	}

	/**
	 * `POST /sync/batch`. Throws {@link AccessRefused} for 401/403 (with the relay's reason),
	 * {@link RelayHttpError} for another failed answer, and the fetch error when unreachable.
	 */
	async batch(docs: BatchRequest['docs'], what = 'catch-up request'): Promise<BatchResponse> {
		const res = await this.fetcher(`${this.base}${BATCH_PATH}`, {
			method: 'POST',
			headers: {
				authorization: `Bearer ${this.config.token}`,
				'content-type': 'application/json'
			},
			body: JSON.stringify({ docs } satisfies BatchRequest)
		});
		if (res.status === 401 || res.status === 403) {
			const body = (await res.json().catch(() => ({}))) as { error?: unknown };
			throw new AccessRefused(
				res.status,
				typeof body.error === 'string' ? body.error : `the relay answered ${res.status}`
			);
		}
		if (!res.ok) throw new RelayHttpError(res.status, what);
		return (await res.json()) as BatchResponse;
	}

	/** Resolves when the relay answers at all (`/healthz`, opaque across origins). */
	async health(): Promise<void> {
		await this.fetcher(`${this.base}/healthz`, { mode: 'no-cors' as RequestMode });
	}
}
