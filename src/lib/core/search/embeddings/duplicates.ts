/** @module Near-duplicate detection: pairs of prompts whose vectors are almost the same. */
import { dot } from './embedder';

export interface DuplicatePair {
	a: string;
	b: string;
	similarity: number;
}

/** Default similarity above which two prompts count as near-duplicates. */
export const DEFAULT_DUPLICATE_THRESHOLD = 0.92;

/**
 * Every pair of items with cosine similarity ≥ `threshold`, most similar first. Compares all
 * pairs (n²/2 dot products): about a second for 3,000 prompts of 512 dims; run it in a worker.
 */
export function findNearDuplicates(
	items: { id: string; vector: Float32Array }[],
	threshold = DEFAULT_DUPLICATE_THRESHOLD
): DuplicatePair[] {
	const pairs: DuplicatePair[] = [];
	for (let i = 0; i < items.length; i++) {
		const vi = items[i].vector;
		for (let j = i + 1; j < items.length; j++) {
			const s = dot(vi, items[j].vector);
			if (s >= threshold) pairs.push({ a: items[i].id, b: items[j].id, similarity: s });
		}
	}
	return pairs.sort((x, y) => y.similarity - x.similarity);
}

/** Groups pairs into sets of mutually linked ids (connected components), largest first. */
export function duplicateGroups(pairs: DuplicatePair[]): string[][] {
	const parent = new Map<string, string>();
	const find = (x: string): string => {
		let r = x;
		while (parent.get(r) !== r) r = parent.get(r)!;
		parent.set(x, r);
		return r;
	};
	for (const { a, b } of pairs) {
		if (!parent.has(a)) parent.set(a, a);
		if (!parent.has(b)) parent.set(b, b);
		parent.set(find(a), find(b));
	}
	const groups = new Map<string, string[]>();
	for (const id of parent.keys()) {
		const root = find(id);
		groups.set(root, [...(groups.get(root) ?? []), id]);
	}
	return [...groups.values()].sort((x, y) => y.length - x.length);
}
