/**
 * @module Keeps "what may I do here" current while a page is open: a role changed by an owner on
 * another device reaches the editor without a reload.
 */
import type { SyncStatus } from '../sync/status';
import type { CollabService, EditAccess } from './collab-service';

/** How often the relay is asked for my role while a shared workspace is open. */
export const ACCESS_POLL_MS = 30_000;

export interface AccessFollowerDeps {
	collab: Pick<CollabService, 'access' | 'context' | 'summary' | 'events'>;
	sync: {
		onStatus(listener: (s: SyncStatus) => void): () => void;
		onSessionChange(listener: () => void): () => void;
	};
}

/**
 * Calls `listener` with my access at once (from what is known locally), then again after asking
 * the relay: on every workspace or session change, when the relay refuses a change of mine (the
 * sign of a lowered role), and every `pollMs` while the workspace is shared. Returns the stop.
 */
export function followAccess(
	{ collab, sync }: AccessFollowerDeps,
	listener: (access: EditAccess) => void,
	pollMs = ACCESS_POLL_MS
): () => void {
	let stopped = false;
	let lastRefusal: string | null = null;
	const emit = () => {
		if (!stopped) listener(collab.access());
	};
	const ask = () => {
		emit();
		// Offline or refused: the role last known stands.
		if (collab.context().kind === 'shared') collab.summary().then(emit, () => {});
	};
	const offs = [
		collab.events.on('collab:changed', emit),
		sync.onSessionChange(ask),
		sync.onStatus((s) => {
			// Once per refusal, not on every repeat of the same status.
			const refusal =
				s.state === 'error' && (s.reason === 'read_only' || s.reason === 'rejected')
					? s.message
					: null;
			if (refusal && refusal !== lastRefusal) ask();
			lastRefusal = refusal;
		})
	];
	const timer = pollMs > 0 ? setInterval(ask, pollMs) : null;
	ask();
	return () => {
		stopped = true;
		if (timer) clearInterval(timer);
		offs.forEach((off) => off());
	};
}
