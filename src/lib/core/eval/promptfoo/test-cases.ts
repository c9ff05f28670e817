/**
 * @module promptfoo test cases: `tests`, `defaultTest` and `scenarios`, inline or from `file://`
 * CSV, JSON, JSONL and YAML files, with their vars, assertions and per-test `options`.
 */
import { parseProviderId } from '../provider-id';
import type { Assertion } from '../scorers/types';
import { parseExpectedShorthand } from './expected';
import { parseAssertions } from './assertions';
import { Context, extOf, fail, fileValue, isFileRef, isObject } from './parse-util';

/** What a test's `options` change besides the judge. */
export interface PromptfooTestOptions {
	/** JavaScript applied to the output before assertions (`output`, `context`), in the sandbox. */
	transform?: string;
	/** JavaScript returning variables to add before rendering (`vars`, `context`), in the sandbox. */
	transformVars?: string;
	/** The output is kept as this variable for the tests after this one. */
	storeOutputAs?: string;
	prefix?: string;
	suffix?: string;
	/** Provider parameters for this test's calls (`response_format`, `temperature`…). */
	params?: Record<string, unknown>;
	/** Array vars stay arrays instead of expanding into one test per value. */
	disableVarExpansion?: boolean;
}

export interface PromptfooTest {
	description?: string;
	vars: Record<string, unknown>;
	assert: Assertion[];
	threshold?: number;
	/** Judge provider id for llm-rubric (`options.provider`). */
	judge?: string;
	options: PromptfooTestOptions;
	/** Labels or ids of the providers that run this test (all when absent). */
	providers?: string[];
	/** `metadata.conversationId`: the `_conversation` thread this test continues. */
	conversationId?: string;
}

const TEST_KEYS = [
	'description',
	'vars',
	'assert',
	'threshold',
	'options',
	'metadata',
	'providers'
];
/** `options` keys with a meaning of their own; any other key is a provider parameter (as in promptfoo). */
const OPTION_KEYS = new Set([
	'provider',
	'rubricPrompt',
	'transform',
	'transformVars',
	'postprocess',
	'storeOutputAs',
	'prefix',
	'suffix',
	'disableVarExpansion',
	'runSerially',
	'disableConversationVar'
]);

const str = (v: unknown, path: string): string => {
	if (typeof v !== 'string') throw fail(path, 'expected a string');
	return v;
};

async function parseVars(
	ctx: Context,
	value: unknown,
	path: string
): Promise<Record<string, unknown>> {
	if (value === undefined) return {};
	if (isFileRef(value)) value = await fileValue(ctx, value, path);
	if (!isObject(value)) throw fail(path, 'expected a map of variables');
	const vars: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(value)) {
		if (isFileRef(v)) vars[k] = await fileValue(ctx, v, `${path}.${k}`);
		else if (Array.isArray(v)) {
			const items: unknown[] = [];
			for (const [j, x] of v.entries())
				items.push(isFileRef(x) ? await fileValue(ctx, x, `${path}.${k}[${j}]`) : x);
			vars[k] = items;
		} else vars[k] = v;
	}
	return vars;
}

async function parseOptions(
	ctx: Context,
	value: unknown,
	path: string,
	test: PromptfooTest
): Promise<void> {
	if (value === undefined) return;
	if (!isObject(value)) throw fail(path, 'expected a map');
	const o = test.options;
	for (const [k, v] of Object.entries(value)) {
		const p = `${path}.${k}`;
		if (k === 'provider') {
			const id = isObject(v) && typeof v.id === 'string' ? v.id : v;
			if (typeof id !== 'string') throw fail(p, 'expected a provider id string');
			try {
				parseProviderId(id);
			} catch (e) {
				throw fail(p, (e as Error).message);
			}
			test.judge = id;
		} else if (k === 'rubricPrompt') {
			for (const a of test.assert)
				if (a.type === 'llm-rubric' && a.rubricPrompt === undefined) a.rubricPrompt = str(v, p);
		} else if (k === 'transform' || k === 'postprocess') {
			o.transform = isFileRef(v) ? String(await fileValue(ctx, v, p)) : str(v, p);
		} else if (k === 'transformVars') {
			o.transformVars = isFileRef(v) ? String(await fileValue(ctx, v, p)) : str(v, p);
		} else if (k === 'storeOutputAs') {
			o.storeOutputAs = str(v, p);
			if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(o.storeOutputAs))
				throw fail(p, `"${o.storeOutputAs}" is not a variable name`);
		} else if (k === 'prefix' || k === 'suffix') o[k] = str(v, p);
		else if (k === 'disableVarExpansion') o.disableVarExpansion = v === true;
		else if (OPTION_KEYS.has(k)) ctx.warn(`${p} is not needed here and was ignored`);
		else o.params = { ...o.params, [k]: isFileRef(v) ? await fileValue(ctx, v, p) : v };
	}
}

export async function parseTest(
	ctx: Context,
	value: unknown,
	path: string
): Promise<PromptfooTest> {
	if (isFileRef(value)) value = await fileValue(ctx, value, path);
	if (!isObject(value)) throw fail(path, 'expected a test object');
	ctx.keys(value, TEST_KEYS, path);
	const test: PromptfooTest = {
		vars: await parseVars(ctx, value.vars, `${path}.vars`),
		assert: await parseAssertions(ctx, value.assert, `${path}.assert`),
		options: {}
	};
	if (value.description !== undefined) test.description = String(value.description);
	if (value.threshold !== undefined) {
		if (typeof value.threshold !== 'number') throw fail(`${path}.threshold`, 'expected a number');
		test.threshold = value.threshold;
	}
	if (value.providers !== undefined) {
		const list = typeof value.providers === 'string' ? [value.providers] : value.providers;
		if (!Array.isArray(list) || !list.every((x) => typeof x === 'string'))
			throw fail(`${path}.providers`, 'expected a list of provider labels or ids');
		test.providers = list as string[];
	}
	await parseOptions(ctx, value.options, `${path}.options`, test);
	if (isObject(value.metadata) && value.metadata.conversationId !== undefined)
		test.conversationId = String(value.metadata.conversationId);
	return test;
}

const SPECIAL = /^__(expected\d*|description|threshold|metadata(:.*)?)$/;

/** A CSV/JSONL row: columns are vars, `__expected*` cells are assertions (promptfoo's shorthand). */
function rowTest(row: Record<string, unknown>): Record<string, unknown> {
	const vars: Record<string, unknown> = {};
	const assert: Assertion[] = [];
	const test: Record<string, unknown> = { vars, assert };
	for (const [k, v] of Object.entries(row)) {
		if (/^__expected\d*$/.test(k)) {
			if (v !== null && String(v).trim() !== '') assert.push(parseExpectedShorthand(String(v)));
		} else if (k === '__description') test.description = String(v);
		else if (k === '__threshold') {
			if (String(v).trim() !== '') test.threshold = Number(v);
		} else if (!k.startsWith('__metadata')) vars[k] = v;
	}
	return test;
}

/** Tests from a file: YAML/JSON lists of tests, JSONL lines of tests or rows, CSV rows. */
async function fileTests(ctx: Context, ref: string, path: string): Promise<PromptfooTest[]> {
	const ext = extOf(ref);
	if (!['yaml', 'yml', 'json', 'csv', 'jsonl'].includes(ext))
		throw fail(
			path,
			`test files of type .${ext} are not supported (use .csv, .json, .jsonl or .yaml)`
		);
	const data = await fileValue(ctx, ref, path);
	const list = isObject(data) ? [data] : data;
	if (!Array.isArray(list)) throw fail(path, `${ref} must hold a list of tests`);
	const tabular = ext === 'csv' || ext === 'jsonl';
	const out: PromptfooTest[] = [];
	for (const [j, item] of list.entries()) {
		const p = `${path} (${ref} ${tabular ? 'row' : 'item'} ${j + 1})`;
		if (tabular && isObject(item) && !isObject(item.vars)) {
			const bad = Object.keys(item).filter((k) => k.startsWith('__') && !SPECIAL.test(k));
			if (bad.length)
				throw fail(path, `unsupported special column(s) in ${ref}: ${bad.join(', ')}`);
			const t = rowTest(item);
			out.push({ ...(t as unknown as PromptfooTest), options: {} });
		} else out.push(await parseTest(ctx, item, p));
	}
	return out;
}

/** A list of tests given inline, as one `file://` path, or as a list mixing both. */
export async function parseTestList(
	ctx: Context,
	value: unknown,
	path: string
): Promise<PromptfooTest[]> {
	if (value === undefined) return [];
	const list = typeof value === 'string' ? [value] : value;
	if (!Array.isArray(list)) throw fail(path, 'expected a list of tests or a file:// path');
	const tests: PromptfooTest[] = [];
	for (const [i, item] of list.entries()) {
		const p = typeof value === 'string' ? path : `${path}[${i}]`;
		if (typeof item === 'string') {
			if (!isFileRef(item)) throw fail(p, 'a test entry that is a string must be a file:// path');
			for (const ref of await ctx.expand(item, p)) tests.push(...(await fileTests(ctx, ref, p)));
		} else tests.push(await parseTest(ctx, item, p));
	}
	return tests;
}

/** `a` then `b` (b wins): vars and options merged, assertions concatenated. */
export function mergeTests(a: PromptfooTest, b: PromptfooTest): PromptfooTest {
	const merged: PromptfooTest = {
		vars: { ...a.vars, ...b.vars },
		assert: [...a.assert, ...b.assert],
		options: {
			...a.options,
			...b.options,
			...(a.options.params || b.options.params
				? { params: { ...a.options.params, ...b.options.params } }
				: {})
		}
	};
	const description = b.description ?? a.description;
	if (description !== undefined) merged.description = description;
	const threshold = b.threshold ?? a.threshold;
	if (threshold !== undefined) merged.threshold = threshold;
	const judge = b.judge ?? a.judge;
	if (judge !== undefined) merged.judge = judge;
	const providers = b.providers ?? a.providers;
	if (providers !== undefined) merged.providers = providers;
	const conversationId = b.conversationId ?? a.conversationId;
	if (conversationId !== undefined) merged.conversationId = conversationId;
	return merged;
}

/** `scenarios`: every `config` entry × every test of the scenario. */
export async function parseScenarios(ctx: Context, value: unknown): Promise<PromptfooTest[]> {
	if (value === undefined) return [];
	const list = isFileRef(value) ? await fileValue(ctx, value, 'scenarios') : value;
	if (!Array.isArray(list)) throw fail('scenarios', 'expected a list of scenarios');
	const out: PromptfooTest[] = [];
	for (const [i, raw] of list.entries()) {
		const path = `scenarios[${i}]`;
		const s = isFileRef(raw) ? await fileValue(ctx, raw, path) : raw;
		if (!isObject(s)) throw fail(path, 'expected a scenario with "config" and "tests"');
		ctx.keys(s, ['description', 'config', 'tests'], path);
		const configs = await parseTestList(ctx, s.config, `${path}.config`);
		const tests = await parseTestList(ctx, s.tests, `${path}.tests`);
		for (const c of configs.length ? configs : [{ vars: {}, assert: [], options: {} }])
			for (const t of tests) {
				const m = mergeTests(c, t);
				if (t.description === undefined && typeof s.description === 'string')
					m.description = s.description;
				out.push(m);
			}
	}
	return out;
}
