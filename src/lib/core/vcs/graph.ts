/** @module Commit-graph queries (ancestry, merge base, topological order) and graph layout. */
import type { Branch, Version } from '../model/version';

type GraphNode = Pick<Version, 'id' | 'parents' | 'createdAt'>;

/** Every ancestor of `id` including itself (parents missing from `byId` are skipped). */
export function ancestors(byId: ReadonlyMap<string, GraphNode>, id: string): Set<string> {
	const seen = new Set<string>();
	const stack = [id];
	while (stack.length) {
		const cur = stack.pop()!;
		if (seen.has(cur) || !byId.has(cur)) continue;
		seen.add(cur);
		for (const p of byId.get(cur)!.parents) stack.push(p);
	}
	return seen;
}

/** True when `ancestor` is `descendant` or reachable from it through parents. */
export function isAncestor(
	byId: ReadonlyMap<string, GraphNode>,
	ancestor: string,
	descendant: string
): boolean {
	return ancestors(byId, descendant).has(ancestor);
}

/** Longest distance from a root for every version (roots are 0). */
function generations(byId: ReadonlyMap<string, GraphNode>): Map<string, number> {
	const gen = new Map<string, number>();
	for (const v of topoOrder([...byId.values()]).reverse()) {
		let g = 0;
		for (const p of v.parents) {
			const pg = gen.get(p);
			if (pg !== undefined && pg + 1 > g) g = pg + 1;
		}
		gen.set(v.id, g);
	}
	return gen;
}

/**
 * The best common ancestor of `a` and `b`: the common ancestor farthest from the roots (so never
 * an ancestor of another common ancestor), ties broken by the newest `createdAt`. With criss-cross
 * histories there can be several such bases; the newest is used rather than a recursive merge.
 * Returns undefined for unrelated histories.
 */
export function mergeBase(
	byId: ReadonlyMap<string, GraphNode>,
	a: string,
	b: string
): string | undefined {
	const ofA = ancestors(byId, a);
	const common = [...ancestors(byId, b)].filter((id) => ofA.has(id));
	if (common.length === 0) return undefined;
	const gen = generations(byId);
	common.sort(
		(x, y) =>
			gen.get(y)! - gen.get(x)! ||
			byId.get(y)!.createdAt - byId.get(x)!.createdAt ||
			(x < y ? -1 : 1)
	);
	return common[0];
}

/** Newer first: later `createdAt`, then larger id (a stable tie-break). */
const newerFirst = (x: GraphNode, y: GraphNode) =>
	y.createdAt - x.createdAt || (x.id < y.id ? 1 : x.id > y.id ? -1 : 0);

/**
 * Topological order, newest first: every version comes before its parents, and among versions that
 * are free to come next the newest goes first (clock skew between devices cannot break the order).
 */
export function topoOrder<T extends GraphNode>(versions: readonly T[]): T[] {
	const byId = new Map(versions.map((v) => [v.id, v]));
	const children = new Map<string, number>();
	for (const v of versions) {
		for (const p of new Set(v.parents)) {
			if (byId.has(p)) children.set(p, (children.get(p) ?? 0) + 1);
		}
	}
	const heap = new Heap<T>(newerFirst);
	for (const v of versions) if (!children.get(v.id)) heap.push(v);
	const out: T[] = [];
	while (heap.size) {
		const v = heap.pop();
		out.push(v);
		for (const p of new Set(v.parents)) {
			const left = children.get(p);
			if (left === undefined) continue;
			if (left === 1) {
				children.delete(p);
				heap.push(byId.get(p)!);
			} else children.set(p, left - 1);
		}
	}
	return out;
}

/** A small binary heap; `before(a, b) < 0` means a comes out first. */
class Heap<T> {
	readonly #items: T[] = [];
	constructor(private readonly before: (a: T, b: T) => number) {}
	get size(): number {
		return this.#items.length;
	}
	push(item: T): void {
		const a = this.#items;
		a.push(item);
		let i = a.length - 1;
		while (i > 0) {
			const parent = (i - 1) >> 1;
			if (this.before(a[i], a[parent]) >= 0) break;
			[a[i], a[parent]] = [a[parent], a[i]];
			i = parent;
		}
	}
	pop(): T {
		const a = this.#items;
		const top = a[0];
		const last = a.pop()!;
		if (a.length) {
			a[0] = last;
			let i = 0;
			for (;;) {
				const l = 2 * i + 1;
				const r = l + 1;
				let m = i;
				if (l < a.length && this.before(a[l], a[m]) < 0) m = l;
				if (r < a.length && this.before(a[r], a[m]) < 0) m = r;
				if (m === i) break;
				[a[i], a[m]] = [a[m], a[i]];
				i = m;
			}
		}
		return top;
	}
}

/** A point of an edge polyline: a row index and a lane (column). */
export interface GraphPoint {
	row: number;
	lane: number;
}

/** One row of the history graph. */
export interface HistoryRow {
	versionId: string;
	/** Row index (0 = newest). */
	row: number;
	/** Column of the commit dot. */
	lane: number;
	/**
	 * Edges to parents, in parent order (first parent = the branch committed on). `points` is the
	 * polyline to draw, from this commit to the parent: straight segments between consecutive
	 * points. A vertical segment never crosses another commit's dot.
	 */
	parents: { versionId: string; lane: number; row: number; points: GraphPoint[] }[];
	/** Names of the branches whose head is this version (`main` first). */
	branches: string[];
	isHead: boolean;
	isMerge: boolean;
}

export interface HistoryLayout {
	rows: HistoryRow[];
	/** Number of lanes needed (width of the graph). */
	laneCount: number;
}

interface Chain {
	members: string[];
	start: number;
	end: number;
	lane: number;
}

/**
 * Lays out a commit graph for drawing: topological order (newest first), then each first-parent
 * chain (a branch line) gets one lane, `main` first and the rest packed greedily by start row, so
 * a branch stays in one column and merges join columns. A lane is reserved from the first row an
 * edge enters it to the row before the chain's fork point. Parents missing from `versions` are left
 * out of the edges. O(n log n + chains × lanes).
 */
export function layoutHistory(
	versions: readonly GraphNode[],
	branches: readonly Pick<Branch, 'name' | 'head'>[]
): HistoryLayout {
	const order = topoOrder(versions);
	const rowOf = new Map(order.map((v, i) => [v.id, i]));
	const byId = new Map(order.map((v) => [v.id, v]));
	const heads = new Map<string, string[]>();
	for (const b of branches) {
		if (rowOf.has(b.head)) heads.set(b.head, [...(heads.get(b.head) ?? []), b.name]);
	}
	const mainFirst = (a: string, b: string) =>
		a === 'main' ? -1 : b === 'main' ? 1 : a < b ? -1 : a > b ? 1 : 0;
	for (const names of heads.values()) names.sort(mainFirst);

	// 1. First-parent chains, branch heads first (main before the others), then any other tip.
	const chainOf = new Map<string, Chain>();
	const chains: Chain[] = [];
	const startChain = (id: string) => {
		if (chainOf.has(id)) return;
		const chain: Chain = { members: [], start: rowOf.get(id)!, end: 0, lane: -1 };
		let cur: string | undefined = id;
		while (cur !== undefined && byId.has(cur) && !chainOf.has(cur)) {
			chain.members.push(cur);
			chainOf.set(cur, chain);
			cur = byId.get(cur)!.parents[0];
		}
		const last = chain.members[chain.members.length - 1];
		const forkRow = cur !== undefined ? rowOf.get(cur) : undefined;
		chain.end = forkRow !== undefined ? forkRow - 1 : rowOf.get(last)!;
		chains.push(chain);
	};
	const headIds = [...heads.entries()]
		.sort(([a, an], [b, bn]) => mainFirst(an[0], bn[0]) || rowOf.get(a)! - rowOf.get(b)!)
		.map(([id]) => id);
	for (const id of headIds) startChain(id);
	for (const v of order) startChain(v.id);

	// 2. A merge edge enters the merged chain's lane right below the merge commit.
	for (const v of order) {
		const row = rowOf.get(v.id)!;
		for (const p of v.parents.slice(1)) {
			const c = chainOf.get(p);
			if (c && row + 1 < c.start) c.start = row + 1;
		}
	}

	// 3. Lanes: the first chain (main when it exists) gets lane 0, the rest by start row.
	const [first, ...rest] = chains;
	const queue = first ? [first, ...rest.sort((a, b) => a.start - b.start)] : [];
	const taken: { start: number; end: number }[][] = [];
	for (const c of queue) {
		let lane = 0;
		while (taken[lane]?.some((t) => t.start <= c.end && c.start <= t.end)) lane++;
		(taken[lane] ??= []).push({ start: c.start, end: c.end });
		c.lane = lane;
	}

	// 4. Rows and edge polylines.
	const rows: HistoryRow[] = order.map((v, row) => {
		const lane = chainOf.get(v.id)!.lane;
		const parents: HistoryRow['parents'] = [];
		v.parents.forEach((p, i) => {
			const prow = rowOf.get(p);
			if (prow === undefined || parents.some((e) => e.versionId === p)) return;
			const plane = chainOf.get(p)!.lane;
			let points: GraphPoint[];
			if (plane === lane)
				points = [
					{ row, lane },
					{ row: prow, lane }
				];
			else if (i === 0) {
				// End of this chain: go down our lane, turn into the parent's lane at the last row.
				points = [
					{ row, lane },
					{ row: prow - 1, lane },
					{ row: prow, lane: plane }
				];
			} else {
				// Merge: turn into the merged chain's lane at once, then go down it.
				points = [
					{ row, lane },
					{ row: row + 1, lane: plane },
					{ row: prow, lane: plane }
				];
			}
			points = points.filter(
				(pt, k) => k === 0 || pt.row !== points[k - 1].row || pt.lane !== points[k - 1].lane
			);
			parents.push({ versionId: p, lane: plane, row: prow, points });
		});
		const names = heads.get(v.id) ?? [];
		return {
			versionId: v.id,
			row,
			lane,
			parents,
			branches: names,
			isHead: names.length > 0,
			isMerge: v.parents.length > 1
		};
	});
	return { rows, laneCount: taken.length };
}
