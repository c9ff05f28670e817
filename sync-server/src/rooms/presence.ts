/**
 * @module The entries of a y-protocols awareness update, read and written without applying them,
 * so the relay can keep only those a connection may send (see `Room.applyAwareness`).
 *
 * Wire format (y-protocols/awareness): varUint count, then per entry varUint client id, varUint
 * clock and varString JSON state (`null` means the client left).
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export interface AwarenessEntry {
	clientID: number;
	clock: number;
	/** The state as sent (JSON text), re-encoded unchanged. */
	json: string;
	/** False when the entry removes the client's state (`null`). */
	present: boolean;
}

/** Reads every entry; throws on truncated input or a state that is not valid JSON. */
export function decodeAwarenessEntries(update: Uint8Array): AwarenessEntry[] {
	const decoder = decoding.createDecoder(update);
	const count = decoding.readVarUint(decoder);
	const entries: AwarenessEntry[] = [];
	for (let i = 0; i < count; i++) {
		const clientID = decoding.readVarUint(decoder);
		const clock = decoding.readVarUint(decoder);
		const json = decoding.readVarString(decoder);
		entries.push({ clientID, clock, json, present: JSON.parse(json) !== null });
	}
	return entries;
}

export function encodeAwarenessEntries(entries: readonly AwarenessEntry[]): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, entries.length);
	for (const e of entries) {
		encoding.writeVarUint(encoder, e.clientID);
		encoding.writeVarUint(encoder, e.clock);
		encoding.writeVarString(encoder, e.json);
	}
	return encoding.toUint8Array(encoder);
}
