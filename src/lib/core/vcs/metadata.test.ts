import { describe, expect, it } from 'vitest';
import { metadata } from './fixtures';
import { diffMetadata, mergeMetadata, mergeTags, resolveMetadata } from './metadata';

const withModel = (over: Partial<ReturnType<typeof metadata>['modelConfig']>) =>
	metadata({ modelConfig: { ...metadata().modelConfig, ...over } });

describe('diffMetadata', () => {
	it('lists changed scalar fields by path with from and to', () => {
		const changes = diffMetadata(withModel({ temperature: 0.2 }), withModel({ temperature: 0.7 }));
		expect(changes).toEqual([{ path: 'modelConfig.temperature', from: 0.2, to: 0.7 }]);
	});

	it('reports added and removed tags, params and custom fields', () => {
		const a = metadata({
			tags: ['a', 'b'],
			customFields: [{ key: 'owner', type: 'string', value: 'ana' }]
		});
		const b = metadata({
			tags: ['b', 'c'],
			modelConfig: { ...a.modelConfig, params: { top_p: 0.9 } },
			customFields: []
		});
		expect(diffMetadata(a, b)).toEqual([
			{ path: 'customFields.owner', from: { type: 'string', value: 'ana' }, to: undefined },
			{ path: 'modelConfig.params.top_p', from: undefined, to: 0.9 },
			{ path: 'tags', from: ['a', 'b'], to: ['b', 'c'], added: ['c'], removed: ['a'] }
		]);
	});

	it('is empty for equal metadata', () => {
		expect(diffMetadata(metadata(), metadata())).toEqual([]);
	});
});

describe('mergeTags', () => {
	it('merges as sets when both sides changed', () => {
		expect(mergeTags(['a', 'b'], ['a', 'b', 'x'], ['b', 'y'])).toEqual(['b', 'x', 'y']);
	});
	it('takes the only side that changed, order included', () => {
		expect(mergeTags(['a', 'b'], ['a', 'b'], ['b', 'a', 'c'])).toEqual(['b', 'a', 'c']);
	});
});

describe('mergeMetadata', () => {
	it('combines changes to different fields without conflict', () => {
		const base = metadata();
		const ours = withModel({ temperature: 0.7 });
		const theirs = metadata({ description: 'Support bot', tags: ['support'] });
		const { merged, conflicts } = mergeMetadata(base, ours, theirs);
		expect(conflicts).toEqual([]);
		expect(merged.modelConfig.temperature).toBe(0.7);
		expect(merged.description).toBe('Support bot');
		expect(merged.tags).toEqual(['support']);
	});

	it('accepts the same change on both sides', () => {
		const m = withModel({ model: 'gpt-5' });
		expect(mergeMetadata(metadata(), m, structuredClone(m)).conflicts).toEqual([]);
	});

	it('conflicts only on a scalar changed differently on both sides, resolvable per field', () => {
		const base = metadata();
		const ours = withModel({ temperature: 0.7, maxTokens: 100 });
		const theirs = metadata({
			modelConfig: { ...base.modelConfig, temperature: 1.0 },
			intent: 'classification'
		});
		const result = mergeMetadata(base, ours, theirs);
		expect(result.conflicts).toEqual([
			{
				path: 'modelConfig.temperature',
				segments: ['modelConfig', 'temperature'],
				base: 0.2,
				ours: 0.7,
				theirs: 1.0
			}
		]);
		expect(result.merged.modelConfig.maxTokens).toBe(100);
		expect(result.merged.intent).toBe('classification');
		expect(resolveMetadata(result, { 'modelConfig.temperature': 'theirs' }).modelConfig).toEqual({
			...base.modelConfig,
			temperature: 1.0,
			maxTokens: 100
		});
		expect(
			resolveMetadata(result, { 'modelConfig.temperature': 'ours' }).modelConfig.temperature
		).toBe(0.7);
		expect(() => resolveMetadata(result, {})).toThrow(/not resolved/);
	});

	it('treats a removed field edited on the other side as a conflict', () => {
		const base = metadata();
		const { temperature: _t, ...noTemp } = base.modelConfig;
		const ours = metadata({ modelConfig: noTemp });
		const theirs = withModel({ temperature: 0.9 });
		const { conflicts } = mergeMetadata(base, ours, theirs);
		expect(conflicts.map((c) => [c.path, c.ours, c.theirs])).toEqual([
			['modelConfig.temperature', undefined, 0.9]
		]);
	});

	it('merges custom fields by key and keeps each field whole', () => {
		const base = metadata({ customFields: [{ key: 'a.b', type: 'string', value: 'x' }] });
		const ours = metadata({
			customFields: [
				{ key: 'a.b', type: 'string', value: 'x' },
				{ key: 'owner', type: 'string', value: 'ana' }
			]
		});
		const theirs = metadata({ customFields: [{ key: 'a.b', type: 'number', value: 3 }] });
		const { merged, conflicts } = mergeMetadata(base, ours, theirs);
		expect(conflicts).toEqual([]);
		expect(merged.customFields).toEqual([
			{ key: 'a.b', type: 'number', value: 3 },
			{ key: 'owner', type: 'string', value: 'ana' }
		]);
	});
});
