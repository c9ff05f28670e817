/**
 * @module The relay's minimal logging contract, two implementations, and the redaction every
 * log line goes through: a relay token must never reach a log (`startRelay` wraps any logger it
 * is given in {@link redactingLogger}; {@link jsonLineLogger} redacts on its own too).
 */

export type LogFields = Record<string, unknown>;

export interface RelayLogger {
	info(message: string, fields?: LogFields): void;
	warn(message: string, fields?: LogFields): void;
	error(message: string, fields?: LogFields): void;
}

/** Discards everything (the default for in-process relays, e.g. tests). */
export const silentLogger: RelayLogger = {
	info: () => {},
	warn: () => {},
	error: () => {}
};

/** A JWT (three base64url segments, the first a JSON header): any token the relay issues. */
const JWT = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
/** The value after `token=` (a query) or `token.` (a subprotocol), up to a delimiter. */
const TOKEN_VALUE = /\b(token[=.])[^\s&,;"'<>]+/gi;

/** `text` with every token in it replaced by a placeholder. */
export function redactSecrets(text: string): string {
	return text.replace(TOKEN_VALUE, '$1[redacted]').replace(JWT, '[redacted token]');
}

function redactValue(value: unknown, depth = 0): unknown {
	if (typeof value === 'string') return redactSecrets(value);
	if (depth > 5 || value === null || typeof value !== 'object') return value;
	if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
	return Object.fromEntries(
		Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, redactValue(v, depth + 1)])
	);
}

/** `logger` with tokens redacted from every message and field (strings, nested ones included). */
export function redactingLogger(logger: RelayLogger): RelayLogger {
	if (logger === silentLogger) return logger;
	const wrap =
		(log: RelayLogger['info']) =>
		(message: string, fields?: LogFields): void =>
			log(redactSecrets(message), fields && (redactValue(fields) as LogFields));
	return {
		info: wrap((m, f) => logger.info(m, f)),
		warn: wrap((m, f) => logger.warn(m, f)),
		error: wrap((m, f) => logger.error(m, f))
	};
}

/** Writes one JSON line per event to stderr, so stdout stays free for the listening URL. */
export function jsonLineLogger(
	write: (line: string) => void = (l) => process.stderr.write(l)
): RelayLogger {
	const log = (level: string) => (message: string, fields?: LogFields) =>
		write(JSON.stringify({ time: new Date().toISOString(), level, message, ...fields }) + '\n');
	return redactingLogger({ info: log('info'), warn: log('warn'), error: log('error') });
}
