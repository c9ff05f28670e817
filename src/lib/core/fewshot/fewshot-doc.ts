/**
 * @module Few-shot sets as synced workspace state: the index document's `fewShotSets` map (set
 * name → `{ name, examples }` as plain JSON), written by owners and editors like any content, read
 * by every member and by the relay's render route.
 */
import type * as Y from 'yjs';
import type { FewShotSet } from '../template/types';
import { fewShotSetSchema } from './fewshot-schema';

/** The index document's map of few-shot sets. */
export const FEWSHOT_MAP = 'fewShotSets';

/** The sets of the workspace, sorted by name (entries that do not validate are skipped). */
export function readFewShotSets(doc: Y.Doc): FewShotSet[] {
	const out: FewShotSet[] = [];
	doc.getMap(FEWSHOT_MAP).forEach((value, key) => {
		const parsed = fewShotSetSchema.safeParse(value);
		if (parsed.success && parsed.data.name === key) out.push(parsed.data);
	});
	return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Stores `set` (removing `previousName` when it is a rename), in one transaction. */
export function writeFewShotSet(
	doc: Y.Doc,
	set: FewShotSet,
	previousName: string | undefined,
	origin: unknown
): void {
	const map = doc.getMap(FEWSHOT_MAP);
	doc.transact(() => {
		if (previousName !== undefined && previousName !== set.name) map.delete(previousName);
		map.set(set.name, structuredClone(set));
	}, origin);
}

/** Deletes the set named `name`; false when there is none. */
export function removeFewShotSet(doc: Y.Doc, name: string, origin: unknown): boolean {
	const map = doc.getMap(FEWSHOT_MAP);
	if (!map.has(name)) return false;
	doc.transact(() => map.delete(name), origin);
	return true;
}

/** Calls `listener` after every change of the sets; returns the unsubscriber. */
export function observeFewShotSets(doc: Y.Doc, listener: () => void): () => void {
	const map = doc.getMap(FEWSHOT_MAP);
	const handler = () => listener();
	map.observe(handler);
	return () => map.unobserve(handler);
}
