/**
 * @module The render workers' side of the protocol: renders each request in the worker thread.
 * Kept apart from ./renderer (the calling side) so the app's main bundle never includes the engine.
 */
import { serializeError } from './errors';
import { renderRequest } from './render';
import type { RenderWorkerMessage, RenderWorkerRequest } from './renderer';

/** What a worker entry does with each request: render in the worker, answer with plain data. */
export function handleRenderMessage(msg: RenderWorkerRequest): RenderWorkerMessage {
	try {
		return { type: 'result', id: msg.id, result: renderRequest(msg.request) };
	} catch (e) {
		return { type: 'error', id: msg.id, error: serializeError(e) };
	}
}
