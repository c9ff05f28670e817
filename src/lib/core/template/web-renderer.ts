/** @module Browser renderer: renders untrusted templates in a module Web Worker, terminated and respawned on timeout. */
import { createWorkerRenderer, type Renderer, type WorkerRendererOptions } from './renderer';

/**
 * A {@link Renderer} backed by `src/lib/workers/render.worker.ts`. The `new Worker(new URL(…),
 * { type: 'module' })` form is what Vite recognises to bundle the worker.
 */
export function createBrowserRenderer(options: WorkerRendererOptions = {}): Renderer {
	return createWorkerRenderer((events) => {
		const worker = new Worker(new URL('../../workers/render.worker.ts', import.meta.url), {
			type: 'module',
			name: 'promptloom-render'
		});
		worker.onmessage = (e) => events.message(e.data);
		worker.onerror = (e) => {
			e.preventDefault();
			events.failure(e.message || 'worker error');
		};
		worker.onmessageerror = () => events.failure('a message could not be read');
		return { post: (msg) => worker.postMessage(msg), terminate: () => worker.terminate() };
	}, options);
}
