/** @module The Renderer interface and the worker protocol shared by the Node and browser render workers. */
import { deserializeError, limitError, type SerializedError } from './errors';
import { checkRenderVariables } from './context';
import { effectiveLimits } from './limits';
import type { RenderRequest, RenderResult } from './types';

/** Renders untrusted templates off the calling thread, with a hard time limit. */
export interface Renderer {
	render(req: RenderRequest): Promise<RenderResult>;
	/** Stops the worker; later renders reject. */
	dispose(): void;
}

export interface RenderWorkerRequest {
	id: number;
	request: RenderRequest;
}

export type RenderWorkerMessage =
	| { type: 'ready' }
	| { type: 'result'; id: number; result: RenderResult }
	| { type: 'error'; id: number; error: SerializedError };

/** The few things the client needs from a Node `Worker` or a browser `Worker`. */
export interface WorkerHandle {
	post(msg: RenderWorkerRequest): void;
	terminate(): void;
}

export interface WorkerEvents {
	message(msg: RenderWorkerMessage): void;
	/** The worker died (crash, out of memory, failed to load). */
	failure(reason: string): void;
}

export interface WorkerRendererOptions {
	/** Extra time beyond the request's own `timeoutMs` before the worker is killed. */
	graceMs?: number;
	/** How long a fresh worker may take to load. */
	startupTimeoutMs?: number;
}

/**
 * A {@link Renderer} over any worker: one render at a time; a render that outlives its time limit
 * (or crashes the worker) terminates the worker, rejects with `template_limit` ("render limit
 * exceeded"), and the next render starts a fresh worker.
 */
export function createWorkerRenderer(
	spawn: (events: WorkerEvents) => WorkerHandle,
	options: WorkerRendererOptions = {}
): Renderer {
	const graceMs = options.graceMs ?? 1000;
	const startupTimeoutMs = options.startupTimeoutMs ?? 30_000;
	let disposed = false;
	let nextId = 1;
	let queue: Promise<unknown> = Promise.resolve();
	let current: {
		handle: WorkerHandle;
		ready: Promise<void>;
		onMessage?: (m: RenderWorkerMessage) => void;
		onFailure?: (reason: string) => void;
	} | null = null;

	const start = () => {
		let markReady!: () => void;
		let failStart!: (e: Error) => void;
		const ready = new Promise<void>((res, rej) => {
			markReady = res;
			failStart = rej;
		});
		const worker: NonNullable<typeof current> = {
			handle: spawn({
				message: (m) => {
					if (m.type === 'ready') markReady();
					else worker.onMessage?.(m);
				},
				failure: (reason) => {
					if (current === worker) current = null;
					failStart(new Error(`the render worker failed to start: ${reason}`));
					worker.onFailure?.(reason);
				}
			}),
			ready
		};
		const timer = setTimeout(
			() => failStart(new Error('the render worker did not start')),
			startupTimeoutMs
		);
		ready.then(
			() => clearTimeout(timer),
			() => clearTimeout(timer)
		);
		current = worker;
		return worker;
	};

	const kill = (worker: NonNullable<typeof current>) => {
		if (current === worker) current = null;
		worker.handle.terminate();
	};

	const renderOne = async (req: RenderRequest): Promise<RenderResult> => {
		if (disposed) throw new Error('the renderer was disposed');
		const limits = effectiveLimits(req.options?.limits);
		// The worker converts the variables, but checking them here first fails too deep, cyclic
		// or non-data variables with the same error as in-process, where posting them would
		// overflow the stack of the structured clone or throw a DataCloneError.
		checkRenderVariables(req.variables, limits);
		const request = req;
		const worker = current ?? start();
		try {
			await worker.ready;
		} catch (e) {
			kill(worker);
			throw e;
		}
		const id = nextId++;
		const timeoutMs = limits.timeoutMs;
		return new Promise<RenderResult>((resolve, reject) => {
			const timer = setTimeout(() => {
				kill(worker);
				reject(limitError(`took longer than ${timeoutMs} ms`));
			}, timeoutMs + graceMs);
			worker.onMessage = (m) => {
				if (m.type === 'ready' || m.id !== id) return;
				clearTimeout(timer);
				if (m.type === 'result') resolve(m.result);
				else reject(deserializeError(m.error));
			};
			worker.onFailure = (reason) => {
				clearTimeout(timer);
				reject(limitError(`the renderer stopped (${reason})`));
			};
			try {
				worker.handle.post({ id, request });
			} catch (e) {
				clearTimeout(timer);
				reject(e);
			}
		});
	};

	return {
		render(req) {
			const run = queue.then(() => renderOne(req));
			queue = run.catch(() => undefined);
			return run;
		},
		dispose() {
			disposed = true;
			if (current) kill(current);
		}
	};
}
