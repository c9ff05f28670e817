/** @module The current workspace as collaboration sees it: personal (no relay) or shared on a relay. */
import { base64UrlToBytes } from '../util/crypto';
import { isRole } from '../relay/protocol';
import type { Role } from './types';

/** What a shared workspace needs: the relay, the workspace id and this member's token. */
export interface SharedWorkspaceConfig {
	relay: string;
	workspace: string;
	token: string;
}

export type WorkspaceContext =
	| { kind: 'personal'; user: string }
	| {
			kind: 'shared';
			relay: string;
			workspace: string;
			token: string;
			user: string;
			tokenRole: Role | null;
	  };

/**
 * Reads the claims of a relay token WITHOUT verifying it (the relay verifies; the app only needs
 * to know which user and role it says). Null when the token is not a readable JWT.
 */
export function readTokenClaims(
	token: string
): { user: string; role: Role | null; workspace: string } | null {
	const part = token.split('.')[1];
	if (!part) return null;
	try {
		const bytes = base64UrlToBytes(part);
		if (!bytes) return null;
		const json = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
		if (typeof json.sub !== 'string' || typeof json.ws !== 'string') return null;
		const role = json.role;
		return {
			user: json.sub,
			workspace: json.ws,
			role: isRole(role) ? role : null
		};
	} catch {
		return null;
	}
}

/** `http(s)://` base of a relay given as http(s) or ws(s). */
export function relayHttpBase(relay: string): string {
	return relay.replace(/^ws/, 'http').replace(/\/+$/, '');
}
