/**
 * @module The sandbox in the browser: jobs go to a Web Worker (`src/lib/workers/sandbox.worker.ts`)
 * that runs them in the QuickJS WebAssembly engine, off the UI thread. The engine stops a job at
 * its time limit; a worker that does not answer in time anyway is terminated and replaced.
 */
import {
	SandboxError,
	type JsonValue,
	type Sandbox,
	type SandboxJob,
	type SandboxRunOptions,
	type SandboxWorkerRequest,
	type SandboxWorkerResponse
} from './sandbox';

interface Job {
	id: number;
	job: SandboxJob;
	signal?: AbortSignal;
	resolve: (v: JsonValue) => void;
	reject: (e: unknown) => void;
}

export interface WorkerSandboxOptions {
	/** Extra time a fresh worker gets to fetch and compile the engine (default 10 s). */
	startupMs?: number;
	/** Extra time after a job's limit before its worker is terminated (default 1 s). */
	graceMs?: number;
}

/** Runs jobs one at a time on one worker; a fresh QuickJS runtime serves each job inside it. */
export class WorkerSandbox implements Sandbox {
	#worker: Worker | null = null;
	#queue: Job[] = [];
	#current: Job | null = null;
	#timer: ReturnType<typeof setTimeout> | null = null;
	#nextId = 1;
	#disposed = false;
	readonly #startupMs: number;
	readonly #graceMs: number;

	constructor(options: WorkerSandboxOptions = {}) {
		this.#startupMs = options.startupMs ?? 10_000;
		this.#graceMs = options.graceMs ?? 1000;
	}

	run(job: SandboxJob, options: SandboxRunOptions = {}): Promise<JsonValue> {
		if (this.#disposed)
			return Promise.reject(
				new SandboxError({ kind: 'cancelled', message: 'the sandbox was disposed' })
			);
		if (options.signal?.aborted)
			return Promise.reject(new SandboxError({ kind: 'cancelled', message: 'cancelled' }));
		// The input crosses to the worker as JSON text, exactly as it enters the engine in Node.
		let inputJson: string | undefined = job.inputJson;
		try {
			if (typeof inputJson !== 'string')
				inputJson = JSON.stringify(job.input === undefined ? null : job.input);
		} catch (e) {
			return Promise.reject(
				new SandboxError({
					kind: 'input',
					message: `input is not JSON-serialisable: ${(e as Error).message}`
				})
			);
		}
		const { input: _input, ...rest } = job;
		return new Promise((resolve, reject) => {
			this.#queue.push({
				id: this.#nextId++,
				job: { ...rest, inputJson },
				signal: options.signal,
				resolve,
				reject
			});
			this.#pump();
		});
	}

	async dispose(): Promise<void> {
		this.#disposed = true;
		const disposed = new SandboxError({ kind: 'cancelled', message: 'the sandbox was disposed' });
		for (const job of this.#queue.splice(0)) job.reject(disposed);
		this.#finish(disposed);
		this.#kill();
	}

	#spawn(): Worker {
		const worker = new Worker(new URL('../../workers/sandbox.worker.ts', import.meta.url), {
			type: 'module',
			name: 'promptloom-sandbox'
		});
		worker.onmessage = (e: MessageEvent<SandboxWorkerResponse>) => {
			const msg = e.data;
			const job = this.#current;
			if (!job || !msg || job.id !== msg.id) return;
			if (msg.ok) {
				let value: JsonValue;
				try {
					value = JSON.parse(msg.json) as JsonValue;
				} catch {
					this.#finish(new SandboxError({ kind: 'crashed', message: 'the worker sent bad JSON' }));
					return;
				}
				this.#finish(null, value);
			} else this.#finish(new SandboxError(msg.failure));
		};
		worker.onerror = (e) => {
			e.preventDefault();
			if (this.#worker === worker) this.#kill();
			this.#finish(
				new SandboxError({ kind: 'crashed', message: e.message || 'the sandbox worker failed' })
			);
		};
		return worker;
	}

	#pump(): void {
		if (this.#current || this.#queue.length === 0) return;
		const job = this.#queue.shift() as Job;
		if (job.signal?.aborted) {
			job.reject(new SandboxError({ kind: 'cancelled', message: 'cancelled' }));
			return this.#pump();
		}
		this.#current = job;
		const fresh = !this.#worker;
		let worker: Worker;
		try {
			worker = this.#worker ??= this.#spawn();
		} catch (e) {
			this.#finish(
				new SandboxError({
					kind: 'crashed',
					message: `the sandbox worker could not start: ${(e as Error)?.message ?? String(e)}`
				})
			);
			return;
		}
		const limit = job.job.timeoutMs;
		this.#timer = setTimeout(
			() => {
				this.#kill();
				this.#finish(
					new SandboxError({
						kind: 'timeout',
						message: 'the sandbox worker did not answer in time',
						limit
					})
				);
			},
			(Number.isFinite(limit) ? limit : 0) + this.#graceMs + (fresh ? this.#startupMs : 0)
		);
		job.signal?.addEventListener(
			'abort',
			() => {
				if (this.#current !== job) return;
				this.#kill();
				this.#finish(new SandboxError({ kind: 'cancelled', message: 'cancelled' }));
			},
			{ once: true }
		);
		const request: SandboxWorkerRequest = { id: job.id, job: job.job };
		worker.postMessage(request);
	}

	#finish(error: SandboxError | null, value?: JsonValue): void {
		const job = this.#current;
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
		this.#current = null;
		if (job) {
			if (error) job.reject(error);
			else job.resolve(value as JsonValue);
		}
		if (!this.#disposed) this.#pump();
	}

	#kill(): void {
		const worker = this.#worker;
		this.#worker = null;
		worker?.terminate();
	}
}
