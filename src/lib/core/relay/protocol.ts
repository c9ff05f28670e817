/**
 * @module The relay's wire contract, imported by the relay (sync-server/) and by the app's relay
 * client alike: roles, WebSocket message types and close codes, the relay's error message, how a
 * socket carries its token, and the batch catch-up request.
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

// ---- roles ---------------------------------------------------------------------------------

export const ROLES = ['owner', 'editor', 'reviewer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
	return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * Roles whose devices change document content (prompts, folders, versions, labels). The relay
 * drops anything else from a `viewer`, and from a `reviewer` everything but its reviews,
 * approvals, comments and audit entries.
 */
export const CONTENT_ROLES: readonly Role[] = ['owner', 'editor'];

/** Roles whose approval lets a protected label move. */
export const APPROVER_ROLES: readonly Role[] = ['owner', 'reviewer'];

// ---- token transport -----------------------------------------------------------------------

/** The subprotocol the relay answers with: clients offer it beside `token.<token>`. */
export const RELAY_SUBPROTOCOL = 'promptloom';
/** Prefix of the subprotocol that carries the token: `token.<jwt>`. */
export const TOKEN_SUBPROTOCOL_PREFIX = 'token.';

/**
 * The WebSocket subprotocols that carry a relay token, kept out of URLs (and so out of logs and
 * consoles). A relay token is a JWT, made of HTTP token characters only.
 */
export function relaySubprotocols(token: string): string[] {
	return [RELAY_SUBPROTOCOL, `${TOKEN_SUBPROTOCOL_PREFIX}${token}`];
}

// ---- batch catch-up ------------------------------------------------------------------------

/** A new device's catch-up in one request: `POST /sync/batch` with a bearer token. */
export const BATCH_PATH = '/sync/batch';

export interface BatchRequest {
	/** Documents of the token's workspace, each with the state vector the device has (base64). */
	docs: Array<{ doc: string; sv?: string }>;
}

export interface BatchResponse {
	workspace: string;
	/** For each requested document, the update (base64) that brings the device up to date. */
	docs: Array<{ doc: string; update: string }>;
}

// ---- messages ------------------------------------------------------------------------------

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
