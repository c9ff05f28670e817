/** @module Cost estimate of a plan before it runs: rendered prompts tokenized × the price table. */
import { estimateCasesCost, type CostEstimate } from '../run/estimate';
import type { RenderCase } from '../types';
import type { ChatMessage } from '../../providers/types';
import { countChatTokens, loadTokenizer } from '../../providers/tokens';
import { DEFAULT_PRICES, findPrice, type PriceTable } from '../../providers/prices';
import { planCases, type EvalPlan } from './plan';

export type PlanEstimate = CostEstimate & { renderErrors: number };

/** Prices a provider's model from the table; models served by Ollama run locally and cost 0. */
export function priceOf(provider: string, model: string, table: PriceTable = DEFAULT_PRICES) {
	const found = findPrice(model, table);
	if (found)
		return { inputPerMTokUsd: found.entry.inputPer1M, outputPerMTokUsd: found.entry.outputPer1M };
	return provider === 'ollama' ? { inputPerMTokUsd: 0, outputPerMTokUsd: 0 } : null;
}

/** Renders every variant × row once and prices the calls of every model. */
export async function estimatePlan(
	plan: EvalPlan,
	render: RenderCase,
	table: PriceTable = DEFAULT_PRICES
): Promise<PlanEstimate> {
	await loadTokenizer();
	const est = await estimateCasesCost(planCases(plan), render, {
		countTokens: (messages, model) => countChatTokens(messages as ChatMessage[], model),
		priceOf: (provider, model) => priceOf(provider, model, table),
		assumedOutputTokens: plan.assumedOutputTokens ?? 256
	});
	const judged = plan.assertions.some((a) => a.type === 'llm-rubric');
	if (judged) est.assumption += '; llm-rubric judge calls are not included';
	if (est.renderErrors > 0)
		est.assumption += `; ${est.renderErrors} case(s) whose prompt failed to render are not included`;
	return est;
}
