/** @module Deterministic resolution of label moves made on several devices. */
import type { SyncedLabelEvent } from './ydoc-model';

/**
 * Orders two moves of the same label: the higher Lamport clock wins (a move made after seeing
 * another one always beats it), then the later wall-clock time, then the larger event id. Every
 * device applies the same order, so all agree on where the label points.
 */
export function compareLabelEvents(a: SyncedLabelEvent, b: SyncedLabelEvent): number {
	return a.clock - b.clock || a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The winning move of one label, or undefined when there is none. */
export function winningMove(events: Iterable<SyncedLabelEvent>): SyncedLabelEvent | undefined {
	let best: SyncedLabelEvent | undefined;
	for (const e of events) if (!best || compareLabelEvents(e, best) > 0) best = e;
	return best;
}

/** The next Lamport clock for a new move of a label, given the moves already known. */
export function nextLabelClock(events: Iterable<SyncedLabelEvent>): number {
	let max = 0;
	for (const e of events) max = Math.max(max, e.clock);
	return max + 1;
}

/**
 * Moves that lost to a concurrent one (same clock as the winner, not the winner): shown in the
 * label history as overridden so the resolution is visible.
 */
export function overriddenMoves(events: SyncedLabelEvent[]): SyncedLabelEvent[] {
	const win = winningMove(events);
	if (!win) return [];
	return events.filter((e) => e.id !== win.id && e.clock === win.clock);
}
