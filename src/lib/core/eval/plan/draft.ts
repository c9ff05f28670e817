/** @module A prefilled "new evaluation" form (e.g. from a promptfoo import), kept in the settings table. */
import { z } from '../../model/zod';
import { prepareAssertions, validateAssertions } from '../scorers/registry';
import type { Assertion } from '../scorers/types';
import { PromptloomError } from '../../model/errors';
import type { SettingRecord } from '../../store/db';
import type { PlanModel } from './plan';

/** The settings key holding the one pending draft. */
export const EVAL_DRAFT_KEY = 'evals:draft';

/** What /evals/new starts from: like an {@link EvalPlan} but by reference (prompt and dataset ids). */
export interface EvalDraft {
	name: string;
	/** Prompt versions to evaluate; `versionId: null` is the prompt's working copy. */
	variants: { promptId: string; versionId: string | null }[];
	datasetId: string;
	models: PlanModel[];
	assertions: Assertion[];
	/** Judge model spec for `llm-rubric` assertions that name none. */
	judge?: string;
	/** Where the draft came from, shown to the user (`promptfoo: capitals.yaml`). */
	source?: string;
}

const draftSchema = z.object({
	name: z.string(),
	variants: z.array(z.object({ promptId: z.string().min(1), versionId: z.string().nullable() })),
	datasetId: z.string().min(1),
	models: z.array(
		z.object({
			spec: z.string().min(1),
			label: z.string().optional(),
			params: z.record(z.string(), z.unknown()).optional()
		})
	),
	assertions: z.array(z.looseObject({ type: z.string() })),
	judge: z.string().optional(),
	source: z.string().optional()
});

/** The part of the settings table a draft needs. */
export interface SettingsTable {
	get(key: string): Promise<SettingRecord | undefined>;
	put(record: SettingRecord): Promise<unknown>;
	delete(key: string): Promise<unknown>;
}

/** Stores (replaces) the pending draft. */
export async function saveEvalDraft(settings: SettingsTable, draft: EvalDraft): Promise<void> {
	await settings.put({ key: EVAL_DRAFT_KEY, value: structuredClone(draft) });
}

/**
 * The pending draft, or null when there is none.
 * @throws PromptloomError `validation` when the stored draft is damaged.
 */
export async function loadEvalDraft(settings: SettingsTable): Promise<EvalDraft | null> {
	const rec = await settings.get(EVAL_DRAFT_KEY);
	if (!rec) return null;
	const parsed = draftSchema.safeParse(rec.value);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		throw new PromptloomError(
			'validation',
			`the saved evaluation draft is damaged: ${issue.path.join('.')}: ${issue.message}`
		);
	}
	const draft = parsed.data as EvalDraft;
	await prepareAssertions(draft.assertions);
	validateAssertions(draft.assertions);
	return draft;
}

export async function clearEvalDraft(settings: SettingsTable): Promise<void> {
	await settings.delete(EVAL_DRAFT_KEY);
}
