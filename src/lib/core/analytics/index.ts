/** @module Public API of analytics: dashboards, drift detection, prompt lint and evaluated rewrites. */
export type { AnalyticsRun, AnalyticsSource, RunFilter } from './source';
export { filterRuns, MemoryAnalyticsSource } from './source';
export { analyticsRunOf, DexieAnalyticsSource } from './source.dexie';
export { figuresOf, latencyHistogram, passRateByScorer, type ResultFigures } from './run-summary';
export {
	buildDashboard,
	dashboardOf,
	type Dashboard,
	type DashboardOptions,
	type ModelUsage,
	type RunPoint,
	type VersionSeries
} from './dashboard';
export {
	detectDrift,
	diffSigma,
	type DriftAlarm,
	type DriftDirection,
	type DriftMethod,
	type DriftOptions
} from './drift';
export { driftFlags, type DriftFlag } from './drift-series';
export { LINT_RULES, lintContext, lintPrompt, type LintOptions } from './lint/lint-prompt';
export type {
	LintablePrompt,
	LintContext,
	LintFinding,
	LintRule,
	LintSeverity,
	LintSpan
} from './lint/types';
export { parseRewrite, promptAsText, type RewritablePrompt } from './rewrite/request';
export {
	suggestRewrites,
	type RejectedRewrite,
	type RewriteReport,
	type RewriteSuggestion,
	type SuggestRewritesOptions,
	type VariantScore
} from './rewrite/suggest';
