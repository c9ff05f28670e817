/** @module Parses a promptfoo config (YAML) into normalized prompts, providers and tests, runner-agnostic. */
import { parseDocument } from 'yaml';
import { PromptloomError } from '../../model/errors';
import { parseDatasetFile } from '../dataset/parse';
import { parseProviderId } from '../provider-id';
import { ASSERT_SET, scorerTypeNames } from '../scorers/registry';
import type { Assertion } from '../scorers/types';
import type { EvalRowInput } from '../run/types';
import type { EvalMessage, ModelRef } from '../types';
import { parseExpectedShorthand } from './expected';

export interface PromptfooPrompt {
	id: string;
	label: string;
	/** The template text (for chat prompts, the JSON of the messages). */
	raw: string;
	/** Chat messages whose contents are templates; null for a plain text prompt. */
	messages: EvalMessage[] | null;
}

export interface PromptfooProvider {
	id: string;
	label: string;
	provider: string;
	model: string;
	/** Model parameters from `config` (temperature, max_tokens...). */
	params: Record<string, unknown>;
	apiBaseUrl?: string;
	apiKey?: string;
	/** Name of the environment variable holding the key. */
	apiKeyEnvar?: string;
}

export interface PromptfooTest {
	description?: string;
	vars: Record<string, unknown>;
	assert: Assertion[];
	threshold?: number;
	/** Judge provider id for llm-rubric (`options.provider`). */
	judge?: string;
}

export interface PromptfooConfig {
	description?: string;
	prompts: PromptfooPrompt[];
	providers: PromptfooProvider[];
	/** Tests with `defaultTest` already merged in, array vars expanded. */
	tests: PromptfooTest[];
	defaultTest: PromptfooTest;
	outputPath?: string;
}

export interface ParsePromptfooOptions {
	/** Reads a `file://` path as written in the config (resolve it against the config's folder). */
	readFile: (path: string) => Promise<string>;
}

const TOP_KEYS = ['description', 'prompts', 'providers', 'tests', 'defaultTest', 'outputPath'];
const TEST_KEYS = ['description', 'vars', 'assert', 'threshold', 'options', 'metadata'];
const OPTION_KEYS = ['provider', 'rubricPrompt'];
const ASSERT_KEYS = [
	'type',
	'value',
	'threshold',
	'weight',
	'metric',
	'provider',
	'rubricPrompt',
	'assert'
];
const PROVIDER_KEYS = ['id', 'label', 'config'];
const PROMPT_KEYS = ['id', 'label', 'raw'];

const isObject = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);
const fail = (path: string, message: string) =>
	new PromptloomError('validation', `${path}: ${message}`, { path });

class Context {
	readonly unsupported: string[] = [];
	constructor(readonly read: (path: string) => Promise<string>) {}
	keys(obj: Record<string, unknown>, allowed: string[], path: string): void {
		for (const k of Object.keys(obj))
			if (!allowed.includes(k)) this.unsupported.push(path ? `${path}.${k}` : k);
	}
	async file(ref: string, path: string): Promise<string> {
		const file = ref.slice('file://'.length);
		if (/[*?{}[\]]/.test(file)) throw fail(path, `file globs are not supported (${ref})`);
		try {
			return await this.read(file);
		} catch (e) {
			throw fail(path, `cannot read ${ref}: ${(e as Error).message}`);
		}
	}
}

const extOf = (ref: string) => /\.([a-z0-9]+)$/i.exec(ref)?.[1]?.toLowerCase() ?? '';

function parseYaml(text: string, what: string): unknown {
	const doc = parseDocument(text);
	if (doc.errors.length > 0) {
		const e = doc.errors[0];
		const pos = e.linePos?.[0];
		const where = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
		throw new PromptloomError(
			'validation',
			`${what} is not valid YAML${where}: ${e.message.split('\n')[0]}`,
			{
				path: pos ? `line ${pos.line}, column ${pos.col}` : undefined
			}
		);
	}
	try {
		// `maxAliasCount` bounds alias expansion, so a billion-laughs file fails here, fast.
		return doc.toJS({ maxAliasCount: 100 });
	} catch (e) {
		throw new PromptloomError(
			'validation',
			`${what} is refused: ${e instanceof Error ? e.message : String(e)}`
		);
	}
}

function asMessages(value: unknown, path: string): EvalMessage[] {
	if (
		!Array.isArray(value) ||
		!value.every((m) => isObject(m) && typeof m.role === 'string' && typeof m.content === 'string')
	) {
		throw fail(path, 'a chat prompt must be a list of {role, content} messages');
	}
	return value.map((m) => ({ role: m.role as string, content: m.content as string }));
}

/** An inline prompt that is a JSON list of messages is a chat prompt (as in promptfoo). */
function inlinePrompt(raw: string, id: string, label: string | undefined): PromptfooPrompt {
	const t = raw.trim();
	if (t.startsWith('[')) {
		try {
			const messages = asMessages(JSON.parse(t), id);
			return { id, label: label ?? id, raw, messages };
		} catch {
			// not JSON chat: a text prompt that starts with "["
		}
	}
	return {
		id,
		label: label ?? (raw.length > 50 ? `${raw.slice(0, 50)}…` : raw),
		raw,
		messages: null
	};
}

async function filePrompts(
	ctx: Context,
	ref: string,
	label: string | undefined,
	path: string
): Promise<PromptfooPrompt[]> {
	const text = await ctx.file(ref, path);
	const ext = extOf(ref);
	if (ext === 'json' || ext === 'yaml' || ext === 'yml') {
		let data: unknown;
		try {
			data = ext === 'json' ? JSON.parse(text) : parseYaml(text, ref);
		} catch (e) {
			throw fail(path, `${ref}: ${(e as Error).message}`);
		}
		const messages = asMessages(data, `${path} (${ref})`);
		return [{ id: ref, label: label ?? ref, raw: JSON.stringify(messages), messages }];
	}
	if (!['txt', 'md', 'j2', 'jinja', 'jinja2', 'prompt', 'tmpl', ''].includes(ext)) {
		throw fail(
			path,
			`prompt files of type .${ext} are not supported (use .txt, .md, .j2, .json or .yaml)`
		);
	}
	const parts = text
		.split(/^---$/m)
		.map((p) => p.trim())
		.filter((p) => p !== '');
	return parts.map((raw, i) => ({
		id: parts.length > 1 ? `${ref}#${i + 1}` : ref,
		label: label
			? parts.length > 1
				? `${label} #${i + 1}`
				: label
			: parts.length > 1
				? `${ref}#${i + 1}`
				: ref,
		raw,
		messages: null
	}));
}

async function parsePrompts(ctx: Context, value: unknown): Promise<PromptfooPrompt[]> {
	if (value === undefined) throw fail('prompts', 'the config has no prompts');
	const entries: { item: unknown; label?: string; path: string }[] = [];
	if (typeof value === 'string') entries.push({ item: value, path: 'prompts' });
	else if (Array.isArray(value))
		value.forEach((item, i) => entries.push({ item, path: `prompts[${i}]` }));
	else if (isObject(value)) {
		for (const [ref, label] of Object.entries(value))
			entries.push({ item: ref, label: String(label), path: `prompts.${ref}` });
	} else throw fail('prompts', 'expected a string, a list or a map');
	const out: PromptfooPrompt[] = [];
	for (const [i, { item, label, path }] of entries.entries()) {
		if (typeof item === 'string') {
			if (item.startsWith('file://')) out.push(...(await filePrompts(ctx, item, label, path)));
			else out.push(inlinePrompt(item, `prompt-${i + 1}`, label));
		} else if (isObject(item)) {
			ctx.keys(item, PROMPT_KEYS, path);
			const lbl = typeof item.label === 'string' ? item.label : undefined;
			if (typeof item.raw === 'string')
				out.push(
					inlinePrompt(item.raw, typeof item.id === 'string' ? item.id : `prompt-${i + 1}`, lbl)
				);
			else if (typeof item.id === 'string' && item.id.startsWith('file://'))
				out.push(...(await filePrompts(ctx, item.id, lbl, path)));
			else throw fail(path, 'a prompt object needs "raw" text or a file:// "id"');
		} else throw fail(path, 'expected a prompt string or object');
	}
	if (out.length === 0) throw fail('prompts', 'the config has no prompts');
	return out;
}

function parseProvider(
	ctx: Context,
	id: string,
	label: unknown,
	config: unknown,
	path: string
): PromptfooProvider {
	let ref: ModelRef;
	try {
		ref = parseProviderId(id);
	} catch (e) {
		throw fail(path, (e as Error).message);
	}
	const params: Record<string, unknown> = {};
	const p: PromptfooProvider = {
		id,
		label: typeof label === 'string' ? label : id,
		provider: ref.provider,
		model: ref.model,
		params
	};
	if (config !== undefined) {
		if (!isObject(config)) throw fail(`${path}.config`, 'expected a map');
		for (const [k, v] of Object.entries(config)) {
			if (k === 'apiBaseUrl' || k === 'apiKey' || k === 'apiKeyEnvar') {
				if (typeof v !== 'string') throw fail(`${path}.config.${k}`, 'expected a string');
				p[k] = v;
			} else params[k] = v;
		}
	}
	return p;
}

function parseProviders(ctx: Context, value: unknown): PromptfooProvider[] {
	if (value === undefined) throw fail('providers', 'the config has no providers');
	const list = typeof value === 'string' ? [value] : value;
	if (!Array.isArray(list)) throw fail('providers', 'expected a provider id or a list');
	const out = list.map((item, i) => {
		const path = `providers[${i}]`;
		if (typeof item === 'string') return parseProvider(ctx, item, undefined, undefined, path);
		if (!isObject(item)) throw fail(path, 'expected a provider id or {id, label, config}');
		if (typeof item.id === 'string') {
			ctx.keys(item, PROVIDER_KEYS, path);
			return parseProvider(ctx, item.id, item.label, item.config, path);
		}
		const keys = Object.keys(item);
		if (keys.length === 1 && isObject(item[keys[0]])) {
			const inner = item[keys[0]] as Record<string, unknown>;
			ctx.keys(
				inner,
				PROVIDER_KEYS.filter((k) => k !== 'id'),
				`${path}.${keys[0]}`
			);
			return parseProvider(ctx, keys[0], inner.label, inner.config, path);
		}
		throw fail(path, 'a provider object needs an "id"');
	});
	const labels = out.map((p) => p.label);
	const dup = labels.find((l, i) => labels.indexOf(l) !== i);
	if (dup)
		throw fail('providers', `two providers are both labelled "${dup}": give them distinct labels`);
	return out;
}

async function fileValue(ctx: Context, ref: string, path: string): Promise<unknown> {
	const text = await ctx.file(ref, path);
	const ext = extOf(ref);
	if (ext === 'json') {
		try {
			return JSON.parse(text);
		} catch (e) {
			throw fail(path, `${ref} is not valid JSON: ${(e as Error).message}`);
		}
	}
	if (ext === 'yaml' || ext === 'yml') return parseYaml(text, ref);
	if (['txt', 'md', ''].includes(ext)) return text;
	throw fail(path, `loading .${ext} files here is not supported (use .txt, .json or .yaml)`);
}

async function parseAssertions(ctx: Context, value: unknown, path: string): Promise<Assertion[]> {
	if (value === undefined) return [];
	if (!Array.isArray(value)) throw fail(path, 'expected a list of assertions');
	const known = new Set(scorerTypeNames());
	const out: Assertion[] = [];
	for (const [i, item] of value.entries()) {
		const p = `${path}[${i}]`;
		if (!isObject(item) || typeof item.type !== 'string')
			throw fail(p, 'an assertion needs a "type"');
		ctx.keys(item, ASSERT_KEYS, p);
		if (!known.has(item.type)) throw fail(`${p}.type`, `unsupported assertion type "${item.type}"`);
		const a: Assertion = { type: item.type };
		if (item.value !== undefined) {
			a.value =
				typeof item.value === 'string' && item.value.startsWith('file://')
					? await fileValue(ctx, item.value, `${p}.value`)
					: item.value;
		}
		for (const k of ['threshold', 'weight'] as const) {
			if (item[k] === undefined) continue;
			if (typeof item[k] !== 'number') throw fail(`${p}.${k}`, 'expected a number');
			a[k] = item[k] as number;
		}
		for (const k of ['metric', 'provider', 'rubricPrompt'] as const) {
			if (item[k] === undefined) continue;
			if (typeof item[k] !== 'string') throw fail(`${p}.${k}`, 'expected a string');
			a[k] = item[k] as string;
		}
		if (item.type === ASSERT_SET) a.assert = await parseAssertions(ctx, item.assert, `${p}.assert`);
		out.push(a);
	}
	return out;
}

async function parseVars(
	ctx: Context,
	value: unknown,
	path: string
): Promise<Record<string, unknown>> {
	if (value === undefined) return {};
	if (!isObject(value)) throw fail(path, 'expected a map of variables');
	const vars: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(value)) {
		if (typeof v === 'string' && v.startsWith('file://'))
			vars[k] = await fileValue(ctx, v, `${path}.${k}`);
		else if (Array.isArray(v)) {
			const items: unknown[] = [];
			for (const [j, x] of v.entries()) {
				items.push(
					typeof x === 'string' && x.startsWith('file://')
						? await fileValue(ctx, x, `${path}.${k}[${j}]`)
						: x
				);
			}
			vars[k] = items;
		} else vars[k] = v;
	}
	return vars;
}

async function parseTest(ctx: Context, value: unknown, path: string): Promise<PromptfooTest> {
	if (!isObject(value)) throw fail(path, 'expected a test object');
	ctx.keys(value, TEST_KEYS, path);
	const test: PromptfooTest = {
		vars: await parseVars(ctx, value.vars, `${path}.vars`),
		assert: await parseAssertions(ctx, value.assert, `${path}.assert`)
	};
	if (value.description !== undefined) test.description = String(value.description);
	if (value.threshold !== undefined) {
		if (typeof value.threshold !== 'number') throw fail(`${path}.threshold`, 'expected a number');
		test.threshold = value.threshold;
	}
	if (value.options !== undefined) {
		if (!isObject(value.options)) throw fail(`${path}.options`, 'expected a map');
		ctx.keys(value.options, OPTION_KEYS, `${path}.options`);
		const { provider, rubricPrompt } = value.options;
		if (provider !== undefined) {
			if (typeof provider !== 'string')
				throw fail(`${path}.options.provider`, 'expected a provider id string');
			try {
				parseProviderId(provider);
			} catch (e) {
				throw fail(`${path}.options.provider`, (e as Error).message);
			}
			test.judge = provider;
		}
		if (typeof rubricPrompt === 'string') {
			for (const a of test.assert)
				if (a.type === 'llm-rubric' && a.rubricPrompt === undefined) a.rubricPrompt = rubricPrompt;
		}
	}
	return test;
}

/** Reads `tests: file://tests.csv` (or .json/.jsonl/.yaml): columns are vars, `__expected*` are assertions. */
async function fileTests(ctx: Context, ref: string, path: string): Promise<unknown[]> {
	const ext = extOf(ref);
	if (ext === 'yaml' || ext === 'yml' || ext === 'json') {
		const data = await fileValue(ctx, ref, path);
		if (!Array.isArray(data)) throw fail(path, `${ref} must hold a list of tests`);
		return data;
	}
	if (ext !== 'csv' && ext !== 'jsonl')
		throw fail(
			path,
			`test files of type .${ext} are not supported (use .csv, .json, .jsonl or .yaml)`
		);
	const text = await ctx.file(ref, path);
	const ds = (() => {
		try {
			return parseDatasetFile(text, ext, { name: ref, expectedColumn: null });
		} catch (e) {
			throw fail(path, `${ref}: ${(e as Error).message}`);
		}
	})();
	const special = ds.columns.map((c) => c.name).filter((n) => n.startsWith('__'));
	const bad = special.filter(
		(n) => !/^__expected\d*$/.test(n) && n !== '__description' && n !== '__threshold'
	);
	if (bad.length) throw fail(path, `unsupported special column(s) in ${ref}: ${bad.join(', ')}`);
	return ds.rows.map((row) => {
		const vars: Record<string, unknown> = {};
		const assert: Assertion[] = [];
		const test: Record<string, unknown> = { vars, assert };
		for (const [k, v] of Object.entries(row.values)) {
			if (/^__expected\d*$/.test(k)) {
				if (v !== null && String(v).trim() !== '') assert.push(parseExpectedShorthand(String(v)));
			} else if (k === '__description') test.description = String(v);
			else if (k === '__threshold') {
				if (String(v).trim() !== '') test.threshold = Number(v);
			} else vars[k] = v;
		}
		return { ...test, __fromFile: true };
	});
}

/** Expands array-valued vars into one test per combination (promptfoo's behaviour). */
function expandVars(vars: Record<string, unknown>): Record<string, unknown>[] {
	let combos: Record<string, unknown>[] = [{}];
	for (const [k, v] of Object.entries(vars)) {
		const options = Array.isArray(v) ? v : [v];
		combos = combos.flatMap((c) => options.map((o) => ({ ...c, [k]: o })));
	}
	return combos;
}

async function parseTests(ctx: Context, value: unknown): Promise<PromptfooTest[]> {
	if (value === undefined) return [];
	const items: { item: unknown; path: string }[] = [];
	const list = typeof value === 'string' ? [value] : value;
	if (!Array.isArray(list)) throw fail('tests', 'expected a list of tests or a file:// path');
	for (const [i, item] of list.entries()) {
		const path = typeof value === 'string' ? 'tests' : `tests[${i}]`;
		if (typeof item === 'string') {
			if (!item.startsWith('file://'))
				throw fail(path, 'a test entry that is a string must be a file:// path');
			(await fileTests(ctx, item, path)).forEach((t, j) =>
				items.push({ item: t, path: `${path} row ${j + 1}` })
			);
		} else items.push({ item, path });
	}
	const tests: PromptfooTest[] = [];
	for (const { item, path } of items) {
		if (isObject(item) && item.__fromFile) {
			const { __fromFile: _ignored, ...rest } = item;
			const t = rest as unknown as PromptfooTest;
			tests.push({ ...t, assert: t.assert });
		} else tests.push(await parseTest(ctx, item, path));
	}
	return tests;
}

/**
 * Parses promptfoo YAML. `file://` references are read through `options.readFile`. Unsupported
 * keys are collected and reported together in one `validation` error naming each of them.
 */
export async function parsePromptfooConfig(
	yamlText: string,
	options: ParsePromptfooOptions
): Promise<PromptfooConfig> {
	const data = parseYaml(yamlText, 'the promptfoo config');
	if (!isObject(data))
		throw new PromptloomError('validation', 'the promptfoo config must be a YAML map');
	const ctx = new Context(options.readFile);
	ctx.keys(data, TOP_KEYS, '');
	const prompts = await parsePrompts(ctx, data.prompts);
	const providers = parseProviders(ctx, data.providers);
	const defaultTest =
		data.defaultTest === undefined
			? { vars: {}, assert: [] }
			: await parseTest(ctx, data.defaultTest, 'defaultTest');
	const rawTests = await parseTests(ctx, data.tests);
	if (ctx.unsupported.length > 0) {
		throw new PromptloomError(
			'validation',
			`unsupported promptfoo key${ctx.unsupported.length > 1 ? 's' : ''}: ${ctx.unsupported.join(', ')}`,
			{ path: ctx.unsupported[0] }
		);
	}
	const base = rawTests.length > 0 ? rawTests : [{ vars: {}, assert: [] } as PromptfooTest];
	const tests = base.flatMap((t) => {
		const merged: PromptfooTest = {
			vars: { ...defaultTest.vars, ...t.vars },
			assert: [...defaultTest.assert, ...t.assert]
		};
		if (t.description !== undefined) merged.description = t.description;
		const threshold = t.threshold ?? defaultTest.threshold;
		if (threshold !== undefined) merged.threshold = threshold;
		const judge = t.judge ?? defaultTest.judge;
		if (judge !== undefined) merged.judge = judge;
		return expandVars(merged.vars).map((vars) => ({ ...merged, vars }));
	});
	const config: PromptfooConfig = { prompts, providers, tests, defaultTest };
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
