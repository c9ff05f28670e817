/**
 * @module What the relay's refusals mean for this device: a dropped update (the local copy has
 * diverged), a refused token or membership (retrying cannot help), or a protocol error.
 */
import * as decoding from 'lib0/decoding';
import type { SyncErrorReason } from '../sync/status';

/** The relay refused this device's token (401) or membership (403): retrying cannot help. */
export class AccessRefused extends Error {
	constructor(
		readonly status: 401 | 403,
		detail: string
	) {
		super(detail);
	}
}

/** An HTTP answer of the relay that is neither success nor a refusal of access. */
export class RelayHttpError extends Error {
	constructor(
		readonly status: number,
		what: string
	) {
		super(`the relay answered ${status} to the ${what}`);
	}
}

/** Why the local copy differs from the relay's for good. */
export interface DivergedFault {
	reason: 'read_only' | 'rejected';
	message: string;
	/** Room of the dropped update (`<workspace>/<doc>`). */
	room: string;
}

/** A fault of the link, shown as the sync status until it clears. */
export interface LinkFault {
	reason: SyncErrorReason;
	message: string;
	retrying: boolean;
	canReset?: boolean;
}

/** Error codes of relay message type 4 that mean an update of this device was dropped. */
const DROP_CODES = new Set(['read_only', 'approval_required', 'forbidden', 'rejected_update']);

/** Decodes the payload of a relay error message (tolerating a malformed one). */
export function readRelayError(decoder: decoding.Decoder): {
	code: string;
	message: string;
	room: string;
} {
	try {
		const v = JSON.parse(decoding.readVarString(decoder)) as {
			code?: string;
			message?: string;
			room?: string;
		};
		return {
			code: String(v.code ?? 'error'),
			message: String(v.message ?? 'relay error'),
			room: String(v.room ?? '')
		};
	} catch {
		return { code: 'protocol', message: 'unreadable error message from the relay', room: '' };
	}
}

/** The divergence a relay error message reports, or null when it reports something else. */
export function divergenceOf(
	err: { code: string; message: string; room: string },
	room: string
): DivergedFault | null {
	if (!DROP_CODES.has(err.code)) return null;
	return {
		reason: err.code === 'read_only' ? 'read_only' : 'rejected',
		message:
			err.code === 'read_only'
				? 'your role is read-only: the relay does not accept your changes'
				: `the relay refused a change: ${err.message}`,
		room: err.room || room
	};
}

export function divergedFault(d: DivergedFault): LinkFault {
	return {
		reason: d.reason,
		message: `${d.message}; this device's copy now differs from the relay's`,
		retrying: false,
		canReset: true
	};
}

/** The fault a refusal of access means (401: the token; 403: no longer a member). */
export function refusalFault(status: number, detail: string): LinkFault {
	return status === 403
		? {
				reason: 'not_member',
				message: `${detail}; ask an owner of the workspace to invite you again`,
				retrying: false
			}
		: { reason: 'auth_refused', message: detail, retrying: false };
}
