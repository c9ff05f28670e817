/**
 * @module Who calls the API: an API key (`Authorization: Bearer sk-pl-…`, or Basic `pk:sk` as the
 * Langfuse SDK sends it) with a per-key rate limit, or, for the owner routes that manage keys and
 * webhooks, a relay token of a workspace owner.
 */
import type { IncomingMessage } from 'node:http';
import type { ApiScope } from '../../../src/lib/core/api/schemas';
import { isValidId, verifyToken } from '../auth/token';
import type { RelayCollab } from '../collab/service';
import { ApiError } from './http';
import type { ApiKeyStore, ApiPrincipal } from './keys';

/** A token bucket per key: `perMinute` steady, `burst` at once. */
export class RateLimiter {
	readonly #buckets = new Map<string, { tokens: number; at: number }>();
	constructor(
		private readonly perMinute: number,
		private readonly burst: number
	) {}

	/** Takes one request of `key`; returns 0 when allowed, else the seconds to wait. */
	take(key: string, now = performance.now()): number {
		const rate = this.perMinute / 60_000;
		const b = this.#buckets.get(key) ?? { tokens: this.burst, at: now };
		b.tokens = Math.min(this.burst, b.tokens + (now - b.at) * rate);
		b.at = now;
		this.#buckets.set(key, b);
		if (b.tokens >= 1) {
			b.tokens -= 1;
			return 0;
		}
		return Math.max(1, Math.ceil((1 - b.tokens) / rate / 1000));
	}
}

function header(req: IncomingMessage): string | undefined {
	return req.headers.authorization?.trim();
}

/**
 * Checks the request's API key (401 when missing or unknown), its scope (403) and its rate
 * (429 with `Retry-After`).
 */
export async function authenticateKey(
	req: IncomingMessage,
	keys: ApiKeyStore,
	limiter: RateLimiter,
	need: ApiScope,
	accept: { basic: boolean } = { basic: true }
): Promise<ApiPrincipal> {
	const value = header(req);
	let principal: ApiPrincipal | null = null;
	if (value?.startsWith('Bearer ')) principal = await keys.verifySecret(value.slice(7).trim());
	else if (accept.basic && value?.startsWith('Basic ')) {
		const decoded = Buffer.from(value.slice(6).trim(), 'base64').toString('utf8');
		const i = decoded.indexOf(':');
		if (i > 0) principal = await keys.verifyPair(decoded.slice(0, i), decoded.slice(i + 1));
	}
	if (!principal) {
		const how = accept.basic
			? 'send Authorization: Bearer <secret key>, or Basic <public key>:<secret key>'
			: 'send Authorization: Bearer <secret key>';
		throw new ApiError(
			'unauthorized',
			value ? `invalid or revoked API key (${how})` : `an API key is required (${how})`,
			{ 'www-authenticate': accept.basic ? 'Bearer, Basic realm="promptloom"' : 'Bearer' }
		);
	}
	const wait = limiter.take(principal.publicKey);
	if (wait > 0)
		throw new ApiError(
			'rate_limited',
			`rate limit of key ${principal.publicKey} reached; retry in ${wait} s`,
			{ 'retry-after': String(wait) }
		);
	if (need === 'write' && principal.scope !== 'write')
		throw new ApiError(
			'forbidden',
			`key ${principal.publicKey} ("${principal.name}") is read-only; this needs a write key`
		);
	return principal;
}

/** An owner of workspace `ws` calling with a relay token (the app's Workspace page). */
export async function authenticateOwner(
	req: IncomingMessage,
	ws: string,
	ctx: { secret: Uint8Array; collab: RelayCollab; maxIdLength: number }
): Promise<{ user: string; workspace: string }> {
	if (!isValidId(ws, ctx.maxIdLength))
		throw new ApiError('not_found', `invalid workspace id "${ws}"`);
	const value = header(req);
	const check = await verifyToken(
		ctx.secret,
		value?.startsWith('Bearer ') ? value.slice(7).trim() : null
	);
	if (!check.ok)
		throw new ApiError('unauthorized', `${check.message} (send Authorization: Bearer <token>)`);
	if (check.claims.workspace !== ws)
		throw new ApiError(
			'forbidden',
			`token is for workspace "${check.claims.workspace}", not "${ws}"`
		);
	const m = await ctx.collab.registry.membership(ws, check.claims.user, check.claims.role);
	if (m.status === 'not_member')
		throw new ApiError('forbidden', `"${check.claims.user}" is not a member of workspace "${ws}"`);
	if (m.role !== 'owner')
		throw new ApiError(
			'forbidden',
			`only an owner can manage API keys and webhooks; you are "${m.role}"`
		);
	return { user: check.claims.user, workspace: ws };
}

/** `authenticateOwner` bound to the relay's secret, member registry and id limit. */
export function ownerCheck(ctx: {
	secret: Uint8Array;
	collab: RelayCollab;
	relayConfig: { maxIdLength: number };
}): (req: IncomingMessage, ws: string) => Promise<{ user: string; workspace: string }> {
	return (req, ws) =>
		authenticateOwner(req, ws, {
			secret: ctx.secret,
			collab: ctx.collab,
			maxIdLength: ctx.relayConfig.maxIdLength
		});
}
