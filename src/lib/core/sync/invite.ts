/** @module Invite links: `…#invite=<base64 JSON {relay, workspace, token}>`. */
import { base64UrlToBytes, bytesToBase64Url } from '../util/crypto';
import { z } from '../model/zod';
import { readTokenClaims } from '../collab/workspace';
import { PromptloomError } from '../model/errors';

import { CONTENT_ROLES, ROLES, type Role } from '../relay/protocol';

export const SYNC_ROLES = ROLES;
export type SyncRole = Role;

/**
 * True when `role` may change prompts, folders, versions and labels, so a device with another
 * role never sends such changes (the relay would drop them).
 */
export function writesContent(role: SyncRole): boolean {
	return CONTENT_ROLES.includes(role);
}

/**
 * The role a token names (read without verifying it: the relay verifies the token and applies
 * the member registry's current role). `viewer` when the token is not a readable relay token.
 */
export function roleOfToken(token: string): SyncRole {
	return readTokenClaims(token)?.role ?? 'viewer';
}

export const syncConfigSchema = z
	.object({
		/** Relay base URL: `http(s)://` or `ws(s)://host:port`. */
		relay: z
			.string()
			.trim()
			.refine((u) => URL.canParse(u) && /^(https?|wss?):$/.test(new URL(u).protocol), {
				message: 'relay must be an http(s):// or ws(s):// URL'
			}),
		workspace: z
			.string()
			.trim()
			.regex(/^[A-Za-z0-9._:-]{1,128}$/, 'workspace id: letters, digits and . _ : - (at most 128)'),
		token: z
			.string()
			.trim()
			.min(10, 'token is missing or too short')
			// Sent as a WebSocket subprotocol (`token.<token>`), which allows HTTP token characters only.
			.regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'token has characters a relay token never has'),
		/**
		 * Ignored on input (older saved connections and invite links carry a picked role): the role
		 * is always the one the token names, never the user's choice.
		 */
		role: z.enum(SYNC_ROLES).optional()
	})
	.transform((c) => ({ ...c, role: roleOfToken(c.token) }));
/** A connection to a relay workspace; `role` is read from the token. */
export type SyncConfig = z.output<typeof syncConfigSchema>;
/** What a caller gives to connect: the role, if any, is not used. */
export type SyncConfigInput = z.input<typeof syncConfigSchema>;

const toBase64 = (text: string) => bytesToBase64Url(new TextEncoder().encode(text));

function fromBase64(b64: string): string {
	const bytes = base64UrlToBytes(b64);
	if (!bytes) throw new Error('not base64url');
	return new TextDecoder().decode(bytes);
}

/** An invite link for `config` on the app at `appUrl` (relay, workspace and token: no role). */
export function makeInviteLink(
	appUrl: string,
	config: Pick<SyncConfig, 'relay' | 'workspace' | 'token'>
): string {
	const base = appUrl.split('#')[0];
	const { relay, workspace, token } = config;
	return `${base}#invite=${toBase64(JSON.stringify({ relay, workspace, token }))}`;
}

/** Reads an invite link (or just its `invite=` payload); throws a `validation` error when malformed. */
export function parseInviteLink(link: string): SyncConfig {
	const m = /(?:^|[#&])invite=([A-Za-z0-9_\-+/=]+)/.exec(link.trim());
	const payload = m ? m[1] : link.trim();
	let json: unknown;
	try {
		json = JSON.parse(fromBase64(payload));
	} catch {
		throw new PromptloomError(
			'validation',
			'This invite link is damaged: its payload is not readable'
		);
	}
	const parsed = syncConfigSchema.safeParse(json);
	if (!parsed.success)
		throw new PromptloomError(
			'validation',
			`This invite link is invalid: ${parsed.error.issues.map((i) => i.message).join('; ')}`
		);
	return parsed.data;
}

/** `ws(s)://` base of a relay URL given as http(s) or ws(s). */
export function relayWsUrl(relay: string): string {
	return relay.replace(/^http/, 'ws').replace(/\/+$/, '');
}

/** `http(s)://` base of a relay URL given as http(s) or ws(s). */
export function relayHttpUrl(relay: string): string {
	return relay.replace(/^ws/, 'http').replace(/\/+$/, '');
}
