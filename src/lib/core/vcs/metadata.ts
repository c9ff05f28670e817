/** @module Field-level diff and three-way merge of prompt metadata (model config, tags, fields). */
import type { PromptMetadata } from '../model/prompt';
import { PromptloomError } from '../model/errors';
import { canonicalize } from './canonical';

/** A metadata value at a dotted path, e.g. `modelConfig.temperature` or `customFields.owner`. */
export interface MetadataChange {
	path: string;
	/** `undefined` when the field did not exist on that side. */
	from: unknown;
	to: unknown;
	/** For `tags`: the tags only on the new side and only on the old side. */
	added?: string[];
	removed?: string[];
}

export interface MetadataConflict {
	/** Dotted path; also the key of its resolution. */
	path: string;
	/** The path as property names (a custom-field key may itself contain dots). */
	segments: string[];
	base: unknown;
	ours: unknown;
	theirs: unknown;
}

export interface MetadataMerge {
	/** The merged metadata; at each conflicting path it holds the `ours` value until resolved. */
	merged: PromptMetadata;
	conflicts: MetadataConflict[];
}

type Tree = Record<string, unknown>;
interface Leaf {
	segments: string[];
	value: unknown;
}

const same = (a: unknown, b: unknown) =>
	a === b || (a !== undefined && b !== undefined && canonicalize(a) === canonicalize(b));

function isPlainObject(v: unknown): v is Tree {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Metadata as a tree of plain objects: custom fields keyed by their key, tags left out. */
function toTree(m: PromptMetadata): Tree {
	const { tags: _tags, customFields, ...rest } = m;
	const tree = structuredClone(rest) as Tree;
	tree.customFields = Object.fromEntries(
		customFields.map((f) => [f.key, { type: f.type, value: f.value }])
	);
	return tree;
}

function fromTree(tree: Tree, tags: string[], order: readonly string[][]): PromptMetadata {
	const fields = (tree.customFields ?? {}) as Record<string, { type: string; value: unknown }>;
	const keys: string[] = [];
	for (const list of order)
		for (const k of list) if (k in fields && !keys.includes(k)) keys.push(k);
	for (const k of Object.keys(fields)) if (!keys.includes(k)) keys.push(k);
	const { customFields: _cf, ...rest } = tree;
	return {
		...(rest as Omit<PromptMetadata, 'tags' | 'customFields'>),
		tags,
		customFields: keys.map((key) => ({ key, ...fields[key] }) as PromptMetadata['customFields'][0])
	};
}

function leaves(
	tree: Tree,
	prefix: string[] = [],
	out = new Map<string, Leaf>()
): Map<string, Leaf> {
	for (const [k, v] of Object.entries(tree)) {
		if (v === undefined) continue;
		const segments = [...prefix, k];
		// A custom field ({type, value}) is one unit: its type and value must not merge separately.
		const atomic = prefix.length === 1 && prefix[0] === 'customFields';
		if (isPlainObject(v) && !atomic) leaves(v, segments, out);
		else out.set(segments.join('\u0000'), { segments, value: v });
	}
	return out;
}

function unionKeys(...maps: Map<string, Leaf>[]): string[] {
	const keys: string[] = [];
	const seen = new Set<string>();
	for (const m of maps) {
		for (const k of m.keys()) {
			if (seen.has(k)) continue;
			seen.add(k);
			keys.push(k);
		}
	}
	return keys;
}

function setPath(tree: Tree, segments: string[], value: unknown): void {
	let node = tree;
	for (const s of segments.slice(0, -1)) {
		if (!isPlainObject(node[s])) node[s] = {};
		node = node[s] as Tree;
	}
	const last = segments[segments.length - 1];
	if (value === undefined) delete node[last];
	else node[last] = structuredClone(value);
}

const displayPath = (segments: string[]) => segments.join('.');

/** Changed metadata fields from `a` to `b`, e.g. `modelConfig.temperature` 0.2 → 0.7. */
export function diffMetadata(a: PromptMetadata, b: PromptMetadata): MetadataChange[] {
	const changes: MetadataChange[] = [];
	const la = leaves(toTree(a));
	const lb = leaves(toTree(b));
	for (const k of unionKeys(la, lb)) {
		const from = la.get(k);
		const to = lb.get(k);
		if (!same(from?.value, to?.value)) {
			changes.push({
				path: displayPath((from ?? to)!.segments),
				from: from?.value,
				to: to?.value
			});
		}
	}
	if (!same(a.tags, b.tags)) {
		const setA = new Set(a.tags);
		const setB = new Set(b.tags);
		changes.push({
			path: 'tags',
			from: [...a.tags],
			to: [...b.tags],
			added: b.tags.filter((t) => !setA.has(t)),
			removed: a.tags.filter((t) => !setB.has(t))
		});
	}
	return changes;
}

/**
 * Merges tags as sets: a tag added on either side is kept, a tag removed on either side is dropped.
 * When only one side changed the list, that side's list (and order) wins.
 */
export function mergeTags(base: string[], ours: string[], theirs: string[]): string[] {
	if (same(ours, base) || same(ours, theirs)) return [...theirs];
	if (same(theirs, base)) return [...ours];
	const baseSet = new Set(base);
	const theirsSet = new Set(theirs);
	const removedByTheirs = new Set(base.filter((t) => !theirsSet.has(t)));
	const out = ours.filter((t) => !removedByTheirs.has(t));
	for (const t of theirs) if (!baseSet.has(t) && !out.includes(t)) out.push(t);
	return out;
}

/**
 * Three-way merge field by field: a field changed on one side takes that side's value; a field
 * changed identically on both sides is fine; a field changed differently on both sides is a
 * conflict. Tags merge as sets and never conflict.
 */
export function mergeMetadata(
	base: PromptMetadata,
	ours: PromptMetadata,
	theirs: PromptMetadata
): MetadataMerge {
	if (same(ours, base) || same(ours, theirs)) {
		return { merged: structuredClone(theirs), conflicts: [] };
	}
	if (same(theirs, base)) return { merged: structuredClone(ours), conflicts: [] };
	const lb = leaves(toTree(base));
	const lo = leaves(toTree(ours));
	const lt = leaves(toTree(theirs));
	const tree = toTree(ours);
	const conflicts: MetadataConflict[] = [];
	for (const k of unionKeys(lb, lo, lt)) {
		const b = lb.get(k)?.value;
		const o = lo.get(k)?.value;
		const t = lt.get(k)?.value;
		if (same(o, t) || same(t, b)) continue;
		const segments = (lb.get(k) ?? lo.get(k) ?? lt.get(k))!.segments;
		if (same(o, b)) setPath(tree, segments, t);
		else conflicts.push({ path: displayPath(segments), segments, base: b, ours: o, theirs: t });
	}
	const order = [ours, theirs].map((m) => m.customFields.map((f) => f.key));
	return { merged: fromTree(tree, mergeTags(base.tags, ours.tags, theirs.tags), order), conflicts };
}

/** Applies 'ours' / 'theirs' choices to the conflicting paths of a metadata merge. */
export function resolveMetadata(
	merge: MetadataMerge,
	choices: Readonly<Record<string, 'ours' | 'theirs'>>
): PromptMetadata {
	const tree = toTree(merge.merged);
	for (const c of merge.conflicts) {
		const choice = choices[c.path];
		if (choice !== 'ours' && choice !== 'theirs') {
			throw new PromptloomError('validation', `metadata conflict "${c.path}" is not resolved`, {
				path: c.path
			});
		}
		if (choice === 'theirs') setPath(tree, c.segments, c.theirs);
	}
	const order = [merge.merged.customFields.map((f) => f.key)];
	return fromTree(tree, [...merge.merged.tags], order);
}
