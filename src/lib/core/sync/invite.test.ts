import { describe, expect, it } from 'vitest';
import { makeInviteLink, parseInviteLink, relayHttpUrl, relayWsUrl } from './invite';

describe('invite links', () => {
	it('round-trip a relay, workspace, token and role', () => {
		const config = {
			relay: 'http://127.0.0.1:1234',
			workspace: 'team-1',
			token: 'eyJhbGciOiJIUzI1NiJ9.x.y',
			role: 'reviewer' as const
		};
		const link = makeInviteLink('https://app.example/sync', config);
		expect(link).toMatch(/^https:\/\/app\.example\/sync#invite=/);
		expect(parseInviteLink(link)).toEqual(config);
	});

	it('reject damaged or invalid invites with a specific message', () => {
		expect(() => parseInviteLink('https://x/#invite=@@@')).toThrow(/damaged|invalid/);
		const bad = makeInviteLink('https://x/', {
			relay: 'ftp://nope',
			workspace: 'w',
			token: '1234567890',
			role: 'editor'
		});
		expect(() => parseInviteLink(bad)).toThrow(/relay must be/);
	});

	it('derive socket and HTTP bases from either form of relay URL', () => {
		expect(relayWsUrl('http://h:1/')).toBe('ws://h:1');
		expect(relayHttpUrl('wss://h:1')).toBe('https://h:1');
	});
});
