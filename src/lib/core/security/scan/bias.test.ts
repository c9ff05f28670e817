import { describe, expect, it } from 'vitest';
import { scanBias } from './bias';

describe('scanBias', () => {
	it('flags gendered and ableist wording with its span and suggestions', () => {
		const text = 'The chairman told the guys it was crazy.';
		const f = scanBias(text);
		expect(f.map((x) => text.slice(x.start, x.end))).toEqual(['chairman', 'guys', 'crazy']);
		expect(f[0]).toMatchObject({ kind: 'bias', type: 'INSENSITIVE_LANGUAGE', severity: 'low' });
		expect(f[0].message).toMatch(/^Possibly insensitive: `chairman`, in some cases `chair`/);
	});

	it('leaves neutral text alone', () => {
		expect(scanBias('Summarize the report for the team in three bullet points.')).toEqual([]);
		expect(scanBias('')).toEqual([]);
	});
});
