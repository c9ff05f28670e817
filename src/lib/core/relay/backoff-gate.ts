/**
 * @module Keeps background requests to the relay from storming while it cannot be reached:
 * after a network failure, further requests fail at once (without touching the network) for a
 * growing, jittered delay, and none are sent while the browser says it is offline.
 */
import { PromptloomError } from '../model/errors';

export interface BackoffGateOptions {
	/** First delay after a failure; doubles with each further failure. */
	baseMs?: number;
	maxMs?: number;
	now?: () => number;
	random?: () => number;
	/** False while the device is known to be offline (default: `navigator.onLine`). */
	online?: () => boolean;
}

const browserOnline = () =>
	(globalThis.navigator as { onLine?: boolean } | undefined)?.onLine !== false;

export class BackoffGate {
	readonly #o: Required<BackoffGateOptions>;
	#failures = 0;
	#closedUntil = 0;
	readonly #stopListening: () => void;

	constructor(options: BackoffGateOptions = {}) {
		this.#o = {
			baseMs: 1000,
			maxMs: 60_000,
			now: Date.now,
			random: Math.random,
			online: browserOnline,
			...options
		};
		// Coming back online opens the gate at once.
		const target = globalThis as {
			addEventListener?: typeof addEventListener;
			removeEventListener?: typeof removeEventListener;
		};
		const reopen = () => this.reset();
		target.addEventListener?.('online', reopen);
		this.#stopListening = () => target.removeEventListener?.('online', reopen);
	}

	/** Milliseconds until the next request may go out (0: now). */
	get waitMs(): number {
		return Math.max(0, this.#closedUntil - this.#o.now());
	}

	/**
	 * Runs `request` if the gate is open; a failure that `isNetworkFailure` recognises closes it
	 * for the next delay (half of it jittered). While closed or offline, throws a `relay` error
	 * saying so, without calling `request`.
	 */
	async run<T>(
		what: string,
		request: () => Promise<T>,
		isNetworkFailure: (e: unknown) => boolean
	): Promise<T> {
		if (!this.#o.online()) throw new PromptloomError('relay', `${what}: this device is offline`);
		const wait = this.waitMs;
		if (wait > 0)
			throw new PromptloomError(
				'relay',
				`${what}: the relay could not be reached; trying again in ${Math.ceil(wait / 1000)} s`
			);
		try {
			const result = await request();
			this.reset();
			return result;
		} catch (e) {
			if (isNetworkFailure(e)) {
				const full = Math.min(this.#o.maxMs, this.#o.baseMs * 2 ** this.#failures++);
				this.#closedUntil = this.#o.now() + full / 2 + (full / 2) * this.#o.random();
			}
			throw e;
		}
	}

	/** Opens the gate (the relay answered some other way, or the network came back). */
	reset(): void {
		this.#failures = 0;
		this.#closedUntil = 0;
	}

	dispose(): void {
		this.#stopListening();
	}
}
