/**
 * @module Wire format of the relay: the y-websocket message types plus one relay-specific type.
 *
 * Every WebSocket message is binary and starts with a varUint message type:
 * - 0 `sync`: a y-protocols/sync message (step1, step2 or update).
 * - 1 `awareness`: a varUint8Array holding a y-protocols/awareness update.
 * - 2 `auth`: y-protocols/auth; the relay never sends it (auth happens before the upgrade).
 * - 3 `queryAwareness`: no payload; the relay answers with every known awareness state.
 * - 4 `error` (relay to client only): a varString holding JSON {@link RelayErrorPayload}. The stock
 *   y-websocket client logs "Unable to compute message" for it unless the app registers
 *   `provider.messageHandlers[4]` (see `decodeRelayError`).
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_AUTH = 2;
export const MESSAGE_QUERY_AWARENESS = 3;
export const MESSAGE_RELAY_ERROR = 4;

/** Codes carried by a type-4 error message. */
export type RelayErrorCode = 'read_only' | 'rejected_update' | 'approval_required' | 'forbidden';

export interface RelayErrorPayload {
	code: RelayErrorCode;
	message: string;
	/** Room the message refers to (`<workspaceId>/<docId>`). */
	room: string;
	/** How many writes from this connection were dropped so far. */
	dropped?: number;
}

/** WebSocket close codes used by the relay. */
export const CLOSE = {
	/** The message type is unknown or the frame was text. */
	unsupportedData: 1003,
	/** The message could not be decoded (truncated, corrupt update, bad awareness JSON). */
	invalidPayload: 1007,
	/** The message is larger than `maxMessageBytes`. */
	messageTooBig: 1009,
	/** The relay is shutting down. */
	goingAway: 1001,
	/** The room could not be loaded from storage. */
	internalError: 1011,
	/**
	 * "Try again later": the client fell too far behind reading what the relay sends
	 * (`maxSocketBufferedBytes`, `maxRoomBufferedBytes`). Transient for the stock y-websocket
	 * client (not in 4400–4499), which reconnects and catches up with a fresh sync.
	 */
	tooSlow: 1013,
	/**
	 * The token's user is not (or no longer) a member of the workspace: removed from its member
	 * registry. In the 4400–4499 range, so the stock y-websocket client stops reconnecting and
	 * emits `closed` with this code and the reason.
	 */
	notMember: 4403
} as const;

export function encodeRelayError(payload: RelayErrorPayload): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_RELAY_ERROR);
	encoding.writeVarString(encoder, JSON.stringify(payload));
	return encoding.toUint8Array(encoder);
}

/**
 * Reads the payload of a type-4 message from a decoder positioned after the type, e.g. inside
 * `provider.messageHandlers[MESSAGE_RELAY_ERROR] = (_enc, decoder) => decodeRelayError(decoder)`.
 */
export function decodeRelayError(decoder: decoding.Decoder): RelayErrorPayload {
	return JSON.parse(decoding.readVarString(decoder)) as RelayErrorPayload;
}
