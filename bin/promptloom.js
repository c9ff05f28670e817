#!/usr/bin/env node
// Runs the compiled CLI in dist/cli/ (built by `npm ci` through `prepare`, or `npm run build:cli`)
// while it is at least as new as every source file it was built from; otherwise, or with
// PROMPTLOOM_FROM_SOURCE=1, runs the TypeScript directly through tsx, so a fresh clone or a
// changed source tree needs no build step.
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

function compiledEntry() {
	if (process.env.PROMPTLOOM_FROM_SOURCE === '1') return null;
	let build;
	try {
		build = JSON.parse(readFileSync(root + 'dist/cli/build.json', 'utf8'));
	} catch {
		return null;
	}
	for (const input of build.inputs) {
		try {
			if (statSync(root + input).mtimeMs > build.builtAt) return null;
		} catch {
			return null;
		}
	}
	return new URL('../dist/cli/main.js', import.meta.url).href;
}

const entry = compiledEntry();
let main;
if (entry) ({ main } = await import(entry));
else {
	const { register } = await import('tsx/esm/api');
	register();
	({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
