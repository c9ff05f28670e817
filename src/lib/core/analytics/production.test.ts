import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	OBSERVATION_BATCH,
	OBSERVATIONS_MAP,
	observationKey,
	productionDrift,
	readProduction,
	type ProductionStats
} from './production';

function stats(points: Array<{ latency?: number; score?: number }>, count = OBSERVATION_BATCH) {
	return {
		promptId: 'p1',
		prompt: 'greet',
		versionId: 'v1',
		count: points.length * count,
		failures: 0,
		latencyMean: null,
		latencyP50: null,
		costTotal: 0,
		tokensIn: 0,
		tokensOut: 0,
		scoreMean: null,
		scoreCount: 0,
		firstAt: 0,
		lastAt: 0,
		series: points.map((p) => ({
			count,
			latencyMean: p.latency ?? null,
			scoreMean: p.score ?? null
		}))
	} satisfies ProductionStats;
}

describe('production drift', () => {
	it('flags a drop in user feedback and leaves a noisy but level latency alone', () => {
		const points = Array.from({ length: 16 }, (_, i) => ({
			latency: 120 + ((i * 7) % 5) - 2,
			score: i < 10 ? 0.9 : 0.5
		}));
		expect(productionDrift(stats(points))).toEqual([
			expect.objectContaining({ metric: 'feedback', direction: 'down', startBatch: 10 })
		]);
	});

	it('ignores a batch still filling and series too short to judge', () => {
		const short = stats([{ latency: 100 }, { latency: 100 }, { latency: 900 }]);
		expect(productionDrift(short)).toEqual([]);
		const filling = stats(
			Array.from({ length: 12 }, () => ({ latency: 100 })),
			OBSERVATION_BATCH - 1
		);
		expect(productionDrift(filling)).toEqual([]);
	});

	it('reads the relay-written map, skipping entries that are not aggregates', () => {
		const doc = new Y.Doc();
		const map = doc.getMap(OBSERVATIONS_MAP);
		map.set(observationKey('p1', 'v1'), stats([{ latency: 1 }]));
		map.set(observationKey('p2', 'v2'), {
			...stats([]),
			promptId: 'p2',
			versionId: 'v2',
			count: 99
		});
		map.set('junk', { hello: 'world' });
		expect(readProduction(doc).map((v) => [v.promptId, v.count])).toEqual([
			['p2', 99],
			['p1', 25]
		]);
	});
});
