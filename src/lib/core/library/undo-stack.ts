/** @module Undo for library operations: each entry stores the records as they were before. */
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
}

export function emptySnapshot(): Snapshot {
	return { prompts: new Map(), folders: new Map(), projects: new Map() };
}

export class UndoStack {
	#entries: UndoEntry[] = [];
	constructor(private readonly limit = 100) {}

	push(entry: UndoEntry): void {
		this.#entries.push(entry);
		if (this.#entries.length > this.limit) this.#entries.shift();
	}

	pop(): UndoEntry | undefined {
		return this.#entries.pop();
	}

	peek(): UndoEntry | undefined {
		return this.#entries.at(-1);
	}

	clear(): void {
		this.#entries = [];
	}

	get size(): number {
		return this.#entries.length;
	}
}
