/** @module Browser JsSandbox: scorer code in a locked-down Web Worker, terminated when over its time limit. */
import { PromptloomError } from '../model/errors';
import type { JsSandbox, JsSandboxInput, JsSandboxRunOptions } from '../eval/sandbox/js-sandbox';

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

interface Job {
	id: number;
	code: string;
	inputJson: string;
	timeoutMs: number;
	signal?: AbortSignal;
	resolve: (v: unknown) => void;
	reject: (e: unknown) => void;
}

interface SandboxWorker {
	worker: Worker;
	ready: Promise<void>;
}

/**
 * Runs jobs one at a time on one worker (`src/lib/workers/eval-sandbox.worker.ts`). A job over its
 * limit, or cancelled, terminates the worker; the next job gets a fresh one. The limit includes
 * a fresh worker's start-up, so the first job's limit is `timeoutMs + startupMs`.
 */
export class WorkerJsSandbox implements JsSandbox {
	#w: SandboxWorker | null = null;
	#queue: Job[] = [];
	#current: Job | null = null;
	#timer: ReturnType<typeof setTimeout> | null = null;
	#nextId = 1;
	#disposed = false;
	readonly #startupMs: number;

	constructor(options: { startupMs?: number } = {}) {
		this.#startupMs = options.startupMs ?? 5000;
	}

	run(code: string, input: JsSandboxInput, options: JsSandboxRunOptions): Promise<unknown> {
		if (this.#disposed)
			return Promise.reject(new PromptloomError('sandbox', 'the sandbox was disposed'));
		return new Promise((resolve, reject) => {
			if (options.signal?.aborted)
				return reject(new PromptloomError('cancelled', 'scorer cancelled'));
			this.#queue.push({
				id: this.#nextId++,
				code,
				inputJson: JSON.stringify(input),
				timeoutMs: Math.max(1, Math.round(options.timeoutMs)),
				signal: options.signal,
				resolve,
				reject
			});
			void this.#pump();
		});
	}

	async dispose(): Promise<void> {
		this.#disposed = true;
		for (const job of this.#queue.splice(0))
			job.reject(new PromptloomError('sandbox', 'the sandbox was disposed'));
		this.#finish(new PromptloomError('sandbox', 'the sandbox was disposed'));
		this.#kill();
	}

	#spawn(): SandboxWorker {
		const worker = new Worker(new URL('../../workers/eval-sandbox.worker.ts', import.meta.url), {
			type: 'module',
			name: 'promptloom-scorer'
		});
		let ready!: () => void;
		const w: SandboxWorker = { worker, ready: new Promise<void>((r) => (ready = r)) };
		worker.onmessage = (e: MessageEvent<string>) => {
			let msg: Reply | { ready: true };
			try {
				msg = JSON.parse(e.data);
			} catch {
				return;
			}
			if ('ready' in msg) return ready();
			const job = this.#current;
			if (!job || job.id !== msg.id) return;
			if (msg.ok) this.#finish(null, msg.value);
			else this.#finish(new PromptloomError('sandbox', `custom JavaScript failed: ${msg.error}`));
		};
		worker.onerror = (e) => {
			e.preventDefault();
			if (this.#w === w) this.#w = null;
			worker.terminate();
			this.#finish(
				new PromptloomError('sandbox', `custom JavaScript crashed the sandbox: ${e.message}`)
			);
		};
		return w;
	}

	async #pump(): Promise<void> {
		if (this.#current || this.#queue.length === 0) return;
		const job = this.#queue.shift() as Job;
		if (job.signal?.aborted) {
			job.reject(new PromptloomError('cancelled', 'scorer cancelled'));
			return this.#pump();
		}
		this.#current = job;
		const fresh = !this.#w;
		const w = (this.#w ??= this.#spawn());
		this.#timer = setTimeout(
			() => {
				this.#kill();
				this.#finish(
					new PromptloomError(
						'timeout',
						`custom JavaScript exceeded its time limit of ${job.timeoutMs} ms`
					)
				);
			},
			job.timeoutMs + (fresh ? this.#startupMs : 0)
		);
		job.signal?.addEventListener(
			'abort',
			() => {
				if (this.#current !== job) return;
				this.#kill();
				this.#finish(new PromptloomError('cancelled', 'scorer cancelled'));
			},
			{ once: true }
		);
		await w.ready;
		if (this.#current === job && this.#w === w)
			w.worker.postMessage({ id: job.id, code: job.code, inputJson: job.inputJson });
	}

	#finish(error: PromptloomError | null, value?: unknown): void {
		const job = this.#current;
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
		this.#current = null;
		if (job) {
			if (error) job.reject(error);
			else job.resolve(value);
		}
		if (!this.#disposed) void this.#pump();
	}

	#kill(): void {
		const w = this.#w;
		this.#w = null;
		w?.worker.terminate();
	}
}
