import { describe, expect, it } from 'vitest';
import { FullTextIndex } from './full-text-index';
import { allowedIds, reciprocalRankFusion, RRF_K } from './hybrid';
import type { Prompt } from '../model/prompt';

describe('reciprocalRankFusion', () => {
	it('puts ids ranked well in both lists above ids ranked first in only one', () => {
		const fused = reciprocalRankFusion([
			['a', 'b', 'c'],
			['d', 'b', 'a']
		]);
		expect(fused.map((h) => h.id)).toEqual(['a', 'b', 'd', 'c']);
		expect(fused[0].score).toBeCloseTo(1 / (RRF_K + 1) + 1 / (RRF_K + 3));
		expect(fused[0].ranks).toEqual([1, 3]);
		expect(fused.find((h) => h.id === 'c')!.ranks).toEqual([3, null]);
	});

	it('counts a repeated id once per list', () => {
		const fused = reciprocalRankFusion([['a', 'a', 'b']]);
		expect(fused.map((h) => h.id)).toEqual(['a', 'b']);
		expect(fused[1].ranks).toEqual([3]);
	});
});

describe('allowedIds', () => {
	const prompt = (id: string, tags: string[], folderId: string | null): Prompt => ({
		id,
		name: id,
		type: 'text',
		content: 'text',
		messages: [],
		description: '',
		tags,
		intent: '',
		author: 'ann',
		modelConfig: { model: 'gpt', params: {} },
		customFields: [],
		templateOptions: { trimBlocks: false, lstripBlocks: false },
		folderId,
		projectId: null,
		createdAt: 1,
		updatedAt: 1,
		deletedAt: null
	});

	it('uses the full-text index rules, including sub-folders', () => {
		const fullText = new FullTextIndex();
		fullText.rebuild(
			[prompt('a', ['x'], 'child'), prompt('b', ['y'], 'root'), prompt('c', ['x'], null)],
			[
				{ id: 'root', name: 'Root', parentId: null, createdAt: 1, updatedAt: 1 },
				{ id: 'child', name: 'Child', parentId: 'root', createdAt: 1, updatedAt: 1 }
			]
		);
		expect(allowedIds(fullText, {})).toBeNull();
		expect([...allowedIds(fullText, { folderId: 'root' })!].sort()).toEqual(['a', 'b']);
		expect([...allowedIds(fullText, { tag: 'x' })!].sort()).toEqual(['a', 'c']);
		expect([...allowedIds(fullText, { tag: 'x', folderId: 'root' })!]).toEqual(['a']);
		expect(allowedIds(fullText, { author: 'bob' })!.size).toBe(0);
	});
});
