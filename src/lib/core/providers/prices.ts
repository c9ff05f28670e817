/**
 * @module A dated, user-editable table of model prices (USD per 1M tokens) and cost arithmetic.
 *
 * The table is data: the app lets the user edit a copy (`PriceTable` is plain JSON) and passes it
 * wherever costs are computed. Prices change; `asOf` says when these were last checked against the
 * providers' public pricing pages.
 */
import { parseModelSpec } from './model-spec';
import { countChatTokens, loadTokenizer } from './tokens';
import type { ChatMessage, ProviderKind, TokenUsage } from './types';

export interface PriceEntry {
	/** Model id as the provider names it, e.g. `gpt-4o-mini`; also matches dated variants by prefix. */
	model: string;
	/** Other names for the same model, e.g. OpenRouter's `anthropic/claude-3.5-sonnet`. */
	aliases?: string[];
	/** USD per 1M input (prompt) tokens. */
	inputPer1M: number;
	/** USD per 1M output (completion) tokens. */
	outputPer1M: number;
}

export interface PriceTable {
	/** ISO date the prices were last checked. */
	asOf: string;
	currency: 'USD';
	entries: PriceEntry[];
}

export const DEFAULT_PRICES: PriceTable = {
	asOf: '2025-08-01',
	currency: 'USD',
	entries: [
		// OpenAI
		{ model: 'gpt-5', inputPer1M: 1.25, outputPer1M: 10 },
		{ model: 'gpt-5-mini', inputPer1M: 0.25, outputPer1M: 2 },
		{ model: 'gpt-5-nano', inputPer1M: 0.05, outputPer1M: 0.4 },
		{ model: 'gpt-4.1', inputPer1M: 2, outputPer1M: 8 },
		{ model: 'gpt-4.1-mini', inputPer1M: 0.4, outputPer1M: 1.6 },
		{ model: 'gpt-4.1-nano', inputPer1M: 0.1, outputPer1M: 0.4 },
		{ model: 'gpt-4o', aliases: ['chatgpt-4o-latest'], inputPer1M: 2.5, outputPer1M: 10 },
		{ model: 'gpt-4o-mini', inputPer1M: 0.15, outputPer1M: 0.6 },
		{ model: 'gpt-4-turbo', inputPer1M: 10, outputPer1M: 30 },
		{ model: 'gpt-4', inputPer1M: 30, outputPer1M: 60 },
		{ model: 'gpt-3.5-turbo', inputPer1M: 0.5, outputPer1M: 1.5 },
		{ model: 'o1', inputPer1M: 15, outputPer1M: 60 },
		{ model: 'o1-mini', inputPer1M: 1.1, outputPer1M: 4.4 },
		{ model: 'o3', inputPer1M: 2, outputPer1M: 8 },
		{ model: 'o3-mini', inputPer1M: 1.1, outputPer1M: 4.4 },
		{ model: 'o4-mini', inputPer1M: 1.1, outputPer1M: 4.4 },
		// Anthropic
		{ model: 'claude-opus-4-1', inputPer1M: 15, outputPer1M: 75 },
		{ model: 'claude-opus-4', aliases: ['claude-4-opus'], inputPer1M: 15, outputPer1M: 75 },
		{ model: 'claude-sonnet-4', aliases: ['claude-4-sonnet'], inputPer1M: 3, outputPer1M: 15 },
		{
			model: 'claude-3-7-sonnet',
			aliases: ['claude-3.7-sonnet'],
			inputPer1M: 3,
			outputPer1M: 15
		},
		{
			model: 'claude-3-5-sonnet',
			aliases: ['claude-3.5-sonnet'],
			inputPer1M: 3,
			outputPer1M: 15
		},
		{ model: 'claude-3-5-haiku', aliases: ['claude-3.5-haiku'], inputPer1M: 0.8, outputPer1M: 4 },
		{ model: 'claude-3-opus', inputPer1M: 15, outputPer1M: 75 },
		{ model: 'claude-3-haiku', inputPer1M: 0.25, outputPer1M: 1.25 },
		// Google (prompts up to 200k tokens for 2.5 Pro)
		{ model: 'gemini-2.5-pro', inputPer1M: 1.25, outputPer1M: 10 },
		{ model: 'gemini-2.5-flash', inputPer1M: 0.3, outputPer1M: 2.5 },
		{ model: 'gemini-2.5-flash-lite', inputPer1M: 0.1, outputPer1M: 0.4 },
		{ model: 'gemini-2.0-flash', inputPer1M: 0.1, outputPer1M: 0.4 },
		{ model: 'gemini-2.0-flash-lite', inputPer1M: 0.075, outputPer1M: 0.3 },
		{ model: 'gemini-1.5-pro', inputPer1M: 1.25, outputPer1M: 5 },
		{ model: 'gemini-1.5-flash', inputPer1M: 0.075, outputPer1M: 0.3 }
	]
};

export type PriceMatch = 'exact' | 'alias' | 'prefix' | 'local';

export interface PriceLookup {
	entry: PriceEntry;
	match: PriceMatch;
}

/** Strips a provider prefix (`openai:`, `anthropic:messages:`) and Gemini's `models/`. */
function normalizeModel(model: string): string {
	let m = model.trim().toLowerCase();
	const prefix = /^([a-z.-]+):/.exec(m);
	if (prefix && (prefix[1] in KNOWN_PREFIXES || m.split(':').length > 2)) {
		try {
			m = parseModelSpec(m).model;
		} catch {
			// not a spec after all: look the text up as it is
		}
	}
	if (m.startsWith('models/')) m = m.slice('models/'.length);
	return m;
}

const KNOWN_PREFIXES: Record<string, true> = {
	openai: true,
	anthropic: true,
	gemini: true,
	google: true,
	openrouter: true,
	'openai-compatible': true
};

/**
 * Finds the price for a model: exact id, then alias (also with a vendor path such as
 * `anthropic/claude-3.5-sonnet`), then the longest entry that prefixes it at a `-`, `@` or `:`
 * boundary (so `gpt-4o-mini-2024-07-18` is `gpt-4o-mini`, not `gpt-4o`). Null when unknown.
 */
export function findPrice(model: string, table: PriceTable = DEFAULT_PRICES): PriceLookup | null {
	const full = normalizeModel(model);
	const candidates = full.includes('/') ? [full, full.slice(full.lastIndexOf('/') + 1)] : [full];
	for (const m of candidates) {
		const exact = table.entries.find((e) => e.model.toLowerCase() === m);
		if (exact) return { entry: exact, match: 'exact' };
	}
	for (const m of candidates) {
		const alias = table.entries.find((e) => e.aliases?.some((a) => a.toLowerCase() === m));
		if (alias) return { entry: alias, match: 'alias' };
	}
	let best: PriceEntry | null = null;
	for (const m of candidates) {
		for (const e of table.entries) {
			const names = [e.model, ...(e.aliases ?? [])].map((n) => n.toLowerCase());
			for (const name of names) {
				if (m.length > name.length && m.startsWith(name) && '-@:'.includes(m[name.length])) {
					if (!best || name.length > best.model.length) best = e;
				}
			}
		}
	}
	return best ? { entry: best, match: 'prefix' } : null;
}

export interface CostBreakdown {
	/** USD, or null when the model has no price in the table. */
	costUsd: number | null;
	inputUsd: number | null;
	outputUsd: number | null;
	/** False when the model was not found: show "price unknown", not $0. */
	priced: boolean;
	match?: PriceMatch;
	asOf: string;
}

/**
 * Cost of a finished call. Models served by Ollama run locally and cost 0 unless the table has them.
 * @param provider pass the provider kind when known so local models are priced at 0.
 */
export function costBreakdown(
	usage: Pick<TokenUsage, 'inputTokens' | 'outputTokens'>,
	model: string,
	options: { table?: PriceTable; provider?: ProviderKind } = {}
): CostBreakdown {
	const table = options.table ?? DEFAULT_PRICES;
	const found = findPrice(model, table);
	if (!found) {
		// A model run by Ollama is local: free unless the table prices it on purpose.
		if (options.provider === 'ollama') {
			return {
				costUsd: 0,
				inputUsd: 0,
				outputUsd: 0,
				priced: true,
				match: 'local',
				asOf: table.asOf
			};
		}
		return { costUsd: null, inputUsd: null, outputUsd: null, priced: false, asOf: table.asOf };
	}
	const inputUsd = (usage.inputTokens * found.entry.inputPer1M) / 1_000_000;
	const outputUsd = (usage.outputTokens * found.entry.outputPer1M) / 1_000_000;
	return {
		costUsd: inputUsd + outputUsd,
		inputUsd,
		outputUsd,
		priced: true,
		match: found.match,
		asOf: table.asOf
	};
}

/** Cost in USD of a finished call, or null when the model is not in the table. */
export function costOf(
	usage: Pick<TokenUsage, 'inputTokens' | 'outputTokens'>,
	model: string,
	options: { table?: PriceTable; provider?: ProviderKind } = {}
): number | null {
	return costBreakdown(usage, model, options).costUsd;
}

export interface CostEstimate extends CostBreakdown {
	inputTokens: number;
	/** Assumed output tokens: `expectedOutputTokens`, else `maxTokens`, else 256. */
	outputTokens: number;
}

/**
 * Estimates the cost of a request before sending it: input tokens counted with the tokenizer,
 * output tokens assumed (the upper bound when `maxTokens` is set). Loads the tokenizer on first use.
 */
export async function estimateCost(
	req: { model: string; messages: readonly ChatMessage[]; maxTokens?: number },
	options: { table?: PriceTable; provider?: ProviderKind; expectedOutputTokens?: number } = {}
): Promise<CostEstimate> {
	await loadTokenizer();
	const inputTokens = countChatTokens(req.messages, req.model);
	const outputTokens = options.expectedOutputTokens ?? req.maxTokens ?? 256;
	return {
		...costBreakdown({ inputTokens, outputTokens }, req.model, options),
		inputTokens,
		outputTokens
	};
}
