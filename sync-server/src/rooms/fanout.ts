/**
 * @module Builds the sync messages of a room's fan-out: per batch of updates one message for
 * everyone who contributed nothing to it, and for each contributor the others' updates.
 */
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { MESSAGE_SYNC } from '../../../src/lib/core/relay/protocol';

/** A Yjs update the room's doc emitted, and the transaction origin (the sending member, if any). */
export interface OriginUpdate {
	update: Uint8Array;
	origin: unknown;
}

/**
 * Most distinct writers in one fan-out batch. Each writer receives the others' updates one by
 * one, so a batch costs about writers x updates sends on top of one per socket: capping the
 * writers keeps that linear in the updates when a busy relay gathers hundreds in one turn.
 */
export const FANOUT_MAX_WRITERS = 16;

/**
 * One y-websocket `sync/update` message carrying `update`, as a Buffer so that `ws` sends it to
 * each socket without wrapping it again.
 */
export function encodeSyncUpdate(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_SYNC);
	syncProtocol.writeUpdate(encoder, update);
	const bytes = encoding.toUint8Array(encoder);
	return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The updates as one (a single update is returned as is, without re-encoding). */
export function mergeAll(updates: readonly Uint8Array[]): Uint8Array {
	return updates.length === 1 ? updates[0] : Y.mergeUpdates(updates as Uint8Array[]);
}

/** The updates of `entries` grouped by origin, each group in arrival order. */
export function byOrigin(entries: readonly OriginUpdate[]): Map<unknown, Uint8Array[]> {
	const groups = new Map<unknown, Uint8Array[]>();
	for (const { update, origin } of entries) {
		const group = groups.get(origin);
		if (group) group.push(update);
		else groups.set(origin, [update]);
	}
	return groups;
}

/** Splits `entries` (in order) into batches of at most {@link FANOUT_MAX_WRITERS} distinct origins. */
export function fanoutBatches(entries: readonly OriginUpdate[]): OriginUpdate[][] {
	const batches: OriginUpdate[][] = [];
	let current: OriginUpdate[] = [];
	let origins = new Set<unknown>();
	for (const entry of entries) {
		if (!origins.has(entry.origin) && origins.size === FANOUT_MAX_WRITERS) {
			batches.push(current);
			current = [];
			origins = new Set();
		}
		origins.add(entry.origin);
		current.push(entry);
	}
	if (current.length > 0) batches.push(current);
	return batches;
}

/**
 * What each recipient of one batch receives: `shared` (the batch merged and encoded once: the
 * same bytes for every recipient that contributed nothing) and, per contributor among
 * `recipients`, the other updates of the batch as they came (each encoded once, in arrival
 * order; empty when the batch holds nothing else). Sending a contributor a few small messages
 * costs less than merging a copy of the batch for each of them.
 */
export function planFanout<M>(
	batch: readonly OriginUpdate[],
	recipients: Iterable<M>
): { shared: Uint8Array; perContributor: Map<M, Uint8Array[]> } {
	const shared = encodeSyncUpdate(mergeAll(batch.map((e) => e.update)));
	const perContributor = new Map<M, Uint8Array[]>();
	const origins = new Set(batch.map((e) => e.origin));
	if (origins.size === 1) {
		// The common case: one writer, who gets nothing back until its updates are stored.
		for (const member of recipients) if (origins.has(member)) perContributor.set(member, []);
		return { shared, perContributor };
	}
	const single = batch.map((e) => (batch.length === 1 ? shared : encodeSyncUpdate(e.update)));
	for (const member of recipients) {
		if (!origins.has(member)) continue;
		perContributor.set(
			member,
			single.filter((_, i) => batch[i].origin !== member)
		);
	}
	return { shared, perContributor };
}
