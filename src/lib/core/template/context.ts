/** @module Copies render variables into plain data (no functions, prototypes or cycles) within size limits. */
import { TemplateError, limitError } from './errors';
import type { Value } from './pyvalues';
import type { RenderLimits } from './types';
import { ArrayValue, ObjectValue, toValue } from './values';

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

/** How {@link walkPlainData} builds its result from checked data. */
interface Builder<T> {
	scalar(v: string | number | boolean | undefined | null): T;
	list(items: T[]): T;
	record(entries: [string, T][]): T;
}

/**
 * Walks `value` as JSON-like data and builds a result with `build`. Functions, symbols, bigints,
 * class instances and cycles are rejected with `template_unsafe`; too deep or too large input with
 * `template_limit`. Dates become ISO strings.
 */
function walkPlainData<T>(
	value: unknown,
	limits: Pick<RenderLimits, 'maxContextDepth' | 'maxContextNodes'>,
	build: Builder<T>
): T {
	let nodes = 0;
	const seen = new Set<object>();
	const copy = (v: unknown, path: string, depth: number): T => {
		if (++nodes > limits.maxContextNodes)
			throw limitError(`the variables hold more than ${limits.maxContextNodes} values`);
		if (depth > limits.maxContextDepth)
			throw limitError(`${describe(path)} is nested deeper than ${limits.maxContextDepth} levels`);
		switch (typeof v) {
			case 'string':
			case 'number':
			case 'boolean':
			case 'undefined':
				return build.scalar(v);
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
		if (v === null) return build.scalar(null);
		if (v instanceof Date) return build.scalar(v.toISOString());
		if (seen.has(v))
			throw new TemplateError(
				'template_unsafe',
				`variables must be plain data: ${describe(path)} is circular`
			);
		seen.add(v);
		try {
			if (Array.isArray(v))
				return build.list(v.map((item, i) => copy(item, `${path}[${i}]`, depth + 1)));
			const proto = Object.getPrototypeOf(v);
			if (proto !== Object.prototype && proto !== null)
				throw new TemplateError(
					'template_unsafe',
					`variables must be plain data: ${describe(path)} is a ${proto?.constructor?.name ?? 'class'} instance`
				);
			const entries: [string, T][] = [];
			for (const key of Object.keys(v))
				entries.push([
					key,
					copy((v as Record<string, unknown>)[key], path ? `${path}.${key}` : key, depth + 1)
				]);
			return build.record(entries);
		} finally {
			seen.delete(v);
		}
	};
	return copy(value, '', 0);
}

const plain: Builder<unknown> = {
	scalar: (v) => v,
	list: (items) => items,
	record(entries) {
		// Own data properties, so a `__proto__` key cannot change the prototype.
		const out: Record<string, unknown> = {};
		for (const [key, item] of entries)
			Object.defineProperty(out, key, {
				value: item,
				enumerable: true,
				writable: true,
				configurable: true
			});
		return out;
	}
};

const runtime: Builder<Value> = {
	scalar: toValue,
	list: (items) => new ArrayValue(items),
	record: (entries) => new ObjectValue(new Map(entries))
};

const nothing: Builder<undefined> = {
	scalar: () => undefined,
	list: () => undefined,
	record: () => undefined
};

/** Deep-copies `value` as JSON-like data (see {@link walkPlainData} for what is refused). */
export function toPlainData(
	value: unknown,
	limits: Pick<RenderLimits, 'maxContextDepth' | 'maxContextNodes'>
): unknown {
	return walkPlainData(value, limits, plain);
}

function checkTopLevel(variables: Record<string, unknown>): void {
	if (typeof variables !== 'object' || variables === null || Array.isArray(variables))
		throw new TemplateError('validation', 'variables must be an object of name → value');
	for (const name of Object.keys(variables)) {
		if (RESERVED_NAMES.has(name))
			throw new TemplateError(
				'validation',
				`"${name}" is a built-in name and cannot be passed as a variable`
			);
	}
}

/**
 * The variables of a render as the interpreter's values, checked and converted in one pass (the
 * conversion is the copy: nothing the caller holds is reachable from the template).
 */
export function toRuntimeVariables(
	variables: Record<string, unknown> | undefined,
	limits: Pick<RenderLimits, 'maxContextDepth' | 'maxContextNodes'>
): Map<string, Value> {
	if (variables === undefined) return new Map();
	checkTopLevel(variables);
	return walkPlainData(variables, limits, runtime).value as Map<string, Value>;
}

/** Checks the variables of a render as {@link toRuntimeVariables} does, without copying them. */
export function checkRenderVariables(
	variables: Record<string, unknown> | undefined,
	limits: Pick<RenderLimits, 'maxContextDepth' | 'maxContextNodes'>
): void {
	if (variables === undefined) return;
	checkTopLevel(variables);
	walkPlainData(variables, limits, nothing);
}

/** Validates and copies the top-level variables object of a render. */
export function toRenderContext(
	variables: Record<string, unknown> | undefined,
	limits: Pick<RenderLimits, 'maxContextDepth' | 'maxContextNodes'>
): Record<string, unknown> {
	if (variables === undefined) return {};
	checkTopLevel(variables);
	return toPlainData(variables, limits) as Record<string, unknown>;
}
