import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';

/** Runs the real `promptloom` entry point as `npx promptloom` does. */
function promptloom(...args: string[]) {
	return spawnSync(process.execPath, ['bin/promptloom.js', ...args], { encoding: 'utf8' });
}

describe('the promptloom executable', () => {
	it('lists every command in --help', () => {
		const r = promptloom('--help');
		expect(r.status).toBe(0);
		for (const c of ['validate', 'convert', 'render', 'run', 'eval', 'search', 'relay'])
			expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
	});

	it('exits 2 for an unknown command and for a missing file', () => {
		expect(promptloom('frobnicate').status).toBe(2);
		const missing = promptloom('validate', 'no-such-library.json');
		expect(missing.status).toBe(2);
		expect(missing.stderr).toMatch(/no-such-library\.json/);
	});
});
