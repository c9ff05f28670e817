/**
 * Floors on the held-out split of bench/security/*.jsonl, so a change that makes the scanner
 * clearly worse fails here (bench/security.bench.ts prints the exact figures).
 */
import { describe, expect, it } from 'vitest';
import { injectionFigures, piiFigures, secretFigures } from '../../../../../bench/security.bench';

describe('security evaluation sets (held-out split)', () => {
	it('injection: F1 ≥ 0.8 with at most 15% of benign texts flagged', () => {
		const f = injectionFigures('test');
		expect(f.cases).toBeGreaterThan(100);
		expect(f.f1).toBeGreaterThanOrEqual(0.8);
		expect(f.fprBenign).toBeLessThanOrEqual(0.15);
	});

	it('PII: recall and precision ≥ 0.9', () => {
		const f = piiFigures('test');
		expect(f.recall).toBeGreaterThanOrEqual(0.9);
		expect(f.precision).toBeGreaterThanOrEqual(0.9);
	});

	it('secrets: recall ≥ 0.95, false positives ≤ 5%', () => {
		const f = secretFigures('test');
		expect(f.recall).toBeGreaterThanOrEqual(0.95);
		expect(f.fpr).toBeLessThanOrEqual(0.05);
	});
});
