import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosine, dot } from './embedder';
import { loadNodeUseLite } from './use-lite.node.ts';
import type { UseLiteEmbedder } from './use-lite';

let embedder: UseLiteEmbedder;
beforeAll(async () => {
	embedder = await loadNodeUseLite();
}, 120_000);
afterAll(() => embedder?.dispose());

const norm = (v: Float32Array) => Math.sqrt(dot(v, v));

describe('USE lite embedder (bundled model, WASM backend)', () => {
	it('returns one normalized 512-dim vector per text', async () => {
		const vs = await embedder.embed(['Summarize this email.', 'Translate to French', 'x']);
		expect(vs).toHaveLength(3);
		for (const v of vs) {
			expect(v.length).toBe(512);
			expect(norm(v)).toBeCloseTo(1, 4);
		}
	});

	it('is deterministic across calls and batch positions', async () => {
		const [a] = await embedder.embed(['Write a haiku about autumn leaves']);
		const [, b] = await embedder.embed([
			'Something else first',
			'Write a haiku about autumn leaves'
		]);
		expect(cosine(a, b)).toBeGreaterThan(0.99999);
		const maxDiff = Math.max(...a.map((x, i) => Math.abs(x - b[i])));
		expect(maxDiff).toBeLessThan(1e-5);
	});

	it('gives zero vectors for empty texts without shifting the others', async () => {
		const [alone] = await embedder.embed(['Classify the sentiment of a review']);
		const vs = await embedder.embed(['', 'Classify the sentiment of a review', '   ']);
		expect(norm(vs[0])).toBe(0);
		expect(norm(vs[2])).toBe(0);
		expect(cosine(vs[1], alone)).toBeGreaterThan(0.9999);
	});

	it('rates paraphrases above unrelated pairs on a fixed set', async () => {
		const pairs: [string, string, string][] = [
			['How old are you?', 'What is your age?', 'The weather is nice today'],
			[
				'Summarize the following article in three sentences',
				'Give a short summary of this text',
				'Convert the temperature from Celsius to Fahrenheit'
			],
			[
				'Translate this paragraph into Spanish',
				'Render the passage in the Spanish language',
				'List the prime numbers below one hundred'
			],
			[
				'Write a polite reply declining the meeting invitation',
				'Draft a courteous answer turning down the invite to meet',
				'Explain how photosynthesis works in plants'
			]
		];
		for (const [a, para, unrelated] of pairs) {
			const [va, vp, vu] = await embedder.embed([a, para, unrelated]);
			expect(dot(va, vp), `${a} / ${para}`).toBeGreaterThan(dot(va, vu) + 0.2);
		}
	});
});
