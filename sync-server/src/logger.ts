/** @module The relay's minimal logging contract and two implementations. */

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

/** Writes one JSON line per event to stderr, so stdout stays free for the listening URL. */
export function jsonLineLogger(
	write: (line: string) => void = (l) => process.stderr.write(l)
): RelayLogger {
	const log = (level: string) => (message: string, fields?: LogFields) =>
		write(JSON.stringify({ time: new Date().toISOString(), level, message, ...fields }) + '\n');
	return { info: log('info'), warn: log('warn'), error: log('error') };
}
