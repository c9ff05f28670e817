/**
 * @module Parses a promptfoo config (YAML) into normalized prompts, providers, tests and run
 * options, runner-agnostic. The parts live in prompts.ts, providers.ts, test-cases.ts and
 * assertions.ts; this module puts them together and turns tests into runner rows.
 */
import { PromptloomError } from '../../model/errors';
import type { EvalRowInput } from '../run/types';
import type { ModelRef } from '../types';
import { Context, fail, fileValue, isFileRef, isObject, parseYaml } from './parse-util';
import { parsePrompts, type PromptfooPrompt } from './prompts';
import { parseProviders, type PromptfooProvider } from './providers';
import {
	mergeTests,
	parseScenarios,
	parseTest,
	parseTestList,
	type PromptfooTest
} from './test-cases';

export type { PromptfooPrompt } from './prompts';
export type { PromptfooProvider } from './providers';
export type { PromptfooTest, PromptfooTestOptions } from './test-cases';

/** `evaluateOptions`, as promptfoo names them. */
export interface PromptfooEvaluateOptions {
	maxConcurrency?: number;
	/** Milliseconds to wait after each model call (promptfoo then runs one call at a time). */
	delay?: number;
	/** Runs of each test (default 1). */
	repeat?: number;
	/** false: neither read nor write cached answers. */
	cache?: boolean;
	/** Per-call time limit. */
	timeoutMs?: number;
}

export interface PromptfooConfig {
	description?: string;
	prompts: PromptfooPrompt[];
	providers: PromptfooProvider[];
	/** Tests with `defaultTest` merged in, scenarios expanded, array vars expanded. */
	tests: PromptfooTest[];
	defaultTest: PromptfooTest;
	evaluateOptions: PromptfooEvaluateOptions;
	outputPath?: string;
	/** `env`: variables (API keys, base URLs) that take precedence over the environment's. */
	env: Record<string, string>;
	/** Keys ignored and providers skipped, one sentence each. */
	warnings: string[];
}

export interface ParsePromptfooOptions {
	/** Reads a `file://` path as written in the config (resolve it against the config's folder). */
	readFile: (path: string) => Promise<string>;
	/** Config-relative paths of the files a glob matches (see glob.ts); without it globs are refused. */
	listFiles?: (pattern: string) => Promise<string[]>;
}

const TOP_KEYS = [
	'description',
	'prompts',
	'providers',
	'tests',
	'defaultTest',
	'scenarios',
	'evaluateOptions',
	'outputPath',
	'env',
	'tags',
	'sharing',
	'writeLatestResults',
	'metadata'
];
/** Keys that only change how promptfoo reports, shares or stores results. */
const QUIET_TOP_KEYS = new Set(['tags', 'sharing', 'writeLatestResults', 'metadata']);
const EVALUATE_KEYS = ['maxConcurrency', 'delay', 'repeat', 'cache', 'timeoutMs'];

function parseEvaluateOptions(ctx: Context, value: unknown): PromptfooEvaluateOptions {
	if (value === undefined) return {};
	if (!isObject(value)) throw fail('evaluateOptions', 'expected a map');
	ctx.keys(value, EVALUATE_KEYS, 'evaluateOptions');
	const out: PromptfooEvaluateOptions = {};
	for (const k of ['maxConcurrency', 'repeat'] as const) {
		const v = value[k];
		if (v === undefined) continue;
		if (!Number.isInteger(v) || (v as number) < 1)
			throw fail(`evaluateOptions.${k}`, 'expected a whole number ≥ 1');
		out[k] = v as number;
	}
	for (const k of ['delay', 'timeoutMs'] as const) {
		const v = value[k];
		if (v === undefined) continue;
		if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v))
			throw fail(`evaluateOptions.${k}`, 'expected a number of milliseconds ≥ 0');
		out[k] = v;
	}
	if (value.cache !== undefined) {
		if (typeof value.cache !== 'boolean')
			throw fail('evaluateOptions.cache', 'expected true or false');
		out.cache = value.cache;
	}
	return out;
}

function parseEnv(value: unknown): Record<string, string> {
	if (value === undefined) return {};
	if (!isObject(value)) throw fail('env', 'expected a map of variable names to values');
	const env: Record<string, string> = {};
	for (const [k, v] of Object.entries(value)) {
		if (typeof v === 'object' && v !== null)
			throw fail(`env.${k}`, 'expected text, a number or true/false');
		env[k] = String(v);
	}
	return env;
}

/**
 * Expands vars holding a list of strings into one test per combination (promptfoo's behaviour);
 * a list of anything else (chat messages, objects) stays one value.
 */
function expandVars(vars: Record<string, unknown>): Record<string, unknown>[] {
	let combos: Record<string, unknown>[] = [{}];
	for (const [k, v] of Object.entries(vars)) {
		const options = Array.isArray(v) && typeof v[0] === 'string' ? v : [v];
		combos = combos.flatMap((c) => options.map((o) => ({ ...c, [k]: o })));
	}
	return combos;
}

/**
 * Parses promptfoo YAML. `file://` references are read through `options.readFile`. Keys whose
 * absence would change results are collected and refused together in one `validation` error
 * naming each; other unsupported keys and unavailable providers become `warnings`.
 */
export async function parsePromptfooConfig(
	yamlText: string,
	options: ParsePromptfooOptions
): Promise<PromptfooConfig> {
	const data = parseYaml(yamlText, 'the promptfoo config');
	if (!isObject(data))
		throw new PromptloomError('validation', 'the promptfoo config must be a YAML map');
	const ctx = new Context(options.readFile, options.listFiles);
	ctx.keys(data, TOP_KEYS, '');
	const prompts = await parsePrompts(ctx, data.prompts);
	const providers = await parseProviders(ctx, data.providers);
	const rawDefault = isFileRef(data.defaultTest)
		? await fileValue(ctx, data.defaultTest, 'defaultTest')
		: data.defaultTest;
	const defaultTest =
		rawDefault === undefined
			? { vars: {}, assert: [], options: {} }
			: await parseTest(ctx, rawDefault, 'defaultTest');
	const rawTests = [
		...(await parseTestList(ctx, data.tests, 'tests')),
		...(await parseScenarios(ctx, data.scenarios))
	];
	const evaluateOptions = parseEvaluateOptions(ctx, data.evaluateOptions);
	if (ctx.unsupported.length > 0) {
		throw new PromptloomError(
			'validation',
			`unsupported promptfoo key${ctx.unsupported.length > 1 ? 's' : ''}: ${ctx.unsupported.join(', ')}`,
			{ path: ctx.unsupported[0] }
		);
	}
	for (const k of Object.keys(data))
		if (QUIET_TOP_KEYS.has(k)) ctx.warn(`${k} only matters to promptfoo's own reports; ignored`);
	const base = rawTests.length > 0 ? rawTests : [{ vars: {}, assert: [], options: {} }];
	const tests = base.flatMap((t) => {
		const merged = mergeTests(defaultTest, t);
		if (merged.options.disableVarExpansion) return [merged];
		return expandVars(merged.vars).map((vars) => ({ ...merged, vars }));
	});
	const config: PromptfooConfig = {
		prompts,
		providers,
		tests,
		defaultTest,
		evaluateOptions,
		env: parseEnv(data.env),
		warnings: ctx.warnings
	};
	if (typeof data.description === 'string') config.description = data.description;
	if (typeof data.outputPath === 'string') config.outputPath = data.outputPath;
	return config;
}

/** The config's tests as runner rows (`t1`, `t2`...); a test's judge becomes its llm-rubric provider. */
export function promptfooRows(config: PromptfooConfig): EvalRowInput[] {
	return config.tests.map((t, i) => {
		const assertions = t.assert.map((a) =>
			a.type === 'llm-rubric' && a.provider === undefined && t.judge
				? { ...a, provider: t.judge }
				: a
		);
		const row: EvalRowInput = { id: `t${i + 1}`, vars: t.vars, assertions };
		if (t.threshold !== undefined) row.threshold = t.threshold;
		if (t.description !== undefined) row.description = t.description;
		return row;
	});
}

/** The config's providers as runner models. */
export function promptfooModels(config: PromptfooConfig): ModelRef[] {
	return config.providers.map((p) => ({
		provider: p.provider,
		model: p.model,
		params: p.params,
		label: p.label
	}));
}
