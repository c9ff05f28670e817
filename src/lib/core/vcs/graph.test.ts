import { describe, expect, it } from 'vitest';
import { isAncestor, layoutHistory, mergeBase, topoOrder } from './graph';

type Node = { id: string; parents: string[]; createdAt: number };
const n = (id: string, createdAt: number, ...parents: string[]): Node => ({
	id,
	parents,
	createdAt
});

// a - b - c ------- m   (main)
//      \          /
//       d - e ---     (feature)
const graph = [
	n('a', 1),
	n('b', 2, 'a'),
	n('c', 3, 'b'),
	n('d', 4, 'b'),
	n('e', 5, 'd'),
	n('m', 6, 'c', 'e')
];
const byId = new Map(graph.map((v) => [v.id, v]));

describe('ancestry', () => {
	it('knows ancestors and the merge base', () => {
		expect(isAncestor(byId, 'b', 'e')).toBe(true);
		expect(isAncestor(byId, 'c', 'e')).toBe(false);
		expect(mergeBase(byId, 'c', 'e')).toBe('b');
		expect(mergeBase(byId, 'm', 'e')).toBe('e');
	});

	it('finds no merge base for unrelated histories', () => {
		const other = new Map([...byId, ['x', n('x', 9)]]);
		expect(mergeBase(other, 'x', 'c')).toBeUndefined();
	});
});

describe('topoOrder', () => {
	it('puts children before parents even when clocks disagree', () => {
		const skewed = [n('a', 50), n('b', 10, 'a'), n('c', 5, 'b')];
		expect(topoOrder(skewed).map((v) => v.id)).toEqual(['c', 'b', 'a']);
	});

	it('orders free versions newest first', () => {
		expect(topoOrder(graph).map((v) => v.id)).toEqual(['m', 'e', 'd', 'c', 'b', 'a']);
	});
});

describe('layoutHistory', () => {
	it('keeps a branch in its own lane and joins lanes at the merge', () => {
		const { rows, laneCount } = layoutHistory(graph, [
			{ name: 'main', head: 'm' },
			{ name: 'feature', head: 'e' }
		]);
		const at = Object.fromEntries(rows.map((r) => [r.versionId, r]));
		expect(rows.map((r) => r.versionId)).toEqual(['m', 'e', 'd', 'c', 'b', 'a']);
		expect(laneCount).toBe(2);
		expect(at.m).toMatchObject({ lane: 0, isMerge: true, branches: ['main'], isHead: true });
		expect(at.m.parents).toEqual([
			{
				versionId: 'c',
				lane: 0,
				row: 3,
				points: [
					{ row: 0, lane: 0 },
					{ row: 3, lane: 0 }
				]
			},
			{
				versionId: 'e',
				lane: 1,
				row: 1,
				points: [
					{ row: 0, lane: 0 },
					{ row: 1, lane: 1 }
				]
			}
		]);
		expect(at.e).toMatchObject({ lane: 1, branches: ['feature'] });
		expect(at.d.lane).toBe(1);
		expect(at.c.lane).toBe(0);
		expect(at.d.parents).toEqual([
			{
				versionId: 'b',
				lane: 0,
				row: 4,
				points: [
					{ row: 2, lane: 1 },
					{ row: 3, lane: 1 },
					{ row: 4, lane: 0 }
				]
			}
		]);
		expect(at.b.lane).toBe(0);
		expect(at.a).toMatchObject({ lane: 0, parents: [], isHead: false });
	});

	it('never places a commit in a lane reserved for an edge passing by (many branches)', () => {
		const vs: Node[] = [n('r', 0)];
		for (let i = 1; i <= 60; i++) {
			const parent = vs[Math.floor((i * 7919) % vs.length)].id;
			const second = i % 5 === 0 ? vs[Math.floor((i * 104729) % vs.length)].id : undefined;
			vs.push(n(`v${i}`, i, ...(second && second !== parent ? [parent, second] : [parent])));
		}
		const { rows, laneCount } = layoutHistory(vs, [{ name: 'main', head: 'v60' }]);
		const rowOf = new Map(rows.map((r) => [r.versionId, r]));
		expect(rows[0]).toMatchObject({ versionId: 'v60', lane: 0 });
		const problems: string[] = [];
		for (const r of rows) {
			if (r.lane >= laneCount) problems.push(`${r.versionId} lane ${r.lane} >= ${laneCount}`);
			for (const p of r.parents) {
				const edge = `${r.versionId}->${p.versionId}`;
				const [start, end] = [p.points[0], p.points[p.points.length - 1]];
				if (rowOf.get(p.versionId)!.lane !== p.lane) problems.push(`${edge}: wrong parent lane`);
				if (start.row !== r.row || start.lane !== r.lane) problems.push(`${edge}: bad start`);
				if (end.row !== p.row || end.lane !== p.lane) problems.push(`${edge}: bad end`);
				for (let k = 1; k < p.points.length; k++) {
					const [from, to] = [p.points[k - 1], p.points[k]];
					if (to.row <= from.row) problems.push(`${edge}: goes up`);
					if (from.lane !== to.lane && to.row - from.row !== 1)
						problems.push(`${edge}: long diagonal`);
					if (from.lane !== to.lane) continue;
					for (let row = from.row + 1; row < to.row; row++) {
						if (rows[row].lane === to.lane)
							problems.push(`${edge}: crosses ${rows[row].versionId}`);
					}
				}
			}
		}
		expect(problems).toEqual([]);
	});
});
