/** @module Expands versions × rows × models into cases with stable ids. */
import { PromptloomError } from '../../model/errors';
import type { Assertion } from '../scorers/types';
import type { ModelRef } from '../types';
import type { EvalCase, EvalRowInput } from './types';

export function modelKey(model: ModelRef): string {
	return model.label ?? `${model.provider}:${model.model}`;
}

/** Case id from its parts; the separator cannot appear in ids typed by users. */
export function caseIdOf(versionId: string, rowId: string, model: ModelRef): string {
	return [versionId, rowId, modelKey(model)].join('\u241f');
}

/**
 * Every version × row × model, with the shared assertions followed by the row's own. Throws when
 * two models share a label or two rows share an id (their results would overwrite each other).
 */
export function expandCases(input: {
	versionIds: string[];
	rows: EvalRowInput[];
	models: ModelRef[];
	assertions?: Assertion[];
}): EvalCase[] {
	const dup = (keys: string[]) => keys.find((k, i) => keys.indexOf(k) !== i);
	const dupModel = dup(input.models.map(modelKey));
	if (dupModel)
		throw new PromptloomError(
			'validation',
			`two models are both labelled "${dupModel}": give them distinct labels`
		);
	const dupRow = dup(input.rows.map((r) => r.id));
	if (dupRow) throw new PromptloomError('validation', `two rows share the id "${dupRow}"`);
	const cases: EvalCase[] = [];
	for (const versionId of input.versionIds) {
		for (const row of input.rows) {
			for (const model of input.models) {
				const c: EvalCase = {
					id: caseIdOf(versionId, row.id, model),
					versionId,
					rowId: row.id,
					model,
					vars: row.vars,
					assertions: [...(input.assertions ?? []), ...(row.assertions ?? [])]
				};
				if (row.expected !== undefined) c.expected = row.expected;
				if (row.threshold !== undefined) c.threshold = row.threshold;
				cases.push(c);
			}
		}
	}
	return cases;
}
