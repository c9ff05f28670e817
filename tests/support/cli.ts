/** @module The CLI in tests: `main()` run in a temporary working folder, its output captured. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { main } from '../../src/cli/main';

export interface CliResult {
	code: number;
	stdout: string;
	stderr: string;
}

/** Runs `promptloom <argv>` in `cwd` with exactly `env` (not the test process's environment). */
export async function runCli(
	argv: string[],
	cwd: string,
	env: Record<string, string> = {},
	stdin?: string
): Promise<CliResult> {
	let stdout = '';
	let stderr = '';
	const code = await main(argv, {
		cwd,
		env,
		stdin: async () => stdin ?? '',
		stdout: (t) => (stdout += t),
		stderr: (t) => (stderr += t)
	});
	return { code, stdout, stderr };
}

/**
 * A temporary folder `promptloom-<prefix>-*` for the CLI to work in: a new one for each test, or
 * one for the whole file with `scope: 'all'`. `cli.run(...argv)` runs the CLI there with `env`
 * (a function, so it may name servers started in the file's own hooks).
 */
export function cliFolder(
	prefix: string,
	options: { scope?: 'each' | 'all'; env?: () => Record<string, string> } = {}
) {
	let dir = '';
	const [before, after] = options.scope === 'all' ? [beforeAll, afterAll] : [beforeEach, afterEach];
	before(async () => {
		dir = await mkdtemp(join(tmpdir(), `promptloom-${prefix}-`));
	});
	after(async () => {
		await rm(dir, { recursive: true, force: true });
	});
	return {
		/** The folder of the current test (or file). */
		get dir(): string {
			return dir;
		},
		run: (...argv: string[]) => runCli(argv, dir, options.env?.())
	};
}
