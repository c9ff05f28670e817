/**
 * @module The sandbox in Node (CLI, tests, benchmarks): the QuickJS WebAssembly file read from the
 * installed package, jobs run in-process (each bounded by its own time, memory and stack limits).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createSandboxEngine } from './engine';
import {
	SandboxError,
	type JsonValue,
	type Sandbox,
	type SandboxJob,
	type SandboxRunOptions
} from './sandbox';

const engine = createSandboxEngine({
	compile: async () => {
		const path = createRequire(import.meta.url).resolve('@jitl/quickjs-wasmfile-release-sync/wasm');
		return WebAssembly.compile(await readFile(path));
	}
});

/**
 * Runs untrusted code in a fresh QuickJS context and resolves with its JSON result; rejects with
 * a `SandboxError` (`failure.kind`: syntax, thrown, timeout, memory, stack, result…).
 * WARNING: blocks the calling thread for up to `job.timeoutMs` while the code runs.
 */
export function runInSandbox(job: SandboxJob): Promise<JsonValue> {
	return engine.run(job);
}

/** {@link Sandbox} over {@link runInSandbox}; jobs run one after another on this thread. */
export class InProcessSandbox implements Sandbox {
	#disposed = false;

	async run(job: SandboxJob, options: SandboxRunOptions = {}): Promise<JsonValue> {
		if (this.#disposed)
			throw new SandboxError({ kind: 'cancelled', message: 'the sandbox was disposed' });
		if (options.signal?.aborted)
			throw new SandboxError({ kind: 'cancelled', message: 'cancelled' });
		return engine.run(job);
	}

	async dispose(): Promise<void> {
		this.#disposed = true;
	}
}
