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

/**
 * Collects lines and hands them to `write` in one piece per turn of the event loop (or at 64 KB):
 * a busy relay logs every request, and a write per line (synchronous for pipes and files) costs
 * more than serving a cached GET. `flush` writes what is pending at once (before shutting down).
 */
export function batchedWriter(write: (text: string) => void): {
	write: (line: string) => void;
	flush: () => void;
} {
	let pending: string[] = [];
	let size = 0;
	let scheduled = false;
	const flush = () => {
		scheduled = false;
		if (pending.length === 0) return;
		const text = pending.join('');
		pending = [];
		size = 0;
		write(text);
	};
	return {
		write(line) {
			pending.push(line);
			size += line.length;
			if (size >= 65_536) flush();
			else if (!scheduled) {
				scheduled = true;
				setImmediate(flush);
			}
		},
		flush
	};
}
