/** @module Constructors of the library's runtime values (it exports none), taken once from values it builds. */
import { Environment, Interpreter } from '@huggingface/jinja';
import type { Value } from './pyvalues';

type ValueClass = new (value?: unknown) => Value;

const scratch = new Environment();
function converted(js: unknown): Value {
	const v = scratch.set('v', js);
	scratch.variables.delete('v');
	return v;
}
const classOf = (js: unknown) => converted(js).constructor as ValueClass;

export const StringValue = classOf('');
export const IntegerValue = classOf(1);
export const FloatValue = classOf(1.5);
export const BooleanValue = classOf(true);
export const NullValue = classOf(null);
export const UndefinedValue = classOf(undefined);
export const ArrayValue = classOf([]);
export const ObjectValue = classOf({});
export const FunctionValue = classOf(() => null);

/** The library's loop-control signals, so a compiled loop can catch what `{% break %}` throws. */
function thrown(type: 'Break' | 'Continue'): new () => Error {
	try {
		new Interpreter().evaluate(
			{ type } as unknown as Parameters<Interpreter['evaluate']>[0],
			scratch
		);
	} catch (e) {
		return (e as Error).constructor as new () => Error;
	}
	throw new Error(`{% ${type.toLowerCase()} %} did not signal`);
}
export const BreakSignal = thrown('Break');
export const ContinueSignal = thrown('Continue');

/** The runtime value of plain JavaScript data (what `Environment.set` stores). */
export function toValue(js: unknown): Value {
	switch (typeof js) {
		case 'string':
			return new StringValue(js);
		case 'boolean':
			return new BooleanValue(js);
		case 'undefined':
			return new UndefinedValue();
		case 'number':
			return Number.isInteger(js) ? new IntegerValue(js) : new FloatValue(js);
		default:
			return js === null ? new NullValue() : converted(js);
	}
}

/** A list value holding `items`. */
export function arrayOf(items: Value[]): Value {
	return new ArrayValue(items);
}

/** The base class of every runtime value. */
export const RuntimeValue = Object.getPrototypeOf(StringValue) as ValueClass;

const NAMESPACE = scratch.variables.get('namespace')!;
const TESTS = scratch.tests;

/**
 * A child scope of `parent`, as `new Environment(parent)` makes it but sharing one `namespace()`
 * function value instead of building one per scope (a loop makes a scope per render).
 */
export function childScope(parent: Environment): Environment {
	const env = Object.create(Environment.prototype) as {
		parent: Environment;
		variables: Map<string, Value>;
		tests: typeof TESTS;
	};
	env.variables = new Map([['namespace', NAMESPACE as Value]]);
	env.tests = TESTS;
	env.parent = parent;
	return env as unknown as Environment;
}
