/** @module Cost estimate before a run: tokenized input × prices, with a stated output-length assumption. */
import type { EvalMessage, RenderCase } from '../types';
import type { EvalCase } from './types';

export interface ModelPrice {
	/** USD per million input tokens. */
	inputPerMTokUsd: number;
	/** USD per million output tokens. */
	outputPerMTokUsd: number;
}

export interface EstimateCase {
	provider: string;
	model: string;
	messages: EvalMessage[];
	params?: Record<string, unknown>;
}

export interface EstimateOptions {
	countTokens: (messages: EvalMessage[], model: string, provider: string) => number;
	priceOf: (provider: string, model: string) => ModelPrice | null;
	/** Output tokens assumed per call (capped by the call's max_tokens when lower). */
	assumedOutputTokens: number;
}

export interface ModelEstimate {
	provider: string;
	model: string;
	calls: number;
	inputTokens: number;
	outputTokens: number;
	/** Null when the model has no known price. */
	usd: number | null;
}

export interface CostEstimate {
	calls: number;
	inputTokens: number;
	outputTokens: number;
	/** Sum over priced models only. */
	totalUsd: number;
	byModel: ModelEstimate[];
	/** `provider:model` of models without a price (not in `totalUsd`). */
	unpriced: string[];
	/** The assumption behind the number, to show next to it. */
	assumption: string;
}

function maxTokensOf(params: Record<string, unknown> | undefined): number | undefined {
	const v = params?.max_tokens ?? params?.maxTokens;
	return typeof v === 'number' && v > 0 ? v : undefined;
}

/** Estimates the cost of rendered calls before running them. */
export function estimateRunCost(cases: EstimateCase[], options: EstimateOptions): CostEstimate {
	const byKey = new Map<string, ModelEstimate>();
	for (const c of cases) {
		const key = `${c.provider}:${c.model}`;
		let m = byKey.get(key);
		if (!m)
			byKey.set(
				key,
				(m = {
					provider: c.provider,
					model: c.model,
					calls: 0,
					inputTokens: 0,
					outputTokens: 0,
					usd: 0
				})
			);
		m.calls++;
		m.inputTokens += options.countTokens(c.messages, c.model, c.provider);
		m.outputTokens += Math.min(options.assumedOutputTokens, maxTokensOf(c.params) ?? Infinity);
	}
	const byModel = [...byKey.values()];
	const unpriced: string[] = [];
	for (const m of byModel) {
		const price = options.priceOf(m.provider, m.model);
		if (!price) {
			m.usd = null;
			unpriced.push(`${m.provider}:${m.model}`);
		} else
			m.usd =
				(m.inputTokens * price.inputPerMTokUsd + m.outputTokens * price.outputPerMTokUsd) / 1e6;
	}
	const sum = (f: (m: ModelEstimate) => number) => byModel.reduce((s, m) => s + f(m), 0);
	let assumption = `assumes ${options.assumedOutputTokens} output tokens per call (or max_tokens when lower); input tokens counted exactly`;
	if (unpriced.length)
		assumption += `; no price known for ${unpriced.join(', ')}, so those calls are not included`;
	return {
		calls: cases.length,
		inputTokens: sum((m) => m.inputTokens),
		outputTokens: sum((m) => m.outputTokens),
		totalUsd: sum((m) => m.usd ?? 0),
		byModel,
		unpriced,
		assumption
	};
}

/**
 * Renders every case (each version × row once) and estimates the run. Cases whose render fails are
 * counted in `renderErrors` and left out.
 */
export async function estimateCasesCost(
	cases: EvalCase[],
	render: RenderCase,
	options: EstimateOptions
): Promise<CostEstimate & { renderErrors: number }> {
	const rendered = new Map<string, Promise<EvalMessage[] | null>>();
	const items: EstimateCase[] = [];
	let renderErrors = 0;
	for (const c of cases) {
		const key = `${c.versionId}\u241f${c.rowId}`;
		if (!rendered.has(key))
			rendered.set(
				key,
				render(c.versionId, c.vars).catch(() => null)
			);
		const messages = await rendered.get(key);
		if (!messages) renderErrors++;
		else
			items.push({
				provider: c.model.provider,
				model: c.model.model,
				messages,
				params: c.model.params
			});
	}
	return { ...estimateRunCost(items, options), renderErrors };
}
