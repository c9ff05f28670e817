import { describe, expect, it } from 'vitest';
import { waitingReporter } from './progress';

describe('waitingReporter', () => {
	it('reports calls waiting longer than the interval, and goes quiet once they answer', async () => {
		const lines: string[] = [];
		const waits = waitingReporter((t) => lines.push(t), { everyMs: 30 });
		let answer: (v: string) => void = () => {};
		const slow = waits.watch('openai:gpt-4o', () => new Promise<string>((ok) => (answer = ok)));
		await new Promise((ok) => setTimeout(ok, 100));
		expect(lines.length).toBeGreaterThan(0);
		expect(lines[0]).toMatch(
			/^waiting: 1 model call for over 0 s \(longest 0 s, openai:gpt-4o\)\n$/
		);
		answer('done');
		expect(await slow).toBe('done');
		const seen = lines.length;
		await new Promise((ok) => setTimeout(ok, 100));
		expect(lines.length).toBe(seen);
		waits.stop();
	});
});
