/** @module What an app evaluation runs: prompt variants × a pinned dataset × models × assertions. */
import { rowInputs } from '../dataset/edit';
import type { Dataset } from '../dataset/types';
import { expandCases } from '../run/cases';
import type { ProviderLimits } from '../run/rate-limiter';
import type { EvalCase, EvalRowInput } from '../run/types';
import { validateAssertions } from '../scorers/registry';
import type { Assertion } from '../scorers/types';
import type { ModelRef } from '../types';
import { PromptloomError } from '../../model/errors';
import type { ChatMessage, TemplateOptions } from '../../model/prompt';
import { parseModelSpec } from '../../providers/model-spec';
import type { ResolvedIncludes } from '../../template/types';

/** The template of one prompt variant, frozen when the run is created. */
export interface VariantSource {
	type: 'text' | 'chat';
	content: string;
	messages: ChatMessage[];
	templateOptions: TemplateOptions;
}

/** One prompt version (or the working copy of a prompt that has no versions) under test. */
export interface EvalVariant {
	/** The version id; `wc-<sha256 prefix>` for a working copy. Results link to it. */
	id: string;
	promptId: string;
	promptName: string;
	/** Short name shown in tables (`summarize@3f2a1c9`). */
	label: string;
	source: VariantSource;
	/** Includes resolved when the run was created. */
	includes?: ResolvedIncludes;
}

export interface PlanModel {
	/** `provider:model`, resolved by the ProviderRegistry (`openai:gpt-4o-mini`, `<configId>:<model>`). */
	spec: string;
	label?: string;
	params?: Record<string, unknown>;
}

export interface EvalPlan {
	name: string;
	variants: EvalVariant[];
	/** A snapshot of the dataset, so later edits do not change a run (the dataset is pinned). */
	dataset: Dataset;
	models: PlanModel[];
	assertions: Assertion[];
	/** Model calls in flight at once (default 8). */
	concurrency?: number;
	/** Per-call time limit in ms (default 120 000). */
	timeoutMs?: number;
	/** Limits keyed by provider id. */
	providerLimits?: Record<string, ProviderLimits>;
	/** Judge model spec for `llm-rubric` assertions that name none. */
	judge?: string;
	/** Output tokens assumed by the cost estimate (default 256). */
	assumedOutputTokens?: number;
	/** Ignore cached responses (answers are still cached). */
	noCache?: boolean;
}

/** `openai:gpt-4o-mini` → `{provider: 'openai', model: 'gpt-4o-mini', label}`. */
export function modelRefOf(m: PlanModel): ModelRef {
	const spec = parseModelSpec(m.spec);
	const ref: ModelRef = { provider: spec.provider, model: spec.model, label: m.label || m.spec };
	if (m.params && Object.keys(m.params).length > 0) ref.params = m.params;
	return ref;
}

/**
 * Checks a plan before it is stored: something to run, valid assertions and model specs.
 * Await `prepareAssertions(plan.assertions)` first (JSON schemas need ajv loaded).
 */
export function validatePlan(plan: EvalPlan): void {
	const fail = (path: string, msg: string) =>
		new PromptloomError('validation', `${path}: ${msg}`, { path });
	if (!plan.name?.trim()) throw fail('name', 'the evaluation needs a name');
	if (plan.variants.length === 0) throw fail('variants', 'pick at least one prompt version');
	if (plan.models.length === 0) throw fail('models', 'pick at least one model');
	if (plan.dataset.rows.length === 0) throw fail('dataset', 'the dataset has no rows');
	const ids = plan.variants.map((v) => v.id);
	const dup = ids.find((id, i) => ids.indexOf(id) !== i);
	if (dup) throw fail('variants', `the same version is picked twice (${dup})`);
	plan.models.forEach((m, i) => {
		try {
			parseModelSpec(m.spec);
		} catch (e) {
			throw fail(`models[${i}]`, (e as Error).message);
		}
	});
	if (plan.judge) parseModelSpec(plan.judge);
	validateAssertions(plan.assertions);
	const c = plan.concurrency ?? 8;
	if (!Number.isInteger(c) || c < 1 || c > 256)
		throw fail('concurrency', `must be a whole number from 1 to 256, got ${c}`);
}

/** The dataset rows as runner input (variables and expected output by column role). */
export function planRows(ds: Dataset): EvalRowInput[] {
	return ds.rows.map((row) => {
		const { vars, expected } = rowInputs(ds, row);
		const input: EvalRowInput = { id: row.id, vars };
		if (expected !== undefined && expected !== null && expected !== '') input.expected = expected;
		return input;
	});
}

/** Every variant × row × model of the plan, with stable ids (resume finds finished cases). */
export function planCases(plan: EvalPlan): EvalCase[] {
	return expandCases({
		versionIds: plan.variants.map((v) => v.id),
		rows: planRows(plan.dataset),
		models: plan.models.map(modelRefOf),
		assertions: plan.assertions
	});
}
