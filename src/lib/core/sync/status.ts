/** @module Sync status shown at all times: a discriminated union with a reason for every error. */

/**
 * `rejected`: the relay dropped an update (e.g. `approval_required`, `forbidden`).
 * `not_member`: the token is valid but its user is not (or no longer) a member of the workspace.
 */
export type SyncErrorReason =
	'auth_refused' | 'not_member' | 'relay_down' | 'read_only' | 'rejected' | 'storage' | 'protocol';

export type SyncStatus =
	/** A personal library: nothing to sync with. */
	| { state: 'local' }
	| { state: 'syncing'; detail: string }
	| { state: 'synced'; at: number; readOnly: boolean }
	/** The device has no network; edits are kept and sent on reconnect. */
	| { state: 'offline'; since: number }
	| {
			state: 'error';
			reason: SyncErrorReason;
			message: string;
			retrying: boolean;
			/** The local copy diverged from the relay's: offer "Reset from relay". */
			canReset?: boolean;
	  };

/** One short line for the sidebar. */
export function describeSyncStatus(s: SyncStatus): string {
	switch (s.state) {
		case 'local':
			return 'Personal library (not synced)';
		case 'syncing':
			return `Syncing… ${s.detail}`.trim();
		case 'synced':
			return s.readOnly ? 'Synced (read-only)' : 'Synced';
		case 'offline':
			return 'Offline: changes kept on this device';
		case 'error':
			return `Sync error: ${s.message}`;
	}
}

const REASON_LABELS: Record<SyncErrorReason, string> = {
	auth_refused: 'token refused',
	not_member: 'no longer a member',
	relay_down: 'relay unreachable',
	read_only: 'read-only role',
	rejected: 'change refused',
	storage: 'storage problem',
	protocol: 'protocol problem'
};

/** A few words for a narrow place (the sidebar badge); `describeSyncStatus` has the details. */
export function shortSyncStatus(s: SyncStatus): string {
	if (s.state === 'error')
		return `Sync error: ${REASON_LABELS[s.reason]}${s.canReset ? ' (reset needed)' : ''}`;
	if (s.state === 'offline') return 'Offline: changes kept here';
	return describeSyncStatus(s);
}
