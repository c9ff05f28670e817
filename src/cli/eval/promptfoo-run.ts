/**
 * @module Runs a parsed promptfoo config: cases filtered by per-provider `prompts` and per-test
 * `providers`, per-test `options` (parameters, prefix/suffix, `transform` in the sandbox,
 * `storeOutputAs`), `evaluateOptions.repeat`, the `_conversation` variable (earlier turns of the
 * same prompt × provider × `metadata.conversationId`, tests then run one after another), and
 * prompts rendered by the safe engine (chat JSON files that are templates are rendered, then parsed).
 */
import { expandCases } from '../../lib/core/eval/run/cases';
import { emptyProgress, runEval, type RunEvalOptions } from '../../lib/core/eval/run/runner';
import type { EvalCase, EvalResult, EvalRowInput, EvalRun } from '../../lib/core/eval/run/types';
import {
	promptfooModels,
	promptfooRows,
	type PromptfooConfig,
	type PromptfooTest
} from '../../lib/core/eval/promptfoo/config';
import { asMessages, promptSelected } from '../../lib/core/eval/promptfoo/prompts';
import type { JsSandbox } from '../../lib/core/eval/sandbox/js-sandbox';
import type { EvalMessage, RenderCase } from '../../lib/core/eval/types';
import type { Renderer } from '../../lib/core/template/renderer';
import type { ChatMessageTemplate } from '../../lib/core/template/types';

const TEMPLATE_TAG = /\{\{|\{%/;

/** One earlier turn, as promptfoo's `_conversation` lists them. */
interface Turn {
	prompt: EvalMessage[] | string;
	input: EvalMessage[] | string;
	output: string;
}

/** Rows in test order, each test repeated `repeat` times (`t3`, `t3.r2`, …). */
export function repeatedRows(config: PromptfooConfig): {
	rows: EvalRowInput[];
	tests: PromptfooTest[];
} {
	const repeat = config.evaluateOptions.repeat ?? 1;
	const base = promptfooRows(config);
	const rows: EvalRowInput[] = [];
	const tests: PromptfooTest[] = [];
	base.forEach((row, i) => {
		for (let r = 1; r <= repeat; r++) {
			rows.push(r === 1 ? row : { ...row, id: `${row.id}.r${r}` });
			tests.push(config.tests[i]);
		}
	});
	return { rows, tests };
}

/** promptfoo's provider filter: a label, an id, `prefix:*`, or a bare provider prefix. */
function providerMatches(filter: string[], label: string, id: string): boolean {
	return filter.some(
		(f) =>
			f === label ||
			f === id ||
			(f.endsWith('*') && (id.startsWith(f.slice(0, -1)) || label.startsWith(f.slice(0, -1)))) ||
			id.startsWith(`${f}:`)
	);
}

/** What the render and transform hooks need to know about a case, keyed by its vars object. */
interface CaseInfo {
	test: PromptfooTest;
	/** Why the case cannot be rendered (its transformVars failed). */
	error?: string;
}

export class PromptfooRun {
	readonly rows: EvalRowInput[];
	readonly #tests: PromptfooTest[];
	readonly #info = new WeakMap<object, CaseInfo>();
	/** Whether a prompt reads `_conversation` (then every test waits for the one before). */
	readonly #conversational: boolean;
	readonly #turns = new Map<string, Turn[]>();

	constructor(
		readonly config: PromptfooConfig,
		readonly renderer: Renderer,
		readonly sandbox: JsSandbox
	) {
		const { rows, tests } = repeatedRows(config);
		this.rows = rows;
		this.#tests = tests;
		this.#conversational = config.prompts.some((p) => /\b_conversation\b/.test(p.raw));
	}

	/** Rows split after each test that stores its output, so later tests can read it. */
	segments(): number[][] {
		const out: number[][] = [[]];
		this.#tests.forEach((t, i) => {
			out.at(-1)!.push(i);
			if ((this.#conversational || t.options.storeOutputAs) && i < this.#tests.length - 1)
				out.push([]);
		});
		return out;
	}

	/** Every case of the whole run (for counting), without stored outputs. */
	allCases(): EvalCase[] {
		return this.#cases(
			this.rows.map((_, i) => i),
			new Map()
		);
	}

	#cases(rowIdx: number[], stored: Map<string, Record<string, unknown>>): EvalCase[] {
		const models = promptfooModels(this.config);
		const cases: EvalCase[] = [];
		for (const p of this.config.prompts)
			for (const i of rowIdx) {
				const row = this.rows[i];
				const test = this.#tests[i];
				for (const [m, model] of models.entries()) {
					const provider = this.config.providers[m];
					if (!promptSelected(p, provider.prompts)) continue;
					if (test.providers && !providerMatches(test.providers, provider.label, provider.id))
						continue;
					const [c] = expandCases({ versionIds: [p.id], rows: [row], models: [model] });
					const extra = stored.get(`${p.id}\u241f${provider.label}`);
					c.vars = { ...row.vars, ...extra };
					if (this.#conversational)
						c.vars._conversation = [
							...(this.#turns.get(this.#threadKey(p.id, provider.label, test)) ?? [])
						];
					if (test.options.params)
						c.model = { ...model, params: { ...model.params, ...test.options.params } };
					this.#info.set(c.vars, { test });
					cases.push(c);
				}
			}
		return cases;
	}

	#threadKey(promptId: string, label: string, test: PromptfooTest): string {
		return [promptId, label, test.conversationId ?? ''].join('\u241f');
	}

	/** Vars whose string values are templates themselves (`{{favoriteFruit}}`) rendered once. */
	async #expandVars(vars: Record<string, unknown>): Promise<Record<string, unknown>> {
		const out = { ...vars };
		for (const [k, v] of Object.entries(vars)) {
			if (typeof v !== 'string' || !TEMPLATE_TAG.test(v)) continue;
			const r = await this.renderer.render({ template: v, variables: vars }).catch(() => null);
			if (r?.kind === 'text') out[k] = r.output;
		}
		return out;
	}

	/** The prompt's images and audio, their template strings (`{{ image_url }}`) rendered. */
	async #withAttachments(
		rendered: EvalMessage[],
		templates: EvalMessage[],
		vars: Record<string, unknown>
	): Promise<EvalMessage[]> {
		if (!templates.some((m) => m.attachments)) return rendered;
		const fill = async (v: unknown): Promise<unknown> => {
			if (typeof v === 'string' && TEMPLATE_TAG.test(v)) {
				const r = await this.renderer.render({ template: v, variables: vars });
				return r.kind === 'text' ? r.output : v;
			}
			if (Array.isArray(v)) return Promise.all(v.map(fill));
			if (typeof v === 'object' && v !== null)
				return Object.fromEntries(
					await Promise.all(Object.entries(v).map(async ([k, x]) => [k, await fill(x)]))
				);
			return v;
		};
		return Promise.all(
			rendered.map(async (m, i) => {
				const parts = templates[i]?.attachments;
				return parts ? { ...m, attachments: (await fill(parts)) as typeof parts } : m;
			})
		);
	}

	/**
	 * `options.transformVars`: code that sees `vars` and `context` and returns variables to add;
	 * run once per case before rendering, in the sandbox.
	 */
	async #transformVars(c: EvalCase): Promise<void> {
		const info = this.#info.get(c.vars);
		const code = info?.test.options.transformVars;
		if (!code || !info) return;
		const body = /\breturn\b/.test(code) ? code : `return (${code}\n);`;
		try {
			const value = await this.sandbox.run(
				`const vars = context.vars;\n${body}`,
				{ output: '', context: { vars: c.vars, prompt: '' } },
				{ timeoutMs: 1000 }
			);
			if (typeof value !== 'object' || value === null || Array.isArray(value))
				throw new Error(`it must return an object of variables, got ${JSON.stringify(value)}`);
			c.vars = { ...c.vars, ...(value as Record<string, unknown>) };
			this.#info.set(c.vars, info);
		} catch (e) {
			// The case then fails to render, with this reason.
			this.#info.set(c.vars, { ...info, error: `transformVars failed: ${(e as Error).message}` });
		}
	}

	/** Assertion values that are templates (`value: '{{expected}}'`) rendered with the case's vars. */
	async #renderAssertions(c: EvalCase): Promise<void> {
		if (!c.assertions.some((a) => typeof a.value === 'string' && TEMPLATE_TAG.test(a.value)))
			return;
		const vars = await this.#expandVars(c.vars);
		c.assertions = await Promise.all(
			c.assertions.map(async (a) => {
				if (typeof a.value !== 'string' || !TEMPLATE_TAG.test(a.value)) return a;
				const r = await this.renderer.render({ template: a.value, variables: vars });
				return r.kind === 'text' ? { ...a, value: r.output } : a;
			})
		);
	}

	readonly render: RenderCase = async (id, rawVars): Promise<EvalMessage[]> => {
		const p = this.config.prompts.find((x) => x.id === id);
		if (!p) throw new Error(`no prompt "${id}"`);
		const info = this.#info.get(rawVars);
		if (info?.error) throw new Error(info.error);
		const vars = await this.#expandVars(rawVars);
		let messages: EvalMessage[];
		if (p.messages) {
			const result = await this.renderer.render({
				messages: p.messages as ChatMessageTemplate[],
				variables: vars
			});
			messages =
				result.kind === 'chat' ? result.output : [{ role: 'user', content: result.output }];
			messages = await this.#withAttachments(messages, p.messages, vars);
		} else {
			const result = await this.renderer.render({ template: p.raw, variables: vars });
			messages =
				result.kind === 'text' ? [{ role: 'user', content: result.output }] : result.output;
			if (p.jsonTemplate && messages.length === 1) messages = chatFromJson(messages[0].content, id);
		}
		const { prefix = '', suffix = '' } = info?.test.options ?? {};
		if ((prefix || suffix) && messages.length) {
			const last = messages.length - 1;
			messages = messages.map((m, i) =>
				i === last ? { ...m, content: `${prefix}${m.content}${suffix}` } : m
			);
		}
		return messages;
	};

	readonly transformOutput = async (
		c: EvalCase,
		output: string,
		messages: EvalMessage[]
	): Promise<unknown> => {
		const code = this.#info.get(c.vars)?.test.options.transform;
		if (!code) return output;
		const value = await this.sandbox.run(
			code,
			{
				output,
				context: { vars: c.vars, prompt: messages.map((m) => m.content).join('\n') }
			},
			{ timeoutMs: 1000 }
		);
		return value;
	};

	/**
	 * Runs every segment in order; the outputs of `storeOutputAs` tests become variables of the
	 * tests after them, per prompt × provider.
	 */
	async run(
		options: Omit<RunEvalOptions, 'cases' | 'render' | 'transformOutput' | 'runId'>
	): Promise<{ run: EvalRun; results: EvalResult[]; total: number }> {
		const stored = new Map<string, Record<string, unknown>>();
		const results: EvalResult[] = [];
		let total = 0;
		let last: EvalRun | null = null;
		const progress = emptyProgress(0);
		for (const [s, rowIdx] of this.segments().entries()) {
			const cases = this.#cases(rowIdx, stored);
			for (const c of cases) {
				await this.#transformVars(c);
				await this.#renderAssertions(c);
			}
			total += cases.length;
			const done = { ...progress };
			const r = await runEval({
				...options,
				runId: `cli-${s + 1}`,
				cases,
				render: this.render,
				transformOutput: this.transformOutput,
				onProgress: (p) => options.onProgress?.(sum(done, p, total))
			});
			Object.assign(progress, sum(done, r.run.progress, total));
			results.push(...r.results);
			last = r.run;
			if (this.#conversational) this.#recordTurns(r.results, rowIdx);
			for (const i of rowIdx) {
				const name = this.#tests[i].options.storeOutputAs;
				if (!name) continue;
				for (const res of r.results.filter((x) => x.rowId === this.rows[i].id)) {
					const key = `${res.versionId}\u241f${res.modelLabel}`;
					stored.set(key, { ...stored.get(key), [name]: res.output ?? '' });
				}
			}
			if (r.run.status !== 'completed') break;
		}
		const run: EvalRun = { ...(last as EvalRun), progress: { ...progress, total } };
		return { run, results, total };
	}

	#recordTurns(results: EvalResult[], rowIdx: number[]): void {
		for (const i of rowIdx)
			for (const res of results.filter((x) => x.rowId === this.rows[i].id)) {
				const key = this.#threadKey(res.versionId, res.modelLabel, this.#tests[i]);
				const p = this.config.prompts.find((x) => x.id === res.versionId);
				const chat = Boolean(p?.messages || p?.jsonTemplate);
				const prompt = chat || res.messages.length !== 1 ? res.messages : res.messages[0].content;
				const turns = this.#turns.get(key) ?? [];
				turns.push({ prompt, input: prompt, output: res.output ?? '' });
				this.#turns.set(key, turns);
			}
	}
}

function sum(a: EvalRun['progress'], b: EvalRun['progress'], total: number): EvalRun['progress'] {
	return {
		total,
		completed: a.completed + b.completed,
		failed: a.failed + b.failed,
		cached: a.cached + b.cached,
		tokensIn: a.tokensIn + b.tokensIn,
		tokensOut: a.tokensOut + b.tokensOut,
		costUsd: a.costUsd + b.costUsd,
		etaMs: b.etaMs
	};
}

/** A rendered chat template: JSON messages when it parses as such, else one user message. */
function chatFromJson(text: string, id: string): EvalMessage[] {
	let data: unknown;
	try {
		data = JSON.parse(text);
	} catch {
		return [{ role: 'user', content: text }];
	}
	return asMessages(data, id);
}
