/** @module The Yjs documents of one workspace: the index, always loaded, and prompt docs on demand. */
import * as Y from 'yjs';
import { memoryPersistence, type DocPersistence } from './doc-persistence';
import { CATCH_UP_ORIGIN, indexMaps, LOCAL_ORIGIN, type IndexMaps } from './ydoc-model';

export interface WorkspaceDocsOptions {
	workspace: string;
	persistence?: DocPersistence;
	/** Called for each new prompt document before anything is applied to it. */
	onPromptDoc?: (promptId: string, doc: Y.Doc) => void;
}

/** Document names used for persistence and relay rooms. */
export const INDEX_DOC_ID = 'index';
export const promptDocId = (promptId: string) => `p.${promptId}`;
export const promptIdOfDoc = (docId: string) => (docId.startsWith('p.') ? docId.slice(2) : null);

/**
 * Owns the documents of a workspace. A prompt document is loaded only when something reads or
 * writes it, so opening a 10,000-prompt workspace loads the index alone. Every local change of a
 * prompt document bumps its change marker in the index (client id → clock), so other devices
 * learn which documents to fetch without opening them.
 */
export class WorkspaceDocs {
	readonly workspace: string;
	readonly index = new Y.Doc();
	readonly maps: IndexMaps;
	readonly #persistence: DocPersistence;
	readonly #docs = new Map<string, Promise<Y.Doc>>();
	readonly #loaded = new Map<string, Y.Doc>();
	readonly #closers: Array<() => Promise<void>> = [];
	readonly #onPromptDoc?: (promptId: string, doc: Y.Doc) => void;
	#indexReady: Promise<void> | null = null;
	/** Called after each local change of a prompt document (the relay link queues an upload). */
	onLocalPromptChange: ((promptId: string) => void) | null = null;

	constructor(options: WorkspaceDocsOptions) {
		this.workspace = options.workspace;
		this.#persistence = options.persistence ?? memoryPersistence;
		this.#onPromptDoc = options.onPromptDoc;
		this.maps = indexMaps(this.index);
	}

	/** Loads the index from local storage. */
	open(): Promise<void> {
		this.#indexReady ??= this.#persistence
			.attach(`${this.workspace}/${INDEX_DOC_ID}`, this.index)
			.then((h) => void this.#closers.push(h.close));
		return this.#indexReady;
	}

	/** The prompt document of `promptId`, loaded (from local storage) on first use. */
	prompt(promptId: string): Promise<Y.Doc> {
		let p = this.#docs.get(promptId);
		if (!p) {
			// An explicit guid: Yjs would otherwise draw a random one, a measurable cost per document.
			const doc = new Y.Doc({ guid: `${this.workspace}/${promptDocId(promptId)}` });
			this.#onPromptDoc?.(promptId, doc);
			doc.on('afterTransaction', (tr: Y.Transaction) => {
				if (tr.local && tr.origin !== CATCH_UP_ORIGIN && tr.changed.size) {
					this.#mark(promptId, doc);
					this.onLocalPromptChange?.(promptId);
				}
			});
			p = this.#persistence.attach(`${this.workspace}/${promptDocId(promptId)}`, doc).then((h) => {
				this.#closers.push(h.close);
				this.#loaded.set(promptId, doc);
				return doc;
			});
			this.#docs.set(promptId, p);
		}
		return p;
	}

	/** The prompt document if it is loaded already. */
	loadedPrompt(promptId: string): Y.Doc | undefined {
		return this.#loaded.get(promptId);
	}

	loadedPromptIds(): string[] {
		return [...this.#loaded.keys()];
	}

	/** Records in the index that this client wrote up to its current clock in a prompt document. */
	#mark(promptId: string, doc: Y.Doc): void {
		const clock = Y.getState(doc.store, doc.clientID);
		this.index.transact(() => {
			let m = this.maps.markers.get(promptId);
			if (!m) {
				m = new Y.Map<number>();
				this.maps.markers.set(promptId, m);
			}
			const key = String(doc.clientID);
			if ((m.get(key) ?? -1) < clock) m.set(key, clock);
		}, LOCAL_ORIGIN);
	}

	/**
	 * Makes the index's change markers cover everything a loaded prompt document holds (e.g. a
	 * document the relay stored while the index update with its marker was refused). Returns
	 * true when a marker was written.
	 */
	coverMarkers(promptId: string): boolean {
		const doc = this.#loaded.get(promptId);
		if (!doc) return false;
		const sv = Y.decodeStateVector(Y.encodeStateVector(doc));
		const marker = this.maps.markers.get(promptId);
		const missing = [...sv].filter(([client, clock]) => (marker?.get(String(client)) ?? 0) < clock);
		if (!missing.length) return false;
		this.index.transact(() => {
			let m = this.maps.markers.get(promptId);
			if (!m) {
				m = new Y.Map<number>();
				this.maps.markers.set(promptId, m);
			}
			for (const [client, clock] of missing) m.set(String(client), clock);
		}, LOCAL_ORIGIN);
		return true;
	}

	/**
	 * Prompt ids whose document holds changes this device lacks, judged from the markers and
	 * `known` (each document's state vector as last seen here; loaded documents use their own).
	 */
	staleDocs(known: (promptId: string) => Map<number, number> | undefined): string[] {
		const out: string[] = [];
		for (const [promptId, marker] of this.maps.markers.entries()) {
			const doc = this.#loaded.get(promptId);
			const sv = doc ? Y.decodeStateVector(Y.encodeStateVector(doc)) : known(promptId);
			for (const [client, clock] of marker.entries()) {
				if ((sv?.get(Number(client)) ?? 0) < clock) {
					out.push(promptId);
					break;
				}
			}
		}
		return out;
	}

	async close(): Promise<void> {
		await Promise.all(this.#closers.splice(0).map((c) => c()));
		for (const d of this.#loaded.values()) d.destroy();
		this.index.destroy();
	}
}
