/** @module The sync status a relay link shows, from what it knows at one moment. */
import type { SyncStatus } from '../sync/status';
import type { LinkFault } from './errors';

export interface LinkState {
	fault: LinkFault | null;
	online: boolean;
	indexConnected: boolean;
	indexSynced: boolean;
	/** Prompt documents being fetched (or due to be fetched again). */
	fetching: boolean;
	/** Prompt documents waiting to be sent or being sent. */
	sending: number;
	readOnly: boolean;
}

/**
 * The status for `state`; `lastSynced` is kept when the link was already synced. A `relay_down`
 * fault is stale once the index socket is connected again.
 */
export function linkStatus(state: LinkState, previous: SyncStatus, now: number): SyncStatus {
	const { fault } = state;
	if (fault && !(fault.reason === 'relay_down' && state.indexConnected))
		return { state: 'error', ...fault };
	if (!state.online) return { state: 'offline', since: now };
	if (!state.indexConnected) return { state: 'syncing', detail: 'connecting to the relay' };
	if (!state.indexSynced) return { state: 'syncing', detail: 'exchanging the workspace index' };
	if (state.fetching) return { state: 'syncing', detail: 'fetching changed prompts' };
	if (state.sending) return { state: 'syncing', detail: `sending ${state.sending} prompt(s)` };
	const at = previous.state === 'synced' ? previous.at : now;
	return { state: 'synced', at, readOnly: state.readOnly };
}
