/** @module A Renderer that renders in the calling thread (Node, tests); the app uses the worker renderer. */
import type { Renderer } from '../../template/renderer';

/** The engine is imported on first render, so bundles that only reference this module stay small. */
let engine: Promise<typeof import('../../template/render')> | undefined;

/** Renders with the engine's own step, depth and time budgets, without a worker. */
export function inProcessRenderer(): Renderer {
	let disposed = false;
	return {
		async render(req) {
			if (disposed) throw new Error('the renderer was disposed');
			engine ??= import('../../template/render').catch((e: unknown) => {
				engine = undefined;
				throw e;
			});
			const { renderRequest } = await engine;
			return renderRequest(req);
		},
		dispose() {
			disposed = true;
		}
	};
}
