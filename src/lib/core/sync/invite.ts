/** @module Invite links: `…#invite=<base64 JSON {relay, workspace, token, role}>`. */
import { z } from '../model/zod';
import { PromptloomError } from '../model/errors';

export const SYNC_ROLES = ['owner', 'editor', 'reviewer', 'viewer'] as const;
export type SyncRole = (typeof SYNC_ROLES)[number];

export const syncConfigSchema = z.object({
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
	token: z.string().trim().min(10, 'token is missing or too short'),
	role: z.enum(SYNC_ROLES).default('editor')
});
export type SyncConfig = z.infer<typeof syncConfigSchema>;

function toBase64(text: string): string {
	const bytes = new TextEncoder().encode(text);
	let bin = '';
	for (const b of bytes) bin += String.fromCharCode(b);
	return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64(b64: string): string {
	const norm = b64.replace(/-/g, '+').replace(/_/g, '/');
	const bin = atob(norm + '='.repeat((4 - (norm.length % 4)) % 4));
	return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

/** An invite link for `config` on the app at `appUrl`. */
export function makeInviteLink(appUrl: string, config: SyncConfig): string {
	const base = appUrl.split('#')[0];
	return `${base}#invite=${toBase64(JSON.stringify(config))}`;
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
