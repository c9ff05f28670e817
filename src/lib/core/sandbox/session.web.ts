/**
 * @module Module sessions (plugins) in the browser: every session lives in one Web Worker
 * (`src/lib/workers/plugin.worker.ts`). The engine stops a call at its time limit; a worker that
 * does not answer in time anyway is terminated, its calls fail, and each session is loaded again
 * in a fresh worker on its next call.
 */
import { SandboxError, type SandboxFailure } from './sandbox';
import type {
	ModuleSession,
	ModuleSessionFactory,
	ModuleSessionOptions,
	SessionWorkerRequest,
	SessionWorkerResponse
} from './session';

type Pending = {
	resolve: (v: string | boolean | null) => void;
	reject: (e: unknown) => void;
	timer: ReturnType<typeof setTimeout>;
};

/** A request before it is numbered (distributed over the union's members). */
type Unnumbered<T> = T extends unknown ? Omit<T, 'id'> : never;

/** Extra time a worker gets beyond a call's own limit (and to start and compile, on open). */
const GRACE_MS = 2000;
const STARTUP_MS = 10_000;

export class WorkerModuleSessions implements ModuleSessionFactory {
	#worker: Worker | null = null;
	/** Bumped when a worker is replaced: sessions opened in an older one must open again. */
	#generation = 0;
	#nextId = 1;
	#nextSession = 1;
	readonly #pending = new Map<number, Pending>();

	#ensure(): Worker {
		if (this.#worker) return this.#worker;
		const worker = new Worker(new URL('../../workers/plugin.worker.ts', import.meta.url), {
			type: 'module'
		});
		worker.addEventListener('message', (e: MessageEvent<SessionWorkerResponse>) => {
			const r = e.data;
			const p = this.#pending.get(r.id);
			if (!p) return;
			this.#pending.delete(r.id);
			clearTimeout(p.timer);
			if (r.ok) p.resolve(r.value);
			else p.reject(new SandboxError(r.failure));
		});
		worker.addEventListener('error', () =>
			this.#restart({ kind: 'crashed', message: 'the plugin worker failed' })
		);
		this.#worker = worker;
		return worker;
	}

	#restart(failure: SandboxFailure): void {
		this.#worker?.terminate();
		this.#worker = null;
		this.#generation++;
		for (const [id, p] of this.#pending) {
			clearTimeout(p.timer);
			p.reject(new SandboxError(failure));
			this.#pending.delete(id);
		}
	}

	#send(
		request: Unnumbered<SessionWorkerRequest>,
		waitMs: number
	): Promise<string | boolean | null> {
		const worker = this.#ensure();
		const id = this.#nextId++;
		return new Promise((resolve, reject) => {
			const timer = setTimeout(
				() =>
					this.#restart({
						kind: 'timeout',
						message: `no answer within ${waitMs} ms`,
						limit: waitMs
					}),
				waitMs
			);
			this.#pending.set(id, { resolve, reject, timer });
			worker.postMessage({ ...request, id } as SessionWorkerRequest);
		});
	}

	async open(options: ModuleSessionOptions): Promise<ModuleSession> {
		const session = this.#nextSession++;
		let generation = -1;
		let disposed = false;
		const openHere = async () => {
			const g = this.#generation;
			await this.#send({ op: 'open', session, options }, options.loadTimeoutMs + STARTUP_MS);
			generation = g;
		};
		await openHere();
		const ready = async () => {
			if (disposed)
				throw new SandboxError({ kind: 'cancelled', message: 'the session was closed' });
			if (generation !== this.#generation) await openHere();
		};
		const callJson = async (path: readonly string[], inputJson: string, timeoutMs: number) => {
			await ready();
			const v = await this.#send(
				{ op: 'call', session, path, inputJson, timeoutMs },
				timeoutMs + GRACE_MS
			);
			return String(v);
		};
		return {
			callJson,
			async call(path, input, timeoutMs) {
				let json: string;
				try {
					json = JSON.stringify(input === undefined ? null : input);
				} catch (e) {
					throw new SandboxError({
						kind: 'input',
						message: `input is not JSON-serialisable: ${(e as Error).message}`
					});
				}
				return JSON.parse(await callJson(path, json, timeoutMs)) as unknown;
			},
			isFunction: async (path) => {
				await ready();
				return (
					(await this.#send(
						{ op: 'isFunction', session, path },
						options.loadTimeoutMs + GRACE_MS
					)) === true
				);
			},
			dispose: () => {
				if (disposed) return;
				disposed = true;
				if (this.#worker && generation === this.#generation)
					void this.#send({ op: 'dispose', session }, GRACE_MS).catch(() => {});
			}
		};
	}

	dispose(): void {
		this.#restart({ kind: 'cancelled', message: 'the plugin sandbox was closed' });
	}
}
