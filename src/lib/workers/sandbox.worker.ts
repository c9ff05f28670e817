/**
 * @module Browser Web Worker entry of the sandbox for untrusted JavaScript (custom scorers): each
 * request runs in a fresh QuickJS context inside WebAssembly, never in this worker's own realm.
 */
import { handleSandboxRequest } from '../core/sandbox/sandbox-worker.web';
import type { SandboxWorkerRequest, SandboxWorkerResponse } from '../core/sandbox/sandbox';

const scope = self as unknown as {
	postMessage(msg: SandboxWorkerResponse): void;
	addEventListener(
		type: 'message',
		listener: (e: MessageEvent<SandboxWorkerRequest>) => void
	): void;
};
scope.addEventListener('message', (e) => {
	void handleSandboxRequest(e.data).then((response) => scope.postMessage(response));
});
