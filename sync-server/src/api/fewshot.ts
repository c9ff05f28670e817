/**
 * @module The few-shot sets a render uses: the workspace's synced sets (read from its index
 * document at each render: a few small entries, and the index's cached views are not told about
 * changes to this map), with sets sent in the request taking the place of workspace sets of the
 * same name.
 */
import { readFewShotSets } from '../../../src/lib/core/fewshot/fewshot-doc';
import type { FewShotSet } from '../../../src/lib/core/template/types';
import type { PromptService } from './prompts';

export function renderFewShotSets(
	prompts: PromptService,
	workspace: string,
	fromRequest: FewShotSet[] | undefined
): Promise<FewShotSet[]> {
	return prompts.withIndex(workspace, (_view, index) => {
		const synced = readFewShotSets(index.doc);
		if (!fromRequest?.length) return synced;
		const names = new Set(fromRequest.map((s) => s.name));
		return [...synced.filter((s) => !names.has(s.name)), ...fromRequest];
	});
}
