import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { touchedRoots } from './touched';

function updateOf(doc: Y.Doc, change: () => void): Uint8Array {
	const before = Y.encodeStateVector(doc);
	change();
	return Y.encodeStateAsUpdate(doc, before);
}

describe('touchedRoots', () => {
	it('names the root of nested items, items with origins and deletions', () => {
		const author = new Y.Doc();
		const relay = new Y.Doc();
		const first = updateOf(author, () => {
			const nested = new Y.Map<unknown>();
			author.getMap('prompts').set('p1', nested);
			nested.set('name', 'a');
			author.getText('content').insert(0, 'hello');
		});
		expect(touchedRoots(relay, first)).toEqual(new Set(['prompts', 'content']));
		Y.applyUpdate(relay, first);

		const edit = updateOf(author, () => {
			(author.getMap('prompts').get('p1') as Y.Map<unknown>).set('name', 'b');
			author.getText('content').insert(5, ' world');
		});
		expect(touchedRoots(relay, edit)).toEqual(new Set(['prompts', 'content']));
		Y.applyUpdate(relay, edit);

		const removal = updateOf(author, () => author.getText('content').delete(0, 3));
		expect(touchedRoots(relay, removal)).toEqual(new Set(['content']));
		Y.applyUpdate(relay, removal);
		// A diff repeats every deletion already applied: those do not count.
		const labels = updateOf(author, () => author.getMap('labels').set('k', { versionId: 'v' }));
		expect(touchedRoots(relay, labels)).toEqual(new Set(['labels']));
	});

	it('answers unknown when the update refers to data the document lacks', () => {
		const author = new Y.Doc();
		updateOf(author, () => author.getText('content').insert(0, 'abc'));
		const second = updateOf(author, () => author.getText('content').insert(3, 'def'));
		expect(touchedRoots(new Y.Doc(), second)).toBe('unknown');
	});
});
