/** @module One model call with a per-call timeout and the run's cancellation. */
import { PromptloomError } from '../../model/errors';
import type { ModelCall, ModelCallRequest, ModelCallResponse } from '../types';
import { abortError } from './rate-limiter';

/**
 * Fans one abort listener out to many subscribers, so hundreds of concurrent cases do not each add a
 * listener to the run's signal.
 */
export class AbortHub {
	readonly signal: AbortSignal;
	readonly #subscribers = new Set<() => void>();
	constructor(signal: AbortSignal) {
		this.signal = signal;
		signal.addEventListener('abort', () => [...this.#subscribers].forEach((fn) => fn()), {
			once: true
		});
	}
	/** Calls `fn` on abort; returns the unsubscribe function. */
	subscribe(fn: () => void): () => void {
		this.#subscribers.add(fn);
		return () => this.#subscribers.delete(fn);
	}
}

/**
 * Calls the model with a signal that aborts on `runSignal` or after `timeoutMs`. Settles as soon as
 * either happens even if the call ignores its signal. A timeout rejects with code `timeout`.
 */
export function callWithTimeout(
	call: ModelCall,
	req: Omit<ModelCallRequest, 'signal'>,
	timeoutMs: number,
	hub: AbortHub
): Promise<ModelCallResponse> {
	const runSignal = hub.signal;
	return new Promise((resolve, reject) => {
		if (runSignal.aborted) return reject(abortError(runSignal));
		const controller = new AbortController();
		let settled = false;
		const done = () => {
			settled = true;
			clearTimeout(timer);
			unsubscribe();
		};
		const onRunAbort = () => {
			if (settled) return;
			done();
			const reason = abortError(runSignal);
			controller.abort(reason);
			reject(reason);
		};
		const timer = setTimeout(() => {
			if (settled) return;
			done();
			const err = new PromptloomError('timeout', `model call timed out after ${timeoutMs} ms`);
			controller.abort(err);
			reject(err);
		}, timeoutMs);
		const unsubscribe = hub.subscribe(onRunAbort);
		let pending: Promise<ModelCallResponse>;
		try {
			pending = call({ ...req, signal: controller.signal });
		} catch (e) {
			done();
			return reject(e);
		}
		pending.then(
			(res) => {
				if (settled) return;
				done();
				resolve(res);
			},
			(err) => {
				if (settled) return;
				done();
				reject(err);
			}
		);
	});
}
