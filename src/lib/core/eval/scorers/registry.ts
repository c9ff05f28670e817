/** @module Scorer registry keyed by promptfoo type name, and assertion validation. */
import { PromptloomError } from '../../model/errors';
import { containsScorer } from './contains';
import { costScorer } from './cost';
import { embeddingScorer } from './embedding';
import { equalsScorer } from './equals';
import { answerRelevanceScorer, contextFaithfulnessScorer } from './grounding';
import { humanScorer } from './human';
import { javascriptScorer } from './javascript';
import { jsonScorer } from './json';
import { jsonSchemaScorer } from './json-schema';
import { latencyScorer } from './latency';
import { levenshteinScorer } from './levenshtein';
import { llmRubricScorer } from './llm-rubric';
import { numericScorer } from './numeric';
import { regexScorer } from './regex';
import { startsWithScorer } from './starts-with';
import type { Assertion, Scorer } from './types';

const BUILT_IN: Scorer[] = [
	equalsScorer,
	containsScorer,
	startsWithScorer,
	regexScorer,
	jsonScorer,
	jsonSchemaScorer,
	levenshteinScorer,
	numericScorer,
	embeddingScorer,
	llmRubricScorer,
	javascriptScorer,
	latencyScorer,
	costScorer,
	humanScorer,
	contextFaithfulnessScorer,
	answerRelevanceScorer
];

/** Type name → scorer. Plugins may add entries with {@link registerScorer}. */
export const SCORERS: Map<string, Scorer> = new Map(
	BUILT_IN.flatMap((s) => s.types.map((t) => [t, s] as const))
);

/** The grouping type: children must all pass (or reach `threshold`), score is their weighted mean. */
export const ASSERT_SET = 'assert-set';

export function registerScorer(scorer: Scorer): void {
	for (const t of scorer.types) {
		if (SCORERS.has(t) || t === ASSERT_SET)
			throw new PromptloomError('conflict', `scorer type "${t}" is already registered`);
		SCORERS.set(t, scorer);
	}
}

/** Every accepted type name, with `not-` forms of the deterministic ones. */
export function scorerTypeNames(): string[] {
	const names = [ASSERT_SET];
	for (const [t, s] of SCORERS) {
		names.push(t);
		if (s.deterministic) names.push(`not-${t}`);
	}
	return names;
}

/** Splits `not-contains` into `{type: 'contains', negate: true}` and finds its scorer. */
export function resolveType(type: string): { scorer: Scorer; baseType: string; negate: boolean } {
	const direct = SCORERS.get(type);
	if (direct) return { scorer: direct, baseType: type, negate: false };
	if (type.startsWith('not-')) {
		const base = type.slice(4);
		const scorer = SCORERS.get(base);
		if (scorer && scorer.deterministic) return { scorer, baseType: base, negate: true };
		if (scorer)
			throw new PromptloomError(
				'validation',
				`"${base}" cannot be negated with not- (it is not deterministic)`
			);
	}
	throw new PromptloomError('validation', `unknown assertion type "${type}"`);
}

/**
 * Loads the lazily imported libraries the scorers of `assertions` need to validate (ajv for JSON
 * schemas), so {@link validateAssertions} can run. Await it before validating; unknown types are
 * left for validation to report.
 */
export async function prepareAssertions(assertions: readonly Assertion[]): Promise<void> {
	const scorers = new Set<Scorer>();
	const walk = (list: readonly Assertion[]) => {
		if (!Array.isArray(list)) return;
		for (const a of list) {
			if (typeof a?.type !== 'string') continue;
			if (a.type === ASSERT_SET) {
				walk(a.assert ?? []);
				continue;
			}
			const base = SCORERS.has(a.type) ? a.type : a.type.replace(/^not-/, '');
			const scorer = SCORERS.get(base);
			if (scorer?.prepare) scorers.add(scorer);
		}
	};
	walk(assertions);
	await Promise.all([...scorers].map((s) => s.prepare?.()));
}

/**
 * Checks assertions before a run so a bad regex, schema or threshold fails early with a specific
 * message; the path names the offending assertion (`assert[2]`). Sync: await
 * {@link prepareAssertions} for the same assertions first.
 */
export function validateAssertions(assertions: Assertion[], path = 'assert'): void {
	assertions.forEach((a, i) => {
		const where = `${path}[${i}]`;
		try {
			if (typeof a?.type !== 'string')
				throw new PromptloomError('validation', 'assertion has no type');
			if (a.weight !== undefined && !(typeof a.weight === 'number' && a.weight >= 0)) {
				throw new PromptloomError(
					'validation',
					`weight must be a number ≥ 0, got ${JSON.stringify(a.weight)}`
				);
			}
			if (a.type === ASSERT_SET) {
				if (!Array.isArray(a.assert) || a.assert.length === 0) {
					throw new PromptloomError('validation', 'assert-set needs a non-empty "assert" list');
				}
				validateAssertions(a.assert, `${where}.assert`);
				return;
			}
			const { scorer, baseType } = resolveType(a.type);
			scorer.validate?.(a, baseType);
		} catch (e) {
			if (e instanceof PromptloomError && e.path === undefined) {
				throw new PromptloomError(e.code, `${where} (${a?.type ?? '?'}): ${e.message}`, {
					path: where,
					cause: e
				});
			}
			throw e;
		}
	});
}
