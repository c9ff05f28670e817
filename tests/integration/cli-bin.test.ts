import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

describe('the compiled CLI and its fallback', () => {
	let dir = '';
	let template = '';
	let vars = '';
	beforeAll(() => {
		// `npm ci` builds dist/cli through `prepare`; build it here when a checkout has none.
		if (!existsSync('dist/cli/main.js')) {
			const built = spawnSync(process.execPath, ['scripts/build-cli.js'], { encoding: 'utf8' });
			expect(built.status, built.stderr).toBe(0);
		}
		dir = mkdtempSync(join(tmpdir(), 'promptloom-bin-'));
		template = join(dir, 'hello.jinja');
		vars = join(dir, 'vars.json');
		writeFileSync(
			template,
			'Hello {{ name | upper }}!{% for i in range(3) %} {{ loop.index }}{% endfor %}'
		);
		writeFileSync(vars, JSON.stringify({ name: 'Ann' }));
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it('runs from dist/cli as plain JavaScript, with no TypeScript loader, and renders in its worker', () => {
		const runner = join(dir, 'run-compiled.mjs');
		const entry = new URL('../../dist/cli/main.js', import.meta.url).href;
		writeFileSync(
			runner,
			`const { main } = await import(${JSON.stringify(entry)});\nprocess.exitCode = await main(process.argv.slice(2));\n`
		);
		const r = spawnSync(process.execPath, [runner, 'render', template, '--vars', vars], {
			encoding: 'utf8'
		});
		expect(r.stderr).toBe('');
		expect(r.status).toBe(0);
		expect(r.stdout.trimEnd()).toBe('Hello ANN! 1 2 3');
	});

	it('falls back to the TypeScript sources through tsx when asked to (or when dist is stale)', () => {
		const r = spawnSync(
			process.execPath,
			['bin/promptloom.js', 'render', template, '--vars', vars],
			{ encoding: 'utf8', env: { ...process.env, PROMPTLOOM_FROM_SOURCE: '1' } }
		);
		expect(r.status).toBe(0);
		expect(r.stdout.trimEnd()).toBe('Hello ANN! 1 2 3');
	});

	it('prints a command usage without running it', () => {
		const r = promptloom('relay', '--help');
		expect(r.status).toBe(0);
		expect(r.stdout).toMatch(/relay/);
	});
});
