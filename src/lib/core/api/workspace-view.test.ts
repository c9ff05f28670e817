import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { labelNames, resolveLabel } from '../sync/projection';
import { indexMaps, pairKey, type SyncedLabelEvent } from '../sync/ydoc-model';
import { mainChain, readIndexView } from './workspace-view';
import {
	applyCommitToIndex,
	applyCommitToPromptDoc,
	applyLabelMove,
	planCommit
} from './workspace-writes';
import type { Version } from '../model/version';

const hex = (n: number) => n.toString(16).padStart(64, '0');

async function promptIn(index: Y.Doc, name: string) {
	const doc = new Y.Doc();
	const plan = await planCommit(
		{ name, type: 'text', content: `hello ${name}`, messages: [], message: 'm', author: 'a' },
		undefined,
		undefined,
		1000
	);
	Y.transact(doc, () => applyCommitToPromptDoc(doc, plan));
	Y.transact(index, () => applyCommitToIndex(index, plan, doc));
	return plan;
}

describe('readIndexView', () => {
	it('resolves labels exactly as the sync projection does, concurrent moves included', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(
					fc.record({
						prompt: fc.integer({ min: 0, max: 2 }),
						label: fc.constantFrom('production', 'staging'),
						to: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
						clock: fc.integer({ min: 1, max: 4 }),
						at: fc.integer({ min: 0, max: 3 })
					}),
					{ maxLength: 12 }
				),
				fc.array(
					fc.record({
						prompt: fc.integer({ min: 0, max: 2 }),
						label: fc.constantFrom('production', 'legacy'),
						to: fc.integer({ min: 1, max: 5 })
					}),
					{ maxLength: 4 }
				),
				async (moves, records) => {
					const index = new Y.Doc();
					const ids: string[] = [];
					for (const n of ['a', 'b', 'c']) ids.push((await promptIn(index, n)).promptId);
					const maps = indexMaps(index);
					index.transact(() => {
						moves.forEach((m, i) => {
							const e: SyncedLabelEvent = {
								id: `e${i}`,
								promptId: ids[m.prompt],
								label: m.label,
								from: null,
								to: m.to === null ? null : hex(m.to),
								actor: 'x',
								at: m.at,
								clock: m.clock
							};
							maps.labelEvents.set(e.id, e);
						});
						for (const r of records)
							maps.labels.set(pairKey(ids[r.prompt], r.label), {
								promptId: ids[r.prompt],
								name: r.label,
								versionId: hex(r.to),
								updatedAt: 0,
								updatedBy: 'x'
							});
					});
					const view = readIndexView(index);
					for (const id of ids) {
						const expected = new Map<string, string>();
						for (const name of labelNames(maps, id)) {
							const l = resolveLabel(maps, id, name);
							if (l) expected.set(name, l.versionId);
						}
						const entry = view.prompts.find((p) => p.id === id)!;
						expect(Object.fromEntries(entry.labels)).toEqual(Object.fromEntries(expected));
					}
				}
			),
			{ numRuns: 60 }
		);
	});

	it('lists prompts by name with their main head; a label move written by the API resolves', async () => {
		const index = new Y.Doc();
		const b = await promptIn(index, 'beta');
		const a = await promptIn(index, 'alpha');
		Y.transact(index, () =>
			applyLabelMove(
				index,
				{ promptId: a.promptId, label: 'production', versionId: a.version.id, from: null },
				'key',
				5
			)
		);
		const view = readIndexView(index);
		expect(view.prompts.map((p) => p.name)).toEqual(['alpha', 'beta']);
		expect(view.byName.get('alpha')!.labels.get('production')).toBe(a.version.id);
		expect(view.byName.get('beta')!.mainHead).toBe(b.version.id);
	});
});

describe('mainChain', () => {
	it('numbers the first-parent chain from the root and stops at a missing version or a cycle', () => {
		const v = (id: string, parents: string[]) =>
			[id, { id, parents } as unknown as Version] as const;
		const versions = new Map([v('c', ['b', 'x']), v('b', ['a']), v('a', []), v('x', ['a'])]);
		expect(mainChain(versions, 'c')).toEqual(['a', 'b', 'c']);
		expect(mainChain(new Map([v('c', ['gone'])]), 'c')).toEqual(['c']);
		expect(mainChain(new Map([v('p', ['q']), v('q', ['p'])]), 'p')).toEqual(['q', 'p']);
		expect(mainChain(versions, null)).toEqual([]);
	});
});
