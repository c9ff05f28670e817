/** @module Every limit and timing of the relay, named in one place. */

/** Limits and timings of a relay; every field has a default in {@link DEFAULT_RELAY_CONFIG}. */
export interface RelayConfig {
	/** Largest WebSocket message accepted (bytes); larger closes that connection with 1009. */
	maxMessageBytes: number;
	/** Open WebSocket connections one token may hold at once (y-websocket: one socket = one room). */
	maxConnectionsPerToken: number;
	/** Rooms (documents) of one workspace open at once on this relay. */
	maxRoomsPerWorkspace: number;
	/** Open WebSocket connections on the whole relay. */
	maxConnections: number;
	/** Longest workspace id or document id in a room name (characters). */
	maxIdLength: number;
	/**
	 * Incoming updates of a room are gathered for at most this long before one LevelDB write;
	 * their senders get them back (the acknowledgement) only after that write completes.
	 */
	persistBatchMs: number;
	/**
	 * Shortest time between two fan-outs of a room. An update arriving after a quiet spell goes
	 * out at the end of the current event-loop turn; updates arriving sooner wait for the rest
	 * of this interval and go out merged, so a busy room sends each socket at most
	 * 1000 / fanoutIntervalMs messages a second instead of one per update.
	 */
	fanoutIntervalMs: number;
	/** A pending batch reaching this many bytes is written at once, without waiting. */
	persistBatchMaxBytes: number;
	/** After this many stored updates in a room, its update log is compacted into one. */
	compactAfterUpdates: number;
	/** Interval of the WebSocket ping; a socket that missed one pong is terminated. */
	pingIntervalMs: number;
	/** Largest HTTP request body accepted by the REST router (bytes). */
	maxHttpBodyBytes: number;
	/**
	 * Awareness (presence) client ids one connection may own. A connection owns the ids it sends
	 * a state for first (while no other connection of the room owns them); entries for ids owned
	 * by another connection are dropped, and the states of its ids are removed when it closes.
	 * The stock y-websocket client uses one.
	 */
	maxAwarenessClientsPerConnection: number;
	/**
	 * Bytes the relay may hold for one socket that the client has not read yet, beyond the
	 * largest single message sent to it (so a document larger than this limit still reaches a
	 * new client). A socket over it when the next message is due is closed with 1013 "client too
	 * slow" (see `CLOSE.tooSlow`); the client reconnects and catches up with a fresh sync.
	 */
	maxSocketBufferedBytes: number;
	/**
	 * Unread bytes all sockets of one room may hold together; over it after a fan-out, the
	 * room's sockets holding the most are closed with 1013 until the room is under it again.
	 */
	maxRoomBufferedBytes: number;
	/**
	 * How long a socket closed for being too slow may still drain (to read the queued messages
	 * and the close frame) before it is terminated and its buffers freed.
	 */
	slowSocketCloseGraceMs: number;
}

export const DEFAULT_RELAY_CONFIG: Readonly<RelayConfig> = Object.freeze({
	maxMessageBytes: 4 * 1024 * 1024,
	maxConnectionsPerToken: 64,
	maxRoomsPerWorkspace: 20_000,
	maxConnections: 10_000,
	maxIdLength: 128,
	persistBatchMs: 2,
	fanoutIntervalMs: 8,
	persistBatchMaxBytes: 256 * 1024,
	compactAfterUpdates: 500,
	pingIntervalMs: 30_000,
	maxHttpBodyBytes: 8 * 1024 * 1024,
	maxAwarenessClientsPerConnection: 4,
	maxSocketBufferedBytes: 16 * 1024 * 1024,
	maxRoomBufferedBytes: 128 * 1024 * 1024,
	slowSocketCloseGraceMs: 2000
});

/** Merges overrides into the defaults; throws a clear error for a value that is not a positive number. */
export function resolveRelayConfig(overrides: Partial<RelayConfig> = {}): RelayConfig {
	const config: RelayConfig = { ...DEFAULT_RELAY_CONFIG, ...overrides };
	for (const [key, value] of Object.entries(config)) {
		if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
			throw new RangeError(
				`relay config: ${key} must be a finite number >= 0, got ${String(value)}`
			);
		}
		if (key !== 'persistBatchMs' && key !== 'fanoutIntervalMs' && value === 0) {
			throw new RangeError(`relay config: ${key} must be greater than 0`);
		}
	}
	return config;
}
