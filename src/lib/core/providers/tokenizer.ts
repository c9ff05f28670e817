/** @module The one owner of the o200k_base tokenizer: its ~2.8 MB BPE tables load on first need. */

/** gpt-tokenizer's o200k_base encoding module (encode, decode, countTokens, …). */
export type O200kTokenizer = typeof import('gpt-tokenizer/encoding/o200k_base');

let loaded: O200kTokenizer | undefined;
let loading: Promise<O200kTokenizer> | undefined;

/**
 * Loads the o200k_base tokenizer with a dynamic `import()` (a separate chunk in the app bundle),
 * once: later calls return the same promise. A failed load is forgotten so a later call retries.
 */
export function loadTokenizer(): Promise<O200kTokenizer> {
	if (loaded) return Promise.resolve(loaded);
	loading ??= import('gpt-tokenizer/encoding/o200k_base').then(
		(mod) => (loaded = mod),
		(e: unknown) => {
			loading = undefined;
			throw e;
		}
	);
	return loading;
}

/** Whether {@link loadTokenizer} has resolved, so the sync helpers can be called. */
export function isTokenizerLoaded(): boolean {
	return loaded !== undefined;
}

/**
 * The loaded tokenizer, for sync code paths. Throws if {@link loadTokenizer} has not resolved yet:
 * every caller must await the loader first.
 */
export function loadedTokenizer(): O200kTokenizer {
	if (!loaded)
		throw new Error('the o200k_base tokenizer is not loaded yet: await loadTokenizer() first');
	return loaded;
}
