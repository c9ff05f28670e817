/**
 * @module Renders for the API in worker threads (the template engine's Node renderer: safe
 * interpreter, hard time limit, heap limit), a few workers shared by all requests.
 */
import { createNodeRenderer } from '../../../src/lib/core/template/renderer.node.ts';
import type { Renderer } from '../../../src/lib/core/template/renderer';
import type { RenderRequest, RenderResult } from '../../../src/lib/core/template/types';
import { ApiError } from './http';

export class RenderPool {
	readonly #workers: Array<{ renderer: Renderer; pending: number }> = [];
	#queued = 0;

	constructor(
		private readonly size: number,
		private readonly maxQueued: number
	) {}

	async render(req: RenderRequest): Promise<RenderResult> {
		if (this.#queued >= this.maxQueued)
			throw new ApiError(
				'unavailable',
				`too many renders waiting (${this.maxQueued}); retry later`,
				{
					'retry-after': '1'
				}
			);
		if (this.#workers.length < Math.max(1, this.size) && this.#workers.every((w) => w.pending > 0))
			this.#workers.push({ renderer: createNodeRenderer({ maxHeapMb: 128 }), pending: 0 });
		const worker = this.#workers.reduce((a, b) => (b.pending < a.pending ? b : a));
		worker.pending++;
		this.#queued++;
		try {
			return await worker.renderer.render(req);
		} finally {
			worker.pending--;
			this.#queued--;
		}
	}

	close(): void {
		for (const w of this.#workers.splice(0)) w.renderer.dispose();
	}
}
