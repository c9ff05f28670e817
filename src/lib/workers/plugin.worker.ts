/**
 * @module Browser Web Worker entry of plugin module sessions: each plugin's ES module lives in its
 * own QuickJS runtime inside WebAssembly, never in this worker's own realm. Requests are handled
 * one at a time, in order.
 */
import { handleSessionRequest } from '../core/sandbox/session-worker.web';
import type { SessionWorkerRequest, SessionWorkerResponse } from '../core/sandbox/session';

const scope = self as unknown as {
	postMessage(msg: SessionWorkerResponse): void;
	addEventListener(
		type: 'message',
		listener: (e: MessageEvent<SessionWorkerRequest>) => void
	): void;
};
let chain: Promise<void> = Promise.resolve();
scope.addEventListener('message', (e) => {
	chain = chain.then(() => handleSessionRequest(e.data).then((r) => scope.postMessage(r)));
});
