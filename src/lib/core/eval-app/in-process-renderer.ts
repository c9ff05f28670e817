/** @module A Renderer that renders in the calling thread (Node, tests); the app uses the worker renderer. */
import { renderRequest } from '../template/render';
import type { Renderer } from '../template/renderer';

/** Renders with the engine's own step, depth and time budgets, without a worker. */
export function inProcessRenderer(): Renderer {
	let disposed = false;
	return {
		async render(req) {
			if (disposed) throw new Error('the renderer was disposed');
			return renderRequest(req);
		},
		dispose() {
			disposed = true;
		}
	};
}
