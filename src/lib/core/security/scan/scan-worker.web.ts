/** @module The scan worker in browsers: `src/lib/workers/scan.worker.ts` as a module Web Worker. */
import { workerScanner, type ItemScanner } from './scan-worker';

/** Library scans in a Web Worker, so a large library does not freeze the page. */
export function createWebScanner(): ItemScanner {
	return workerScanner((events) => {
		const worker = new Worker(new URL('../../../workers/scan.worker.ts', import.meta.url), {
			type: 'module',
			name: 'promptloom-scan'
		});
		worker.onmessage = (e) => events.message(e.data);
		worker.onerror = (e) => {
			e.preventDefault();
			events.failure(e.message || 'worker error');
		};
		worker.onmessageerror = () => events.failure('a message could not be read');
		return { post: (msg) => worker.postMessage(msg), terminate: () => worker.terminate() };
	});
}
