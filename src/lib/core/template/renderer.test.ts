import { afterAll, describe, expect, it } from 'vitest';
import { createNodeRenderer } from './renderer.node.ts';
import { handleRenderMessage } from './render-handler';
import { createWorkerRenderer, type WorkerEvents, type WorkerHandle } from './renderer';

describe('createWorkerRenderer (client side)', () => {
	it('terminates a worker that does not answer in time and starts a new one for the next render', async () => {
		const spawned: { events: WorkerEvents; terminated: boolean }[] = [];
		const renderer = createWorkerRenderer(
			(events): WorkerHandle => {
				const w = { events, terminated: false };
				spawned.push(w);
				queueMicrotask(() => events.message({ type: 'ready' }));
				return {
					// The first worker hangs; later ones answer like the real worker entry.
					post: (msg) => {
						if (spawned.length > 1) queueMicrotask(() => events.message(handleRenderMessage(msg)));
					},
					terminate: () => {
						w.terminated = true;
					}
				};
			},
			{ graceMs: 10 }
		);
		await expect(
			renderer.render({ template: 'x', options: { limits: { timeoutMs: 20 } } })
		).rejects.toMatchObject({
			code: 'template_limit',
			message: 'render limit exceeded: took longer than 20 ms'
		});
		expect(spawned[0].terminated).toBe(true);
		await expect(
			renderer.render({ template: 'ok {{ n }}', variables: { n: 1 } })
		).resolves.toMatchObject({ output: 'ok 1' });
		expect(spawned).toHaveLength(2);
		renderer.dispose();
		expect(spawned[1].terminated).toBe(true);
		await expect(renderer.render({ template: 'x' })).rejects.toThrow('disposed');
	});

	it('rejects with template_limit when the worker dies mid-render', async () => {
		const renderer = createWorkerRenderer((events) => {
			queueMicrotask(() => events.message({ type: 'ready' }));
			return {
				post: () => queueMicrotask(() => events.failure('out of memory')),
				terminate: () => {}
			};
		});
		await expect(renderer.render({ template: 'x' })).rejects.toMatchObject({
			code: 'template_limit',
			message: 'render limit exceeded: the renderer stopped (out of memory)'
		});
	});
});

describe('createNodeRenderer (worker_threads)', () => {
	const renderer = createNodeRenderer({ graceMs: 50 });
	afterAll(() => renderer.dispose());

	it('renders in a worker thread and returns errors with their code and position', async () => {
		await expect(
			renderer.render({ template: 'Hi {{ name }}', variables: { name: 'Ann' } })
		).resolves.toEqual({
			kind: 'text',
			output: 'Hi Ann',
			warnings: []
		});
		await expect(renderer.render({ template: 'a\n{{ x + }}' })).rejects.toMatchObject({
			code: 'template_syntax',
			line: 2,
			column: 8
		});
	});

	it('ends range(100000000) with "render limit exceeded"', async () => {
		await expect(
			renderer.render({ template: '{% for i in range(100000000) %}x{% endfor %}' })
		).rejects.toMatchObject({
			code: 'template_limit',
			message: expect.stringContaining('render limit exceeded')
		});
	});

	it('stops a render stuck inside one long library call, then keeps working', async () => {
		// One long run of random letters: byte-pair encoding it takes seconds inside one call.
		let big = '';
		let x = 1;
		for (let i = 0; i < 30_000; i++) {
			x = (x * 1103515245 + 12345) % 2147483648;
			big += String.fromCharCode(97 + (x % 26));
		}
		await expect(
			renderer.render({
				template: '{{ s | truncate_tokens(5) }}',
				variables: { s: big },
				options: { limits: { timeoutMs: 20, maxOutputChars: 10_000_000 } }
			})
		).rejects.toMatchObject({
			code: 'template_limit',
			message: 'render limit exceeded: took longer than 20 ms'
		});
		await expect(renderer.render({ template: '{{ 1 + 1 }}' })).resolves.toMatchObject({
			output: '2'
		});
	});
});
