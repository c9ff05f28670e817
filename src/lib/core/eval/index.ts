/**
 * @module Public API of evaluation: datasets, plans, runs, scorers, statistics, promptfoo configs,
 * and the app's evaluation service over Dexie (the Node scorer sandbox is `sandbox/js-sandbox.node.ts`).
 */
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
// The app side: Dexie stores, datasets, plans, the evaluation service, promptfoo import.
export { DexieResponseCache, DexieRunStore } from './run/stores.dexie';
export {
	DatasetRepository,
	datasetFromRecord,
	formatOfFileName,
	type DatasetSummary,
	type StoredDataset
} from './dataset/repo.dexie';
export {
	modelRefOf,
	planCases,
	planRows,
	validatePlan,
	type EvalPlan,
	type EvalVariant,
	type PlanModel,
	type VariantSource
} from './plan/plan';
export { renderCaseFor, variantRequest } from './plan/render-case';
export { modelCallFromRegistry } from './run/model-call';
export { estimatePlan, priceOf, type PlanEstimate } from './plan/estimate';
export {
	buildVariant,
	libraryIncludeResolver,
	listVariantChoices,
	type VariantChoice
} from './plan/variants';
export {
	EvalService,
	type EvalServiceOptions,
	type RunView,
	type StoredRun,
	type VersionScoreSummary
} from './eval-service';
export {
	EVAL_DRAFT_KEY,
	clearEvalDraft,
	loadEvalDraft,
	saveEvalDraft,
	type EvalDraft
} from './plan/draft';
export { findConfigFile, type PickedFile } from './promptfoo/files';
export {
	applyPromptfooImport,
	modelSpecOfProvider,
	previewPromptfooImport,
	promptfooImportDeps,
	type PromptfooImportDeps,
	type PromptfooImportPreview,
	type PromptfooImportResult
} from './promptfoo/import';
