/** @module Render budgets of a request: its overrides on top of the defaults (no engine code, cheap to import). */
import { DEFAULT_LIMITS, MAX_NESTING_DEPTH, type RenderLimits } from './types';

/**
 * The limits of a request: its overrides on top of {@link DEFAULT_LIMITS}, with the depth limits
 * capped at {@link MAX_NESTING_DEPTH} (deeper does not fit the JavaScript stack).
 */
export function effectiveLimits(overrides?: Partial<RenderLimits>): RenderLimits {
	const limits: RenderLimits = { ...DEFAULT_LIMITS };
	for (const [key, value] of Object.entries(overrides ?? {}))
		if (value !== undefined && Object.hasOwn(DEFAULT_LIMITS, key))
			limits[key as keyof RenderLimits] = value;
	limits.maxDepth = Math.min(limits.maxDepth, MAX_NESTING_DEPTH);
	limits.maxContextDepth = Math.min(limits.maxContextDepth, MAX_NESTING_DEPTH);
	return limits;
}
