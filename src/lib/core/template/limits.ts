/** @module Render budgets of a request: its overrides on top of the defaults (no engine code, cheap to import). */
import { DEFAULT_LIMITS, type RenderLimits } from './types';

/** The limits of a request: its overrides on top of {@link DEFAULT_LIMITS}. */
export function effectiveLimits(overrides?: Partial<RenderLimits>): RenderLimits {
	return { ...DEFAULT_LIMITS, ...overrides };
}
