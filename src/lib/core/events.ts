/** @module A small typed event bus: services emit after a mutation, views subscribe. */

import type { Folder, Project, Prompt } from './model/prompt';

/** Changes carry the records as they are now, so subscribers never re-read storage. */
export interface Changes<T> {
	upserted: T[];
	removed: string[];
	/** Set when the change came from another device through sync (not made on this device). */
	remote?: true;
	/**
	 * Set when an editor saved the working copy it shows (text, messages): if that editor is bound
	 * live to the synced document, the document already holds this working copy.
	 */
	editor?: true;
}

export interface DomainEvents {
	'prompts:changed': Changes<Prompt>;
	'folders:changed': Changes<Folder>;
	'projects:changed': Changes<Project>;
	'library:replaced': Record<string, never>;
	'vcs:changed': { promptId: string; remote?: true };
}

type Handler<T> = (payload: T) => void;

export class EventBus<E extends object = DomainEvents> {
	#handlers = new Map<keyof E, Set<Handler<never>>>();

	on<K extends keyof E>(event: K, handler: Handler<E[K]>): () => void {
		let set = this.#handlers.get(event);
		if (!set) this.#handlers.set(event, (set = new Set()));
		set.add(handler as Handler<never>);
		return () => set.delete(handler as Handler<never>);
	}

	emit<K extends keyof E>(event: K, payload: E[K]): void {
		for (const h of this.#handlers.get(event) ?? []) (h as Handler<E[K]>)(payload);
	}
}
