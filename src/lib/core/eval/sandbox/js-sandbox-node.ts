/** @module Node JsSandbox: a worker thread evaluating scorer code in a fresh V8 context with no Node globals. */
import { Worker } from 'node:worker_threads';
import { PromptloomError } from '../../model/errors';
import {
	wrapScorerCode,
	type JsSandbox,
	type JsSandboxInput,
	type JsSandboxRunOptions
} from './js-sandbox';

/**
 * Worker source (CommonJS, `eval: true`). Network and storage globals are removed from the worker
 * itself; the user code runs in a `vm` context created from a null-prototype object, so it sees only
 * ECMAScript built-ins (no process, require, fetch, timers), cannot generate code from strings
 * (closing the `constructor.constructor` route) and has no dynamic import. Only primitive strings
 * cross the context boundary. Microtasks run inside the timed evaluation.
 */
const WORKER_SOURCE = String.raw`'use strict';
const { parentPort } = require('node:worker_threads');
const vm = require('node:vm');
for (const name of ['fetch', 'WebSocket', 'XMLHttpRequest', 'EventSource', 'Request', 'Response', 'Headers',
  'indexedDB', 'localStorage', 'sessionStorage', 'caches', 'navigator', 'BroadcastChannel']) {
  try { delete globalThis[name]; } catch {}
}
const HARNESS = "const __h = (() => { 'use strict';" +
  "const stringify = JSON.stringify; let state = null;" +
  "const settle = (v) => { try { state = stringify({ ok: true, value: v === undefined ? null : v }); }" +
  " catch (e) { state = stringify({ ok: false, error: 'result is not JSON-serialisable: ' + String(e && e.message) }); } };" +
  "const fail = (e) => { let m; try { m = String(e && e.message !== undefined ? e.message : e); } catch { m = 'error'; } state = stringify({ ok: false, error: m }); };" +
  "return { start(fn, inputJson) { try { const input = JSON.parse(inputJson); const r = fn(input.output, input.context);" +
  " if (r !== null && typeof r === 'object' && typeof r.then === 'function') r.then(settle, fail); else settle(r); } catch (e) { fail(e); } }," +
  " read() { return state; } }; })();";
parentPort.on('message', (job) => {
  let reply;
  try {
    const context = vm.createContext(Object.create(null), {
      name: 'promptloom-scorer',
      codeGeneration: { strings: false, wasm: false },
      microtaskMode: 'afterEvaluate'
    });
    vm.runInContext(HARNESS, context, { timeout: job.timeoutMs });
    const script = '__h.start(' + job.fn + '\n, ' + JSON.stringify(job.inputJson) + ');';
    vm.runInContext(script, context, { timeout: job.timeoutMs, filename: 'scorer.js' });
    const state = vm.runInContext('__h.read()', context, { timeout: job.timeoutMs });
    if (typeof state !== 'string') reply = { ok: false, kind: 'sandbox', error: 'the code did not produce a result (a promise that never settles?)' };
    else {
      const parsed = JSON.parse(state);
      reply = parsed.ok ? { ok: true, value: parsed.value } : { ok: false, kind: 'sandbox', error: String(parsed.error) };
    }
  } catch (e) {
    const timedOut = e && e.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
    let message = 'error';
    try { message = String(e && e.message !== undefined ? e.message : e); } catch {}
    reply = { ok: false, kind: timedOut ? 'timeout' : 'sandbox', error: message };
  }
  parentPort.postMessage({ id: job.id, reply });
});
`;

type Reply =
	{ ok: true; value: unknown } | { ok: false; kind: 'timeout' | 'sandbox'; error: string };

interface Job {
	id: number;
	fn: string;
	inputJson: string;
	timeoutMs: number;
	signal?: AbortSignal;
	resolve: (v: unknown) => void;
	reject: (e: unknown) => void;
}

export interface NodeJsSandboxOptions {
	/** Extra time the worker gets after the limit before it is terminated (default 1000 ms). */
	killGraceMs?: number;
	/** Heap limit of the worker (default 64 MB). */
	maxHeapMb?: number;
}

/** Runs jobs one at a time on one worker; a runaway job kills and replaces the worker. */
export class NodeJsSandbox implements JsSandbox {
	#worker: Worker | null = null;
	#queue: Job[] = [];
	#current: Job | null = null;
	#timer: ReturnType<typeof setTimeout> | null = null;
	#nextId = 1;
	#disposed = false;
	readonly #grace: number;
	readonly #heapMb: number;

	constructor(options: NodeJsSandboxOptions = {}) {
		this.#grace = options.killGraceMs ?? 1000;
		this.#heapMb = options.maxHeapMb ?? 64;
	}

	run(code: string, input: JsSandboxInput, options: JsSandboxRunOptions): Promise<unknown> {
		if (this.#disposed)
			return Promise.reject(new PromptloomError('sandbox', 'the sandbox was disposed'));
		return new Promise((resolve, reject) => {
			if (options.signal?.aborted) {
				reject(new PromptloomError('cancelled', 'scorer cancelled'));
				return;
			}
			this.#queue.push({
				id: this.#nextId++,
				fn: wrapScorerCode(code),
				inputJson: JSON.stringify(input),
				timeoutMs: Math.max(1, Math.round(options.timeoutMs)),
				signal: options.signal,
				resolve,
				reject
			});
			this.#pump();
		});
	}

	async dispose(): Promise<void> {
		this.#disposed = true;
		for (const job of this.#queue.splice(0))
			job.reject(new PromptloomError('sandbox', 'the sandbox was disposed'));
		this.#finish(new PromptloomError('sandbox', 'the sandbox was disposed'));
		await this.#kill();
	}

	#spawn(): Worker {
		const worker = new Worker(WORKER_SOURCE, {
			eval: true,
			env: {},
			argv: [],
			execArgv: [],
			stdout: true,
			stderr: true,
			resourceLimits: { maxOldGenerationSizeMb: this.#heapMb, maxYoungGenerationSizeMb: 16 }
		});
		worker.on('message', (msg: { id: number; reply: Reply }) => {
			const job = this.#current;
			if (!job || job.id !== msg.id) return;
			const { reply } = msg;
			if (reply.ok) this.#finish(null, reply.value);
			else
				this.#finish(
					new PromptloomError(
						reply.kind,
						reply.kind === 'timeout'
							? `custom JavaScript exceeded its time limit of ${job.timeoutMs} ms`
							: `custom JavaScript failed: ${reply.error}`
					)
				);
		});
		worker.on('error', (err) => {
			this.#worker = null;
			this.#finish(
				new PromptloomError('sandbox', `custom JavaScript crashed the sandbox: ${err.message}`)
			);
		});
		worker.on('exit', () => {
			if (this.#worker === worker) this.#worker = null;
		});
		return worker;
	}

	#pump(): void {
		if (this.#current || this.#queue.length === 0) {
			if (!this.#current) this.#worker?.unref();
			return;
		}
		const job = this.#queue.shift() as Job;
		if (job.signal?.aborted) {
			job.reject(new PromptloomError('cancelled', 'scorer cancelled'));
			this.#pump();
			return;
		}
		this.#current = job;
		this.#worker ??= this.#spawn();
		this.#worker.ref();
		this.#timer = setTimeout(() => {
			// The V8 timeout did not fire (e.g. the worker is stuck outside the script): kill it.
			void this.#kill();
			this.#finish(
				new PromptloomError(
					'timeout',
					`custom JavaScript exceeded its time limit of ${job.timeoutMs} ms`
				)
			);
		}, job.timeoutMs + this.#grace);
		job.signal?.addEventListener('abort', () => this.#abort(job), { once: true });
		this.#worker.postMessage({
			id: job.id,
			fn: job.fn,
			inputJson: job.inputJson,
			timeoutMs: job.timeoutMs
		});
	}

	#abort(job: Job): void {
		if (this.#current !== job) return;
		void this.#kill();
		this.#finish(new PromptloomError('cancelled', 'scorer cancelled'));
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
		if (!this.#disposed) this.#pump();
	}

	async #kill(): Promise<void> {
		const worker = this.#worker;
		this.#worker = null;
		if (worker) await worker.terminate();
	}
}
