/** @module The global scope of a render (constants, range(), strftime_now(), raise_exception()) and the mapping of what a render throws to template errors. */
import { Environment } from '@huggingface/jinja';
import { TemplateError, limitError } from './errors';
import { strftime } from './filters';
import type { Value } from './pyvalues';
import type { RenderLimits } from './types';
import { StringValue, childScope } from './values';

/** Thrown by `raise_exception("…")` in a template. */
class TemplateRaise extends Error {}

/** Python `range(stop)` / `range(start, stop[, step])`, refusing to build more than `max` items. */
function boundedRange(args: unknown[], max: number): number[] {
	const nums = args.filter((a): a is number => typeof a === 'number');
	if (nums.length === 0 || nums.length > 3 || nums.some((n) => !Number.isInteger(n)))
		throw new Error('range() takes 1 to 3 whole numbers');
	const [start, stop, step] =
		nums.length === 1 ? [0, nums[0], 1] : [nums[0], nums[1], nums[2] ?? 1];
	if (step === 0) throw new Error('range() step must not be zero');
	const count = Math.max(0, Math.ceil((stop - start) / step));
	if (count > max) throw limitError(`range() of ${count} items is over ${max}`);
	const out: number[] = new Array(count);
	for (let i = 0; i < count; i++) out[i] = start + i * step;
	return out;
}

/**
 * The Jinja constants, shared by every render: values are never changed in place and a template's
 * `{% set %}` writes to a child scope, so one environment serves all renders.
 */
let constants: Environment | undefined;
function constantScope(): Environment {
	if (constants) return constants;
	constants = new Environment();
	const names: [string, unknown][] = [
		['true', true],
		['false', false],
		['none', null],
		['True', true],
		['False', false],
		['None', null]
	];
	for (const [k, v] of names) constants.set(k, v);
	constants.set('raise_exception', (message: unknown) => {
		throw new TemplateRaise(String(message ?? ''));
	});
	return constants;
}

/** The global scope of a render: Jinja constants, the chat-template globals and the variables (already runtime values). */
export function createGlobals(
	config: { limits: RenderLimits; now: Date },
	variables: Map<string, Value>
): Environment {
	const env = childScope(constantScope());
	env.set('range', (...args: unknown[]) => boundedRange(args, config.limits.maxIterations));
	env.set('strftime_now', (format: unknown) => strftime(config.now, String(format ?? '')));
	for (const [k, v] of variables) env.variables.set(k, v);
	for (const token of ['bos_token', 'eos_token'])
		if (!variables.has(token)) env.variables.set(token, new StringValue(''));
	return env;
}

/**
 * Maps anything a render throws to a PromptloomError with a specific code. The evaluation depth is
 * counted, so a stack overflow can only come from recursing through a value (printing, comparing
 * or serialising one) built deeper than `maxDepth` while rendering, or a cyclic one
 * (`{% set ns.x = [ns] %}`); `maxDepth` is capped where the stack holds it (MAX_NESTING_DEPTH).
 */
export function toTemplateError(e: unknown, maxDepth: number): unknown {
	if (e instanceof TemplateError) return e;
	if (e instanceof TemplateRaise)
		return new TemplateError('template_runtime', `raise_exception: ${e.message}`, { cause: e });
	if (e instanceof RangeError)
		return limitError(
			/call stack/i.test(e.message)
				? `nested deeper than ${maxDepth} levels`
				: `value too large (${e.message})`
		);
	if (e instanceof Error && e.name === 'PromptloomError') return e;
	return new TemplateError('template_runtime', e instanceof Error ? e.message : String(e), {
		cause: e
	});
}
