import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { handleScanRequest, workerScanner, type ScanWorkerResponse } from './scan-worker';

const prompt = {
	id: 'p1',
	name: 'leaky',
	type: 'text' as const,
	content: 'token ghp_Zx81Lm0qPw72ReTy5UiOpA9sDfGh3Jk4Lz6X',
	messages: [],
	description: ''
};

describe('the scan worker', () => {
	it('handles a request and reports errors as messages', () => {
		const ok = handleScanRequest({ id: 1, prompts: [prompt], datasets: [], options: {} });
		expect(ok).toMatchObject({ id: 1, ok: true, items: [{ name: 'leaky', field: 'content' }] });
		const bad = handleScanRequest({ id: 2, prompts: [null as never], datasets: [], options: {} });
		expect(bad).toMatchObject({ id: 2, ok: false });
	});

	it('runs in a real worker thread (structured-clone messages, like a Web Worker)', async () => {
		const scanner = workerScanner((events) => {
			// A worker thread that loads the scanner through tsx and answers each message.
			const worker = new Worker(
				`import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(new URL('./scan-worker.ts', import.meta.url).href)}, ${JSON.stringify(import.meta.url)})).then((m) => {
					const { parentPort } = require('node:worker_threads');
					parentPort.on('message', (req) => parentPort.postMessage(m.handleScanRequest(req)));
				});`,
				{ eval: true }
			);
			worker.on('message', (r: ScanWorkerResponse) => events.message(r));
			worker.on('error', (e) => events.failure(e.message));
			return { post: (m) => worker.postMessage(m), terminate: () => void worker.terminate() };
		});
		const items = await scanner.scanItems(
			[prompt],
			[{ id: 'd1', name: 'rows', rows: [{ id: 'r', values: { email: 'a@example.com' } }] }]
		);
		expect(items.map((i) => [i.source, i.name, i.field, i.findings[0].type])).toEqual([
			['prompt', 'leaky', 'content', 'GITHUB_TOKEN'],
			['dataset', 'rows', 'rows[0].email', 'EMAIL_ADDRESS']
		]);
		scanner.dispose();
	});
});
