import { describe, expect, it } from 'vitest';
import {
	makeInviteLink,
	parseInviteLink,
	relayHttpUrl,
	relayWsUrl,
	syncConfigSchema
} from './invite';

/** An unsigned token of the relay's shape (the app reads its claims, the relay verifies it). */
const tokenFor = (role: string) =>
	`eyJhbGciOiJIUzI1NiJ9.${btoa(JSON.stringify({ ws: 'team-1', role, sub: 'rita' })).replace(/=+$/, '')}.sig`;

describe('invite links', () => {
	it('round-trip a relay, workspace and token; the role is the one the token names', () => {
		const config = {
			relay: 'http://127.0.0.1:1234',
			workspace: 'team-1',
			token: tokenFor('reviewer')
		};
		const link = makeInviteLink('https://app.example/sync', config);
		expect(link).toMatch(/^https:\/\/app\.example\/sync#invite=/);
		expect(parseInviteLink(link)).toEqual({ ...config, role: 'reviewer' });
	});

	it('never takes a role from the user: a role written into the link is ignored', () => {
		const forged = makeInviteLink('https://app.example/sync', {
			relay: 'http://127.0.0.1:1234',
			workspace: 'team-1',
			token: tokenFor('viewer'),
			role: 'owner'
		} as never);
		expect(parseInviteLink(forged).role).toBe('viewer');
		expect(
			syncConfigSchema.parse({
				relay: 'http://h:1',
				workspace: 'w',
				token: tokenFor('editor'),
				role: 'owner'
			}).role
		).toBe('editor');
		// Not a readable relay token: the least role, until the relay says otherwise.
		expect(
			syncConfigSchema.parse({ relay: 'http://h:1', workspace: 'w', token: 'opaque-token-1' }).role
		).toBe('viewer');
	});

	it('reject damaged or invalid invites with a specific message', () => {
		expect(() => parseInviteLink('https://x/#invite=@@@')).toThrow(/damaged|invalid/);
		const bad = makeInviteLink('https://x/', {
			relay: 'ftp://nope',
			workspace: 'w',
			token: '1234567890'
		});
		expect(() => parseInviteLink(bad)).toThrow(/relay must be/);
	});

	it('refuse a token that could not travel as a WebSocket subprotocol', () => {
		const parsed = syncConfigSchema.safeParse({
			relay: 'http://h:1',
			workspace: 'w',
			token: 'not a token, has spaces'
		});
		expect(parsed.success).toBe(false);
		expect(parsed.error?.issues[0].message).toMatch(/characters a relay token never has/);
	});

	it('derive socket and HTTP bases from either form of relay URL', () => {
		expect(relayWsUrl('http://h:1/')).toBe('ws://h:1');
		expect(relayHttpUrl('wss://h:1')).toBe('https://h:1');
	});
});
