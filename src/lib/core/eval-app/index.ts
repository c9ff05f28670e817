/** @module Evaluation in the app: Dexie stores, datasets, plans, runs and the browser JS sandbox contract. */
export { DexieResponseCache, DexieRunStore } from './dexie-stores';
export {
	DatasetRepository,
	datasetFromRecord,
	formatOfFileName,
	type DatasetFormat,
	type DatasetSummary,
	type StoredDataset
} from './dataset-repo';
export {
	modelRefOf,
	planCases,
	planRows,
	validatePlan,
	type EvalPlan,
	type EvalVariant,
	type PlanModel,
	type VariantSource
} from './plan';
export { renderCaseFor, variantRequest } from './render-case';
export { modelCallFromRegistry } from './model-call';
export { estimatePlan, priceOf, type PlanEstimate } from './estimate';
export {
	buildVariant,
	libraryIncludeResolver,
	listVariantChoices,
	type VariantChoice
} from './variants';
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
} from './eval-draft';
export { findConfigFile, type PickedFile } from './promptfoo-files';
export {
	applyPromptfooImport,
	modelSpecOfProvider,
	previewPromptfooImport,
	promptfooImportDeps,
	type PromptfooImportDeps,
	type PromptfooImportPreview,
	type PromptfooImportResult
} from './promptfoo-import';
