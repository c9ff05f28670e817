/** @module Public API of the Promptloom relay. */
export { startRelay } from './relay';
export type { RelayContext, RelayHandle, RelayStats, StartRelayOptions } from './relay';
export {
	createToken,
	signToken,
	verifyToken,
	ROLES,
	isRole,
	DEFAULT_TOKEN_TTL_SECONDS
} from './auth/token';
export type { CreateTokenOptions, Role, TokenClaims, TokenCheck } from './auth/token';
export { loadOrCreateSecret, SECRET_FILE_NAME } from './auth/secret';
export { DEFAULT_RELAY_CONFIG, resolveRelayConfig } from './config';
export type { RelayConfig } from './config';
export {
	CLOSE,
	MESSAGE_AUTH,
	MESSAGE_AWARENESS,
	MESSAGE_QUERY_AWARENESS,
	MESSAGE_RELAY_ERROR,
	MESSAGE_SYNC,
	decodeRelayError,
	encodeRelayError
} from '../../src/lib/core/relay/protocol';
export type { RelayErrorCode, RelayErrorPayload } from '../../src/lib/core/relay/protocol';
export { jsonLineLogger, silentLogger } from './logger';
export type { RelayLogger } from './logger';
export { runRelayCli, RELAY_USAGE } from './cli';
