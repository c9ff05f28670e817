/**
 * @module The app's side of the relay's HTTP API: a workspace owner's API keys (create, with the
 * secret shown once; list; revoke) and webhooks with their delivery log, through the owner REST
 * routes; and what the API page shows (the relay URL, the OpenAPI description).
 */
import type { WorkspaceContext } from '../collab/workspace';
import { relayHttpBase } from '../collab/workspace';
import { PromptloomError, type ErrorCode } from '../model/errors';
import { buildOpenApi } from './openapi';
import type {
	ApiKeyInfo,
	ApiScope,
	CreatedApiKey,
	WebhookDelivery,
	WebhookEvent,
	WebhookInfo
} from './schemas';

const CODES: Record<number, ErrorCode> = {
	400: 'validation',
	401: 'forbidden',
	403: 'forbidden',
	404: 'not_found',
	409: 'conflict'
};

export interface ApiAccessOptions {
	/** The current workspace (the collaboration service's). */
	context: () => WorkspaceContext;
	fetch?: typeof globalThis.fetch;
}

export interface WebhookList {
	webhooks: WebhookInfo[];
	/** Newest first. */
	deliveries: WebhookDelivery[];
}

export class ApiAccessService {
	readonly #o: ApiAccessOptions;

	constructor(options: ApiAccessOptions) {
		this.#o = options;
	}

	/** The relay's HTTP base URL of a shared workspace, null for a personal one. */
	relayUrl(): string | null {
		const c = this.#o.context();
		return c.kind === 'shared' ? relayHttpBase(c.relay) : null;
	}

	/** The OpenAPI description (the relay serves the same at `/v1/openapi.json`). */
	openApi(): Record<string, unknown> {
		return buildOpenApi(this.relayUrl() ? { serverUrl: this.relayUrl()! } : {});
	}

	async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
		const c = this.#o.context();
		if (c.kind !== 'shared')
			throw new PromptloomError(
				'validation',
				'API keys and webhooks belong to a shared workspace on a relay: join or create one first'
			);
		const base = relayHttpBase(c.relay);
		const url = `${base}/api/workspaces/${encodeURIComponent(c.workspace)}${path}`;
		const fetcher = this.#o.fetch ?? ((...a) => globalThis.fetch(...a));
		let res: Response;
		try {
			res = await fetcher(url, {
				method,
				headers: {
					authorization: `Bearer ${c.token}`,
					...(body === undefined ? {} : { 'content-type': 'application/json' })
				},
				body: body === undefined ? undefined : JSON.stringify(body)
			});
		} catch (e) {
			throw new PromptloomError('relay', `The relay at ${base} cannot be reached`, { cause: e });
		}
		const json = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
		if (!res.ok)
			throw new PromptloomError(
				CODES[res.status] ?? 'relay',
				json.error?.message ?? `the relay answered ${res.status}`
			);
		return json as T;
	}

	async listKeys(): Promise<ApiKeyInfo[]> {
		return (await this.#call<{ keys: ApiKeyInfo[] }>('GET', '/apikeys')).keys;
	}

	/** Creates a key; its secret is in the answer only (show it once). */
	createKey(name: string, scope: ApiScope): Promise<CreatedApiKey> {
		return this.#call('POST', '/apikeys', { name: name.trim(), scope });
	}

	async revokeKey(publicKey: string): Promise<void> {
		await this.#call('DELETE', `/apikeys/${encodeURIComponent(publicKey)}`);
	}

	listWebhooks(): Promise<WebhookList> {
		return this.#call('GET', '/webhooks');
	}

	/** Adds a webhook; its signing secret is in the answer only. */
	addWebhook(input: {
		url: string;
		events: WebhookEvent[];
		description?: string;
	}): Promise<WebhookInfo & { secret: string }> {
		return this.#call('POST', '/webhooks', input);
	}

	async removeWebhook(id: string): Promise<void> {
		await this.#call('DELETE', `/webhooks/${encodeURIComponent(id)}`);
	}
}
