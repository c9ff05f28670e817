/** @module RenderCase for app runs: renders each variant's frozen template with the safe engine. */
import type { EvalMessage, RenderCase } from '../types';
import { PromptloomError } from '../../model/errors';
import type { Renderer } from '../../template/renderer';
import type { FewShotSet, RenderRequest } from '../../template/types';
import type { EvalVariant } from './plan';

/** The render request of a variant with a row's variables. */
export function variantRequest(
	v: EvalVariant,
	vars: Record<string, unknown>,
	fewShotSets?: FewShotSet[]
): RenderRequest {
	const options = {
		trimBlocks: v.source.templateOptions.trimBlocks,
		lstripBlocks: v.source.templateOptions.lstripBlocks
	};
	const base = {
		variables: vars,
		options,
		...(v.includes ? { includes: v.includes } : {}),
		...(fewShotSets ? { fewShotSets } : {})
	};
	return v.source.type === 'chat'
		? { ...base, messages: v.source.messages }
		: { ...base, template: v.source.content };
}

/**
 * Renders through `renderer` (a worker: the browser renderer in the app, the Node one in tests),
 * so an untrusted template cannot hang the page. A text prompt becomes one user message.
 * `fewShotSets` is read once, on the first render, and reused for every case.
 */
export function renderCaseFor(
	variants: EvalVariant[],
	renderer: Renderer,
	fewShotSets?: () => Promise<FewShotSet[]>
): RenderCase {
	const byId = new Map(variants.map((v) => [v.id, v]));
	let sets: Promise<FewShotSet[] | undefined> | undefined;
	return async (versionId, vars): Promise<EvalMessage[]> => {
		const v = byId.get(versionId);
		if (!v) throw new PromptloomError('not_found', `no variant "${versionId}" in this run`);
		sets ??= fewShotSets ? fewShotSets() : Promise.resolve(undefined);
		const result = await renderer.render(variantRequest(v, vars, await sets));
		if (result.kind === 'text') return [{ role: 'user', content: result.output }];
		return result.output.map((m) => ({ role: m.role, content: m.content }));
	};
}
