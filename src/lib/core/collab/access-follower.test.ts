import { describe, expect, it } from 'vitest';
import { EventBus } from '../events';
import type { SyncStatus } from '../sync/status';
import { followAccess, type AccessFollowerDeps } from './access-follower';
import { accessFor, type CollabEvents } from './collab-service';
import type { Role } from './types';

/** A shared workspace whose relay answers with `relayRole` once asked (`summary`). */
function fakes(tokenRole: Role) {
	let known: Role = tokenRole;
	let relayRole: Role = tokenRole;
	let asked = 0;
	const statusListeners = new Set<(s: SyncStatus) => void>();
	const sessionListeners = new Set<() => void>();
	const deps: AccessFollowerDeps = {
		collab: {
			events: new EventBus<CollabEvents>(),
			context: () =>
				({ kind: 'shared', user: 'ed' }) as ReturnType<AccessFollowerDeps['collab']['context']>,
			access: () => accessFor(known, 'team'),
			summary: async () => {
				asked++;
				known = relayRole;
				return {} as Awaited<ReturnType<AccessFollowerDeps['collab']['summary']>>;
			}
		},
		sync: {
			onStatus: (l) => (statusListeners.add(l), () => statusListeners.delete(l)),
			onSessionChange: (l) => (sessionListeners.add(l), () => sessionListeners.delete(l))
		}
	};
	return {
		deps,
		demote: (role: Role) => (relayRole = role),
		status: (s: SyncStatus) => statusListeners.forEach((l) => l(s)),
		asked: () => asked,
		listeners: () => statusListeners.size + sessionListeners.size
	};
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('following my access in a shared workspace', () => {
	it('reports the token role at once, then the role the relay answers', async () => {
		const f = fakes('editor');
		f.demote('viewer');
		const seen: string[] = [];
		const stop = followAccess(f.deps, (a) => seen.push(a.role), 0);
		await settle();
		expect(seen).toEqual(['editor', 'viewer']);
		stop();
	});

	it('asks the relay again when it refuses a change of mine, and the editor turns read-only', async () => {
		const f = fakes('editor');
		let canEdit = true;
		const stop = followAccess(f.deps, (a) => (canEdit = a.canEdit), 0);
		await settle();
		expect(canEdit).toBe(true);
		f.demote('viewer');
		f.status({ state: 'synced', at: 1, readOnly: false });
		await settle();
		expect(canEdit).toBe(true);
		f.status({ state: 'error', reason: 'read_only', message: 'read-only', retrying: false });
		await settle();
		expect(canEdit).toBe(false);
		stop();
	});

	it('polls the relay while open and stops everything when stopped', async () => {
		const f = fakes('editor');
		const seen: string[] = [];
		const stop = followAccess(f.deps, (a) => seen.push(a.role), 20);
		await settle();
		f.demote('reviewer');
		await expect.poll(() => seen.at(-1), { timeout: 2000 }).toBe('reviewer');
		stop();
		const asked = f.asked();
		f.demote('owner');
		await new Promise((r) => setTimeout(r, 80));
		expect(f.asked()).toBe(asked);
		expect(seen.at(-1)).toBe('reviewer');
		expect(f.listeners()).toBe(0);
	});
});
