import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../util/prng';
import { detectDrift, type DriftMethod } from './drift';

/** Normal noise from a seeded generator (Box–Muller). */
function noisy(n: number, level: number, sigma: number, seed: number): number[] {
	const rand = mulberry32(seed);
	return Array.from({ length: n }, () => {
		const u = Math.max(rand(), 1e-12);
		const v = rand();
		return level + sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
	});
}

const METHODS: DriftMethod[] = ['cusum', 'page-hinkley'];

describe.each(METHODS)('detectDrift (%s)', (method) => {
	it('raises no alarm on a long stable noisy series', () => {
		for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 42]) {
			expect(detectDrift(noisy(80, 0.8, 0.04, seed), { method }), `seed ${seed}`).toEqual([]);
		}
	});

	it('detects a downward shift within a few runs and dates it to the run where it started', () => {
		const values = [...noisy(20, 0.8, 0.04, 7), ...noisy(20, 0.62, 0.04, 8)];
		const [alarm, ...rest] = detectDrift(values, { method });
		expect(rest).toEqual([]);
		expect(alarm.direction).toBe('down');
		expect(alarm.alarmIndex).toBeGreaterThanOrEqual(20);
		expect(alarm.alarmIndex).toBeLessThanOrEqual(24);
		expect(Math.abs(alarm.startIndex - 20)).toBeLessThanOrEqual(1);
		expect(alarm.baseline).toBeCloseTo(0.8, 1);
		expect(alarm.shifted).toBeLessThan(0.7);
	});

	it('detects an upward shift and then a second shift back down', () => {
		const values = [
			...noisy(15, 0.5, 0.03, 11),
			...noisy(15, 0.7, 0.03, 12),
			...noisy(15, 0.5, 0.03, 13)
		];
		const alarms = detectDrift(values, { method });
		expect(alarms.map((a) => a.direction)).toEqual(['up', 'down']);
		expect(Math.abs(alarms[0].startIndex - 15)).toBeLessThanOrEqual(1);
		expect(Math.abs(alarms[1].startIndex - 30)).toBeLessThanOrEqual(1);
	});
});

describe('detectDrift on exact scores', () => {
	it('treats a constant series as stable and a step as a shift despite zero noise', () => {
		expect(detectDrift(Array(30).fill(1))).toEqual([]);
		const [a] = detectDrift([...Array(10).fill(1), ...Array(5).fill(0.8)]);
		expect(a).toMatchObject({ startIndex: 10, alarmIndex: 10, direction: 'down' });
	});

	it('needs more points than the warmup and rejects bad options', () => {
		expect(detectDrift([1, 0, 1])).toEqual([]);
		expect(() => detectDrift([1, 2, 3], { warmup: 1 })).toThrow(RangeError);
	});
});
