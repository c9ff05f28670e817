import { describe, expect, it } from 'vitest';
import { countTokens as referenceCount } from 'gpt-tokenizer/encoding/o200k_base';
import { isTokenizerLoaded, loadTokenizer, loadedTokenizer } from './tokenizer';
import { countTokens } from './tokens';

describe('lazy tokenizer', () => {
	it('refuses sync use before the loader resolved, then counts like o200k_base', async () => {
		expect(isTokenizerLoaded()).toBe(false);
		expect(() => loadedTokenizer()).toThrow(/await loadTokenizer\(\)/);
		expect(() => countTokens('hello')).toThrow(/not loaded/);
		const tk = await loadTokenizer();
		expect(isTokenizerLoaded()).toBe(true);
		expect(loadedTokenizer()).toBe(tk);
		const text = 'Summarize the plot of Hamlet in three bullet points.';
		expect(countTokens(text)).toBe(referenceCount(text));
	});

	it('loads once: every call resolves to the same module', async () => {
		const [a, b] = await Promise.all([loadTokenizer(), loadTokenizer()]);
		expect(a).toBe(b);
		expect(await loadTokenizer()).toBe(a);
	});
});
