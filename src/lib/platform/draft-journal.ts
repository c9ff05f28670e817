/**
 * @module Synchronous crash-safety journal for the editor: every keystroke lands in
 * localStorage at once, and is cleared once IndexedDB has the same text. On the next load a
 * journal entry newer than the stored prompt is replayed, so no keystroke is lost to a reload,
 * a closed tab or a crash between the keystroke and the debounced save.
 */
import type { ChatMessage } from '$lib/core/model/prompt';

export interface Draft {
	content: string;
	messages: ChatMessage[];
	at: number;
}

const key = (id: string) => `promptloom:draft:${id}`;

export function writeDraft(id: string, draft: Draft): void {
	try {
		localStorage.setItem(key(id), JSON.stringify(draft));
	} catch {
		// Storage full or disabled: the debounced IndexedDB save still runs.
	}
}

export function readDraft(id: string): Draft | null {
	try {
		const raw = localStorage.getItem(key(id));
		if (!raw) return null;
		const d = JSON.parse(raw) as Partial<Draft>;
		if (typeof d.content !== 'string' || !Array.isArray(d.messages) || typeof d.at !== 'number')
			return null;
		return d as Draft;
	} catch {
		return null;
	}
}

/** Clears the journal entry unless a newer keystroke has been written since `at`. */
export function clearDraft(id: string, at: number): void {
	const d = readDraft(id);
	if (d && d.at <= at) localStorage.removeItem(key(id));
}
