/** @module Node renderer: renders untrusted templates in a worker thread with time and memory limits. */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createWorkerRenderer, type Renderer, type WorkerRendererOptions } from './renderer';

export interface NodeRendererOptions extends WorkerRendererOptions {
	/** Heap limit of the worker in MB (a template that allocates past it is stopped). */
	maxHeapMb?: number;
}

/**
 * Starts the worker. In the compiled CLI (dist/cli/, see scripts/build-cli.js) the entry is built
 * JavaScript beside this chunk. Under tsx or vitest it is TypeScript, so the worker first
 * registers tsx's loader (a regular dependency) and then imports the entry.
 */
function spawnWorker(maxHeapMb: number): Worker {
	const resourceLimits = {
		maxOldGenerationSizeMb: maxHeapMb,
		maxYoungGenerationSizeMb: 32,
		stackSizeMb: 4
	};
	if (import.meta.url.endsWith('.js'))
		return new Worker(new URL('./render-worker.node.js', import.meta.url), { resourceLimits });
	const entry = new URL('./render-worker.node.ts', import.meta.url);
	// require.resolve picks the CommonJS build; the worker needs the ESM one beside it.
	const tsxApi = pathToFileURL(
		createRequire(import.meta.url)
			.resolve('tsx/esm/api')
			.replace(/\.cjs$/, '.mjs')
	).href;
	const bootstrap = `
		const { workerData } = require('node:worker_threads');
		import(workerData.tsxApi)
			.then((m) => { m.register(); return import(workerData.entry); })
			.catch((e) => { setImmediate(() => { throw e; }); });`;
	return new Worker(bootstrap, {
		eval: true,
		workerData: { entry: entry.href, tsxApi },
		resourceLimits
	});
}

/** A {@link Renderer} backed by a `worker_threads` worker (respawned after a timeout or crash). */
export function createNodeRenderer(options: NodeRendererOptions = {}): Renderer {
	return createWorkerRenderer((events) => {
		const worker = spawnWorker(options.maxHeapMb ?? 256);
		worker.unref();
		worker.on('message', (m) => events.message(m));
		worker.on('error', (e) => events.failure(e.message));
		worker.on('exit', (code) => events.failure(`exited with code ${code}`));
		return {
			post: (msg) => worker.postMessage(msg),
			terminate: () => {
				worker.removeAllListeners('exit');
				void worker.terminate();
			}
		};
	}, options);
}
