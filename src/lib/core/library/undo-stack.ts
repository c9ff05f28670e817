/**
 * @module Undo for library operations: each entry stores the records as they were before and
 * after the operation, so undo reverts only what the operation changed.
 */
import type { Folder, Project, Prompt } from '../model/prompt';

/** Records keyed by id; `null` means the record did not exist before the operation. */
export interface Snapshot {
	prompts: Map<string, Prompt | null>;
	folders: Map<string, Folder | null>;
	projects: Map<string, Project | null>;
}

export interface UndoEntry {
	label: string;
	before: Snapshot;
	after: Snapshot;
}

export function emptySnapshot(): Snapshot {
	return { prompts: new Map(), folders: new Map(), projects: new Map() };
}

type Row = object & { updatedAt?: number };

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The record to write back when undoing: `current` with the fields the operation changed
 * (between `before` and `after`) put back, so later edits to other fields survive (e.g. text typed
 * after a rename). Null: the record should not exist.
 */
export function revertChanges<T extends Row>(
	current: T | null,
	before: T | null,
	after: T | null
): T | null {
	if (!before || !current || !after) return before;
	const out: Record<string, unknown> = { ...current };
	const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
	const was = before as Record<string, unknown>;
	const now = after as Record<string, unknown>;
	let changed = false;
	for (const k of keys) {
		if (k === 'updatedAt' || same(was[k], now[k])) continue;
		changed = true;
		if (k in was) out[k] = was[k];
		else delete out[k];
	}
	if (changed && 'updatedAt' in current)
		out.updatedAt = Math.max(current.updatedAt ?? 0, Date.now());
	return out as T;
}

export class UndoStack {
	#entries: UndoEntry[] = [];
	/** Called after every change of the entries (to save them). */
	onChange: (entries: readonly UndoEntry[]) => void = () => {};
	constructor(private readonly limit = 100) {}

	push(entry: UndoEntry): void {
		this.#entries.push(entry);
		if (this.#entries.length > this.limit) this.#entries.shift();
		this.onChange(this.#entries);
	}

	pop(): UndoEntry | undefined {
		const entry = this.#entries.pop();
		if (entry) this.onChange(this.#entries);
		return entry;
	}

	peek(): UndoEntry | undefined {
		return this.#entries.at(-1);
	}

	clear(): void {
		this.#entries = [];
		this.onChange(this.#entries);
	}

	/** Puts saved entries (oldest first) under any pushed since. */
	restore(saved: readonly UndoEntry[]): void {
		this.#entries = [...saved, ...this.#entries].slice(-this.limit);
	}

	get size(): number {
		return this.#entries.length;
	}
}
