import { describe, expect, it } from 'vitest';
import { mapPromptfooTests } from './tests';

describe('mapPromptfooTests', () => {
	it('keeps assertions every test shares as scorers, with their values', () => {
		const same = [{ type: 'is-json' }, { type: 'not-icontains', value: 'sorry', weight: 2 }];
		const m = mapPromptfooTests(
			[
				{ id: 't1', vars: { q: 'a' }, assertions: same },
				{ id: 't2', vars: { q: 'b' }, assertions: [...same].reverse() }
			],
			['{{q}}']
		);
		expect(m.assertions).toEqual(same);
		expect(m.columns).toEqual([{ name: 'q', role: 'variable' }]);
		expect(m.warnings).toEqual([]);
	});

	it('uses a var named "expected" as the expected column unless a prompt uses it', () => {
		const rows = [{ id: 't1', vars: { q: 'a', expected: 'A' } }];
		expect(mapPromptfooTests(rows, ['{{q}}']).columns).toEqual([
			{ name: 'q', role: 'variable' },
			{ name: 'expected', role: 'expected' }
		]);
		expect(mapPromptfooTests(rows, ['{{ q }} vs {{ expected }}']).columns[1].role).toBe('variable');
	});

	it('puts per-test values in a free expected column when "expected" is a variable', () => {
		const m = mapPromptfooTests(
			[
				{ id: 't1', vars: { expected: 'x' }, assertions: [{ type: 'equals', value: 'A' }] },
				{ id: 't2', vars: { expected: 'y' }, assertions: [{ type: 'equals', value: 'B' }] }
			],
			['{{expected}}']
		);
		expect(m.columns).toEqual([
			{ name: 'expected', role: 'variable' },
			{ name: '__expected', role: 'expected' }
		]);
		expect(m.rows.map((r) => r.values.__expected)).toEqual(['A', 'B']);
		expect(m.assertions).toEqual([{ type: 'equals' }]);
	});

	it('reports per-test thresholds and fills vars a test lacks with empty text', () => {
		const m = mapPromptfooTests(
			[
				{ id: 't1', vars: { a: '1' }, threshold: 0.5 },
				{ id: 't2', vars: { b: '2' } }
			],
			[]
		);
		expect(m.rows.map((r) => r.values)).toEqual([
			{ a: '1', b: '' },
			{ a: '', b: '2' }
		]);
		expect(m.warnings).toEqual([
			'the threshold of test 1 was not imported: a row passes when its scorers pass'
		]);
	});
});
