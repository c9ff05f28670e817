import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { EvalResultRecord, EvalRunRecord } from '../store/db';
import { createDatabase } from '../store/db';
import { buildDashboard } from './dashboard';
import { analyticsRunOf, DexieAnalyticsSource } from './source.dexie';
import { result } from './fixtures.testing';

const stored = (id: string, createdAt: number, promptId: string): EvalRunRecord => ({
	id,
	createdAt,
	status: 'completed',
	name: `eval ${id}`,
	plan: { name: `eval ${id}`, variants: [{ id: `v-${promptId}`, promptId }], dataset: { id: 'ds' } }
});

describe('DexieAnalyticsSource', () => {
	it('reads runs stored by the evaluation service and scopes results by prompt', async () => {
		const db = createDatabase({ name: 'analytics-src', indexedDB: new IDBFactory(), IDBKeyRange });
		await db.open();
		await db.evalRuns.bulkPut([stored('b', 2000, 'p2'), stored('a', 1000, 'p1')]);
		await db.evalResults.bulkPut(
			[
				result({ runId: 'a', versionId: 'v-p1' }),
				result({ runId: 'b', versionId: 'v-p2', score: 0 })
			].map((r) => r as unknown as EvalResultRecord)
		);
		const source = new DexieAnalyticsSource(db);
		expect(await source.listRuns()).toEqual([
			{
				id: 'a',
				name: 'eval a',
				status: 'completed',
				createdAt: 1000,
				promptIds: ['p1'],
				datasetId: 'ds'
			},
			expect.objectContaining({ id: 'b', promptIds: ['p2'] })
		]);
		const d = await buildDashboard(source, { promptId: 'p2' });
		expect(d.runs.map((r) => r.runId)).toEqual(['b']);
		expect(d.totals.meanScore).toBe(0);
		db.close();
	});

	it('falls back to meta and a short id for runs recorded without a plan', () => {
		const run = analyticsRunOf({
			id: '0123456789abcdef',
			createdAt: 5,
			status: 'weird',
			meta: { promptIds: ['x', 7], datasetId: 'd9' }
		});
		expect(run).toEqual({
			id: '0123456789abcdef',
			name: 'run 01234567',
			status: 'completed',
			createdAt: 5,
			promptIds: ['x'],
			datasetId: 'd9'
		});
	});
});
