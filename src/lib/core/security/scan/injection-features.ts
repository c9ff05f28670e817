/**
 * @module Features of the learned injection score: rule hits, obfuscation signals, and hashed
 * character n-grams and word pairs of the normalised text. The training script
 * (scripts/security/train-injection.ts) and the scanner compute them with this one function.
 */
import { INJECTION_RULE_IDS } from './injection-rules';

/** Obfuscation signals, in feature order. */
export const META_FEATURES = [
	'HIDDEN_TAGS',
	'INVISIBLE_CHARS',
	'HOMOGLYPHS',
	'BASE64_PAYLOAD',
	'LEET_HIT',
	'DECODED_HIT',
	'RULE_KINDS',
	'QUOTED_HIT'
] as const;

export type MetaFeature = (typeof META_FEATURES)[number];

/** Hashed n-gram buckets: 2^12. */
export const HASH_BITS = 12;
const BUCKETS = 1 << HASH_BITS;

/** Total feature count: rules, meta signals, hashed buckets. */
export const FEATURE_COUNT = INJECTION_RULE_IDS.length + META_FEATURES.length + BUCKETS;

/** What one window of text contributes besides its characters. */
export interface WindowSignals {
	/** Rule id → hits in the window. */
	rules: Map<string, number>;
	meta: Partial<Record<MetaFeature, number>>;
}

function fnv1a(s: string, seed: number): number {
	let h = 0x811c9dc5 ^ seed;
	for (let i = 0; i < s.length; i++) {
		h ^= s.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return h >>> 0;
}

/** Bucket counts of the window being hashed (cleared after each use). */
const scratch = new Uint32Array(BUCKETS);

/** Sparse feature vector: index → value. */
export type SparseVector = Map<number, number>;

/**
 * Features of one window: `leetText` is the normalised (leet-read) window text.
 * Hashed part: character 3–5-grams and word unigrams and bigrams, L2-normalised.
 */
export function windowFeatures(leetText: string, signals: WindowSignals): SparseVector {
	const v: SparseVector = new Map();
	INJECTION_RULE_IDS.forEach((id, i) => {
		const n = signals.rules.get(id) ?? 0;
		if (n > 0) v.set(i, Math.min(n, 2) / 2 + 0.5);
	});
	const metaBase = INJECTION_RULE_IDS.length;
	META_FEATURES.forEach((m, i) => {
		const x = signals.meta[m] ?? 0;
		if (x > 0) v.set(metaBase + i, Math.min(x, 3) / 3);
	});
	const hashBase = metaBase + META_FEATURES.length;
	const counts = scratch;
	const touched: number[] = [];
	const add = (h: number) => {
		const b = h & (BUCKETS - 1);
		if (counts[b]++ === 0) touched.push(b);
	};
	const clean = ' ' + leetText.replace(/[^a-z0-9]+/g, ' ').trim() + ' ';
	// Character 3-, 4- and 5-grams, hashed incrementally (FNV-1a; the length seeds the hash).
	for (let i = 0; i + 3 <= clean.length; i++) {
		let h = 0x811c9dc5;
		for (let k = 0; k < 5 && i + k < clean.length; k++) {
			h = Math.imul(h ^ clean.charCodeAt(i + k), 0x01000193);
			if (k >= 2) add(Math.imul(h ^ (k + 1), 0x01000193) >>> 0);
		}
	}
	const words = clean.trim().split(' ');
	for (let i = 0; i < words.length; i++) {
		if (words[i]) add(fnv1a(words[i], 11));
		if (i + 1 < words.length) add(fnv1a(words[i] + ' ' + words[i + 1], 13));
	}
	let sq = 0;
	for (const b of touched) {
		const w = 1 + Math.log(counts[b]);
		sq += w * w;
	}
	const len = Math.sqrt(sq) || 1;
	for (const b of touched) {
		v.set(hashBase + b, (1 + Math.log(counts[b])) / len);
		counts[b] = 0;
	}
	return v;
}

/** A logistic-regression model over {@link windowFeatures}, as stored in JSON. */
export interface InjectionModel {
	format: 'promptloom-injection-lr';
	version: number;
	hashBits: number;
	rules: string[];
	meta: string[];
	bias: number;
	/** Dense weights, FEATURE_COUNT long. */
	weights: number[];
	/** Decision threshold for windows where a rule matched (chosen on the training split). */
	threshold: number;
	/** Threshold for a window flagged by the learned score alone (default: `threshold`). */
	patternThreshold?: number;
	trainedOn: { cases: number; positives: number; epochs: number; l2: number };
}

/** Probability that the window is an injection or jailbreak. */
export function predict(model: InjectionModel, v: SparseVector): number {
	let z = model.bias;
	for (const [i, x] of v) z += (model.weights[i] ?? 0) * x;
	return 1 / (1 + Math.exp(-z));
}
