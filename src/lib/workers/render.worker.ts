/** @module Browser Web Worker entry of the template renderer: renders each request it receives. */
import { handleRenderMessage } from '../core/template/render-handler';
import type { RenderWorkerRequest } from '../core/template/renderer';

const scope = self as unknown as {
	postMessage(msg: unknown): void;
	addEventListener(type: 'message', listener: (e: MessageEvent<RenderWorkerRequest>) => void): void;
};
scope.addEventListener('message', (e) => scope.postMessage(handleRenderMessage(e.data)));
scope.postMessage({ type: 'ready' });
