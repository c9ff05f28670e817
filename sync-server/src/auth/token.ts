/** @module Relay access tokens: HS256 JWTs carrying workspace, role and user. */
import { SignJWT, errors, jwtVerify } from 'jose';
import { loadOrCreateSecret } from './secret';

import { ROLES, isRole, type Role } from '../../../src/lib/core/relay/protocol';

export { ROLES, isRole, type Role };

/** What a verified token grants. */
export interface TokenClaims {
	workspace: string;
	role: Role;
	user: string;
	/** Expiry, seconds since the epoch. */
	exp: number;
}

export interface CreateTokenOptions {
	dataDir: string;
	workspace: string;
	role: Role;
	/** Defaults to `anonymous`. */
	user?: string;
	/** Lifetime in seconds; defaults to 30 days. */
	ttlSeconds?: number;
}

export const DEFAULT_TOKEN_TTL_SECONDS = 30 * 24 * 3600;
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

/** True when `id` may be a workspace or document id (letters, digits, `._:-`; no slash). */
export function isValidId(id: string, maxLength: number): boolean {
	return id.length > 0 && id.length <= maxLength && ID_PATTERN.test(id);
}

/** Signs a token with an explicit secret (see {@link createToken} for the data-dir form). */
export async function signToken(
	secret: Uint8Array,
	claims: { workspace: string; role: Role; user?: string; ttlSeconds?: number },
	now: number = Date.now()
): Promise<string> {
	if (!isValidId(claims.workspace, 128)) {
		throw new RangeError(
			`invalid workspace id "${claims.workspace}": use letters, digits and . _ : - (max 128)`
		);
	}
	if (!isRole(claims.role)) {
		throw new RangeError(
			`invalid role "${String(claims.role)}": expected one of ${ROLES.join(', ')}`
		);
	}
	const ttl = claims.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
	if (!Number.isFinite(ttl) || ttl <= 0)
		throw new RangeError(`ttlSeconds must be a positive number, got ${ttl}`);
	const iat = Math.floor(now / 1000);
	return new SignJWT({ ws: claims.workspace, role: claims.role })
		.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
		.setSubject(claims.user ?? 'anonymous')
		.setIssuedAt(iat)
		.setExpirationTime(iat + Math.ceil(ttl))
		.sign(secret);
}

/** Creates a token signed with the secret of `dataDir` (generating the secret the first time). */
export async function createToken(options: CreateTokenOptions): Promise<string> {
	const secret = await loadOrCreateSecret(options.dataDir);
	return signToken(secret, options);
}

/** Why a token was refused. */
export type TokenRejection = 'missing' | 'expired' | 'invalid';

export type TokenCheck =
	{ ok: true; claims: TokenClaims } | { ok: false; reason: TokenRejection; message: string };

/** Verifies signature, algorithm, expiry and claim shapes; never throws. */
export async function verifyToken(
	secret: Uint8Array,
	token: string | null | undefined
): Promise<TokenCheck> {
	if (!token)
		return {
			ok: false,
			reason: 'missing',
			message:
				'missing token: send it as the WebSocket subprotocol "token.<token>" (offered with "promptloom") or as Authorization: Bearer <token>'
		};
	try {
		const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'] });
		const { ws, role, sub, exp } = payload;
		if (
			typeof ws !== 'string' ||
			!isRole(role) ||
			typeof sub !== 'string' ||
			typeof exp !== 'number'
		) {
			return { ok: false, reason: 'invalid', message: 'token lacks ws, role, sub or exp claims' };
		}
		return { ok: true, claims: { workspace: ws, role, user: sub, exp } };
	} catch (e) {
		if (e instanceof errors.JWTExpired)
			return { ok: false, reason: 'expired', message: 'token expired' };
		return { ok: false, reason: 'invalid', message: 'invalid token signature or format' };
	}
}
