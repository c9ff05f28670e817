/** @module Copies render variables into plain data (no functions, prototypes or cycles) within size limits. */
import { TemplateError, limitError } from './errors';
import type { RenderLimits } from './types';

/** Names the engine defines itself; a variable may not replace them. */
export const RESERVED_NAMES = new Set([
	'true',
	'false',
	'none',
	'True',
	'False',
	'None',
	'range',
	'namespace',
	'raise_exception',
	'strftime_now',
	'include',
	'fewshot',
	'loop'
]);

function describe(path: string): string {
	return path === '' ? 'the variables' : `"${path}"`;
}

/**
 * Deep-copies `value` as JSON-like data. Functions, symbols, bigints, class instances and cycles are
 * rejected with `template_unsafe`; too deep or too large input with `template_limit`. Dates become
 * ISO strings. Keys are copied as own data properties, so `__proto__` keys cannot change prototypes.
 */
export function toPlainData(
	value: unknown,
	limits: Pick<RenderLimits, 'maxContextDepth' | 'maxContextNodes'>
): unknown {
	let nodes = 0;
	const seen = new Set<object>();
	const copy = (v: unknown, path: string, depth: number): unknown => {
		if (++nodes > limits.maxContextNodes)
			throw limitError(`the variables hold more than ${limits.maxContextNodes} values`);
		if (depth > limits.maxContextDepth)
			throw limitError(`${describe(path)} is nested deeper than ${limits.maxContextDepth} levels`);
		switch (typeof v) {
			case 'string':
			case 'number':
			case 'boolean':
			case 'undefined':
				return v;
			case 'function':
				throw new TemplateError(
					'template_unsafe',
					`variables must be plain data: ${describe(path)} is a function`
				);
			case 'object':
				break;
			default:
				throw new TemplateError(
					'template_unsafe',
					`variables must be plain data: ${describe(path)} is a ${typeof v}`
				);
		}
		if (v === null) return null;
		if (v instanceof Date) return v.toISOString();
		if (seen.has(v))
			throw new TemplateError(
				'template_unsafe',
				`variables must be plain data: ${describe(path)} is circular`
			);
		seen.add(v);
		try {
			if (Array.isArray(v)) return v.map((item, i) => copy(item, `${path}[${i}]`, depth + 1));
			const proto = Object.getPrototypeOf(v);
			if (proto !== Object.prototype && proto !== null)
				throw new TemplateError(
					'template_unsafe',
					`variables must be plain data: ${describe(path)} is a ${proto?.constructor?.name ?? 'class'} instance`
				);
			const out: Record<string, unknown> = {};
			for (const key of Object.keys(v)) {
				const item = copy(
					(v as Record<string, unknown>)[key],
					path ? `${path}.${key}` : key,
					depth + 1
				);
				Object.defineProperty(out, key, {
					value: item,
					enumerable: true,
					writable: true,
					configurable: true
				});
			}
			return out;
		} finally {
			seen.delete(v);
		}
	};
	return copy(value, '', 0);
}

/** Validates and copies the top-level variables object of a render. */
export function toRenderContext(
	variables: Record<string, unknown> | undefined,
	limits: Pick<RenderLimits, 'maxContextDepth' | 'maxContextNodes'>
): Record<string, unknown> {
	if (variables === undefined) return {};
	if (typeof variables !== 'object' || variables === null || Array.isArray(variables))
		throw new TemplateError('validation', 'variables must be an object of name → value');
	for (const name of Object.keys(variables)) {
		if (RESERVED_NAMES.has(name))
			throw new TemplateError(
				'validation',
				`"${name}" is a built-in name and cannot be passed as a variable`
			);
	}
	return toPlainData(variables, limits) as Record<string, unknown>;
}
