/** @module Public API of the evaluation core (browser-safe; the Node sandbox is in `sandbox/js-sandbox.node.ts`). */
export type {
	Embed,
	EvalMessage,
	ModelCall,
	ModelCallRequest,
	ModelCallResponse,
	ModelRef,
	RenderCase
} from './types';
export { parseProviderId, SUPPORTED_PROVIDERS } from './provider-id';

export type { ColumnRole, Dataset, DatasetColumn, DatasetRow } from './dataset/types';
export { EXPECTED_COLUMN_NAMES } from './dataset/types';
export { DatasetImportError, parseDatasetFile } from './dataset/parse';
export type { DatasetFormat, DatasetProblem, ParseDatasetOptions } from './dataset/parse';
export {
	addColumn,
	addRow,
	removeColumn,
	removeRow,
	renameColumn,
	rowInputs,
	setCell,
	setColumnRole
} from './dataset/edit';

export type { Assertion, Scorer, ScorerContext, ScoreOutcome, ScoreResult } from './scorers/types';
export {
	ASSERT_SET,
	prepareAssertions,
	registerScorer,
	resolveType,
	SCORERS,
	scorerTypeNames,
	validateAssertions
} from './scorers/registry';
export { aggregateScores, runAssertion, runAssertions } from './scorers/assert';
export type { AssertionSetResult } from './scorers/assert';
export { humanScore } from './scorers/human';
export type { HumanRating, HumanScoreInput } from './scorers/human';
export { DEFAULT_RUBRIC_PROMPT, parseJudgeReply } from './scorers/llm-rubric';

export type { JsSandbox, JsSandboxInput, JsSandboxRunOptions } from './sandbox/js-sandbox';
export { wrapScorerCode } from './sandbox/js-sandbox';

export type {
	EvalCase,
	EvalErrorKind,
	EvalResult,
	EvalRowInput,
	EvalRun,
	RunProgress,
	RunStatus
} from './run/types';
export { caseIdOf, expandCases, modelKey } from './run/cases';
export { MemoryResponseCache, responseCacheKey } from './run/cache';
export type { ResponseCache } from './run/cache';
export { MemoryRunStore } from './run/store';
export type { RunStore } from './run/store';
export { RateLimiter, TokenBucket } from './run/rate-limiter';
export type { Clock, ProviderLimits } from './run/rate-limiter';
export { runEval } from './run/runner';
export type { RunEvalOptions, RunEvalResult } from './run/runner';
export { estimateCasesCost, estimateRunCost } from './run/estimate';
export type {
	CostEstimate,
	EstimateCase,
	EstimateOptions,
	ModelEstimate,
	ModelPrice
} from './run/estimate';

export { aggregateResults, applyHumanScore, pairedSamples, sideBySide } from './aggregates';
export type { AggregateBy, ResultAggregate, SideBySideRow } from './aggregates';

export { compareMany, compareVariants, formatP } from './stats/compare';
export type { Comparison, CompareOptions, VariantSample } from './stats/compare';
export { pairedTTest } from './stats/paired-t';
export { wilcoxonSignedRank } from './stats/wilcoxon';
export { discordantPairs, mcnemarTest } from './stats/mcnemar';
export { bootstrapMeanDifferenceCi } from './stats/bootstrap';
export { cohensDz } from './stats/effect-size';
export { pairedSampleSize, pairedTTestPower } from './stats/power';
export { holmAdjust } from './stats/holm';

export { parsePromptfooConfig, promptfooModels, promptfooRows } from './promptfoo/config';
export type {
	ParsePromptfooOptions,
	PromptfooConfig,
	PromptfooPrompt,
	PromptfooProvider,
	PromptfooTest
} from './promptfoo/config';
export { parseExpectedShorthand } from './promptfoo/expected';
