/**
 * @module Local changes of prompt documents that are not open, sent to the relay over short-lived
 * sockets a few at a time, each kept pending until the relay confirms it stored it.
 */

/** Sockets opened at once to send local changes of prompt documents that are not open. */
export const MAX_UPLOAD_SOCKETS = 6;

export interface UploadsDeps {
	/** Sends one document and waits for the relay's confirmation; false to try again later. */
	send(promptId: string): Promise<boolean>;
	/** False while uploads must wait (the link stopped, or the index is not in sync yet). */
	ready(): boolean;
	/** Documents open live send their changes through their own socket. */
	isLive(promptId: string): boolean;
	/** Called when the set of pending documents or the count in flight changed. */
	changed(pending: string[]): void;
}

export class Uploads {
	readonly #deps: UploadsDeps;
	readonly #pending = new Set<string>();
	readonly #sending = new Set<string>();
	/** Uploads under way, each settled once its outcome is recorded (and the next ones started). */
	readonly #inFlight = new Set<Promise<void>>();
	/** True while `drain` holds new uploads back (until `resume`). */
	#held = false;

	constructor(deps: UploadsDeps, pending: Iterable<string> = []) {
		this.#deps = deps;
		for (const id of pending) this.#pending.add(id);
	}

	/** Documents waiting to be sent or being sent. */
	get size(): number {
		return this.#pending.size + this.#sending.size;
	}

	/** Queues a document (without sending yet; see `pump`); `announce` reports the new set. */
	add(promptId: string, announce = false): void {
		this.#pending.add(promptId);
		if (announce) this.#deps.changed([...this.#pending]);
	}

	/** Starts sending pending documents, up to {@link MAX_UPLOAD_SOCKETS} at once. */
	pump(): void {
		if (this.#held || !this.#deps.ready()) return;
		for (const id of this.#pending) {
			if (this.#sending.size >= MAX_UPLOAD_SOCKETS) break;
			if (this.#sending.has(id) || this.#deps.isLive(id)) continue;
			this.#sending.add(id);
			this.#pending.delete(id);
			const upload = this.#deps.send(id).then(
				(ok) => {
					this.#sending.delete(id);
					if (!ok) this.#pending.add(id);
					this.#deps.changed([...this.#pending]);
					if (ok) this.pump();
				},
				() => {
					this.#sending.delete(id);
					this.#pending.add(id);
				}
			);
			this.#inFlight.add(upload);
			void upload.finally(() => this.#inFlight.delete(upload));
		}
	}

	/** Sends what is pending, waits for every upload under way, then holds new ones back. */
	async drain(): Promise<void> {
		this.pump();
		while (this.#inFlight.size) await Promise.allSettled([...this.#inFlight]);
		this.#held = true;
	}

	/** Lets uploads start again after `drain`. */
	resume(): void {
		this.#held = false;
		this.pump();
	}
}
