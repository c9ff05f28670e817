/**
 * @module Plugins in the sandbox (Node, in-process): `plugins.scorer_call_us`, the p50 of one
 * plugin scorer call on a small output (the example reading-level scorer through the evaluation's
 * Scorer interface, its module loaded once), and `plugins.load_ms`, the p50 of loading that
 * plugin (a new WebAssembly instance, runtime and context, the module evaluated). The one-time
 * compile of the WebAssembly module is excluded.
 */
import { readPluginSource } from '../src/lib/core/plugins/source.node.ts';
import { LoadedPlugin } from '../src/lib/core/plugins/plugin';
import { pluginScorer } from '../src/lib/core/plugins/scorers';
import { nodeModuleSessions } from '../src/lib/core/sandbox/session.node.ts';
import { percentile } from './stats';

const LOADS = 40;
const WARMUP = 200;
const CALLS = 2000;

export async function run(): Promise<Record<string, number>> {
	const source = await readPluginSource('plugins/examples/reading-level');
	(await LoadedPlugin.load(source, nodeModuleSessions)).dispose();
	const loads: number[] = [];
	for (let i = 0; i < LOADS; i++) {
		const started = performance.now();
		const p = await LoadedPlugin.load(source, nodeModuleSessions);
		loads.push(performance.now() - started);
		p.dispose();
	}
	const plugin = await LoadedPlugin.load(source, nodeModuleSessions);
	const scorer = pluginScorer(plugin, 'flesch');
	const assertion = { type: 'plugin:reading-level/flesch', value: 50 };
	const ctx = {
		output: 'The capital of France is Paris. It is a big city.',
		vars: { city: 'Paris', country: 'France' },
		expected: 'Paris'
	};
	for (let i = 0; i < WARMUP; i++) await scorer.score(assertion, ctx, assertion.type);
	const calls: number[] = [];
	for (let i = 0; i < CALLS; i++) {
		const started = performance.now();
		const r = await scorer.score(assertion, ctx, assertion.type);
		calls.push(performance.now() - started);
		if (!r.pass) throw new Error(`the scorer did not pass: ${r.reason}`);
	}
	plugin.dispose();
	return {
		'plugins.scorer_call_us': Math.round(percentile(calls, 50) * 1000),
		'plugins.load_ms': Math.round(percentile(loads, 50) * 10) / 10
	};
}
