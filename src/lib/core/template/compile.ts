/**
 * @module Compiles a parsed template into closures once per program, so a render runs no tree walk
 * for the common nodes (text, variables, members, filters, calls, operators, if, for, set). Each
 * closure keeps the interpreter's budgets exactly: one step and one level of depth per node, the
 * string-size cap, the loop output cap and the trace. Rare nodes (macros, call blocks, slices,
 * literals of lists and dicts, `for … if …`) run on the guarded interpreter itself.
 */
import type { Environment } from '@huggingface/jinja';
import {
	filterName,
	type CallNode,
	type FilterNode,
	type ForNode,
	type Node,
	type Program
} from './ast';
import { blockDone, blockOwners, prepareBlocks } from './blocks';
import { limitError } from './errors';
import {
	STATEMENTS,
	evaluateIterableTest,
	multiply,
	pyBinary,
	type GuardedInterpreter
} from './interpreter';
import { applyFilter, libraryFilterNode } from './prompt-filters';
import { pyStr, type Value } from './pyvalues';
import {
	ArrayValue,
	BooleanValue,
	FloatValue,
	IntegerValue,
	NullValue,
	ObjectValue,
	RuntimeValue,
	StringValue,
	UndefinedValue
} from './values';
import { compileFor, compileSet } from './compile-statements';

export type Run = (vm: GuardedInterpreter, env: Environment) => Value;
export type Block = (vm: GuardedInterpreter, env: Environment) => string;

const compiled = new WeakMap<object, Run>();

/** The compiled form of a program (compiled on first use, then shared by every render). */
export function compileProgram(program: Program): Run {
	let run = compiled.get(program);
	if (!run) {
		prepareBlocks(program);
		run = compile(program as unknown as Node);
		compiled.set(program, run);
	}
	return run;
}

function tooDeep(vm: GuardedInterpreter): never {
	throw limitError(`nested deeper than ${vm.maxDepth} levels (recursive macro?)`);
}

/** What the interpreter does around every node: a step, a level of depth and the string-size cap. */
export function guarded(inner: Run): Run {
	return (vm, env) => {
		vm.tick();
		if (++vm.depth > vm.maxDepth) {
			vm.depth--;
			tooDeep(vm);
		}
		try {
			const result = inner(vm, env);
			if (result.type === 'StringValue' && (result.value as string).length > vm.maxOutputChars)
				throw limitError(`a string is longer than ${vm.maxOutputChars} characters`);
			return result;
		} finally {
			vm.depth--;
		}
	};
}

/** The node run by the guarded interpreter (which guards it itself). */
function interpreted(node: Node): Run {
	return (vm, env) => vm.evaluate(node as never, env);
}

/** A block: statements print what they render, expressions print Python's str() of their value. */
export function compileBlock(statements: Node[]): Block {
	const owner = blockOwners.get(statements);
	const n = statements.length;
	const runs: Run[] = [];
	const literal: (string | null)[] = [];
	const printed: boolean[] = [];
	for (const s of statements) {
		// Text between tags is a string literal: print it without building a value.
		literal.push(s.type === 'StringLiteral' ? (s.value as string) : null);
		runs.push(s.type === 'StringLiteral' ? literalRun : compile(s));
		printed.push(!STATEMENTS.has(s.type));
	}
	return (vm, env) => {
		vm.tick();
		let text = '';
		for (let i = 0; i < n; i++) {
			const lit = literal[i];
			if (lit !== null) {
				vm.tick();
				if (vm.depth + 1 > vm.maxDepth) tooDeep(vm);
				if (lit.length > vm.maxOutputChars)
					throw limitError(`a string is longer than ${vm.maxOutputChars} characters`);
				text += lit;
				continue;
			}
			const value = runs[i](vm, env);
			if (printed[i]) text += pyStr(value);
			else if (value.type !== 'NullValue' && value.type !== 'UndefinedValue')
				text += value.toString();
		}
		if (owner) blockDone(vm, owner, text, env);
		return text;
	};
}
const literalRun: Run = () => new NullValue();

function lookup(env: Environment, name: string): Value {
	for (let e: Environment | undefined = env; e; e = e.parent) {
		const v = e.variables.get(name);
		if (v !== undefined) return v;
	}
	return new UndefinedValue();
}

const isMapping = (v: Value) => v instanceof ObjectValue || v.type === 'NamespaceValue';
const isSequence = (v: Value) => v instanceof ArrayValue || v.type === 'StringValue';

/** `object.name` as the library reads it: an item of a mapping, else a builtin of the value. */
function memberNamed(object: Value, key: string): Value {
	let value: unknown;
	if (isMapping(object))
		value =
			(object.value as Map<string, Value>).get(key) ??
			(object instanceof ObjectValue ? object.builtins.get(key) : undefined);
	else value = object.builtins.get(key);
	return value instanceof RuntimeValue ? (value as Value) : new UndefinedValue();
}

/** `object[property]` as the library reads it (items of mappings and sequences, builtins of values). */
function member(object: Value, property: Value): Value {
	if (property.type === 'StringValue') return memberNamed(object, property.value as string);
	let value: unknown;
	if (isMapping(object))
		throw new Error(`Cannot access property with non-string: got ${property.type}`);
	if (isSequence(object)) {
		if (property.type !== 'IntegerValue')
			throw new Error(`Cannot access property with non-string/non-number: got ${property.type}`);
		const index = property.value as number;
		if (object.type === 'StringValue') {
			const ch = (object.value as string).at(index);
			value = ch === undefined ? undefined : new StringValue(ch);
		} else value = (object.value as Value[]).at(index);
	} else throw new Error(`Cannot access property with non-string: got ${property.type}`);
	return value instanceof RuntimeValue ? (value as Value) : new UndefinedValue();
}

function compileMember(node: Node): Run {
	const property = node.property as Node;
	if (node.computed && property.type === 'SliceExpression') return interpreted(node);
	const object = compile(node.object as Node);
	if (!node.computed) {
		const key = property.value;
		if (property.type === 'IntegerLiteral')
			return guarded((vm, env) => member(object(vm, env), new IntegerValue(key)));
		return guarded((vm, env) => memberNamed(object(vm, env), key as string));
	}
	const index = compile(property);
	return guarded((vm, env) => {
		const o = object(vm, env);
		const key = index(vm, env);
		// A key the value cannot have is undefined, as in Jinja2, instead of an error.
		const mapping = o.type === 'ObjectValue' || o.type === 'NamespaceValue';
		const sequence = o.type === 'ArrayValue' || o.type === 'TupleValue' || o.type === 'StringValue';
		if (
			(mapping && key.type !== 'StringValue') ||
			(sequence && key.type !== 'StringValue' && key.type !== 'IntegerValue')
		)
			return new UndefinedValue();
		return member(o, key);
	});
}

function compileCall(node: CallNode): Run {
	const callee = node.callee;
	if (callee.type === 'Identifier' && (callee.value === 'include' || callee.value === 'fewshot'))
		return guarded((vm, env) => vm.evaluateCall(node, node as never, env));
	if (node.args.some((a) => !PLAIN_ARG(a)))
		return guarded((vm, env) => vm.libraryEvaluate(node, env));
	const args = node.args.map(compile);
	const fn = compile(callee);
	return guarded((vm, env) => {
		const values = args.map((a) => a(vm, env));
		const f = fn(vm, env);
		if (f.type !== 'FunctionValue')
			throw new Error(`Cannot call something that is not a function: got ${f.type}`);
		return (f.value as (a: Value[], e: Environment) => Value)(values, env);
	});
}
/** A plain positional argument (not `*x`, `k=v` or `**kw`). */
const PLAIN_ARG = (a: Node) =>
	a.type !== 'SpreadExpression' &&
	a.type !== 'KeywordArgumentExpression' &&
	a.type !== 'KeywordSpreadExpression';

function compileBinary(node: Node): Run {
	const op = (node.operator as { value: string }).value;
	const left = compile(node.left as Node);
	const right = compile(node.right as Node);
	if (op === 'and')
		return guarded((vm, env) => {
			const l = left(vm, env);
			return l.__bool__().value ? right(vm, env) : l;
		});
	if (op === 'or')
		return guarded((vm, env) => {
			const l = left(vm, env);
			return l.__bool__().value ? l : right(vm, env);
		});
	if (op === '*')
		return guarded((vm, env) => multiply(vm, node, left(vm, env), right(vm, env), env));
	return guarded((vm, env) => pyBinary(vm, node, op, left(vm, env), right(vm, env), env));
}

function compileTest(node: Node): Run {
	const name = (node.test as Node).value as string;
	const operand = compile(node.operand as Node);
	if (name === 'iterable')
		return guarded((vm, env) => evaluateIterableTest(operand(vm, env), node.negate === true));
	return guarded((vm, env) => {
		const value = operand(vm, env);
		const test = env.tests.get(name);
		if (!test) throw new Error(`Unknown test: ${name}`);
		const result = test(value);
		return new BooleanValue(node.negate ? !result : result);
	});
}

/** The closure that evaluates `node`. */
export function compile(node: Node): Run {
	switch (node.type) {
		case 'Program': {
			const body = compileBlock(node.body as Node[]);
			return guarded((vm, env) => new StringValue(body(vm, env)));
		}
		case 'StringLiteral': {
			const value = node.value;
			return guarded(() => new StringValue(value));
		}
		case 'IntegerLiteral': {
			const value = node.value;
			return guarded(() => new IntegerValue(value));
		}
		case 'FloatLiteral': {
			const value = node.value;
			return guarded(() => new FloatValue(value));
		}
		case 'Identifier': {
			const name = node.value as string;
			return guarded((vm, env) => {
				const value = lookup(env, name);
				if (vm.trace && vm.config.contextNames.has(name)) vm.trace.variable(name, value);
				return value;
			});
		}
		case 'MemberExpression':
			return compileMember(node);
		case 'FilterExpression': {
			const f = node as FilterNode;
			const name = filterName(f.filter);
			const libraryNode = libraryFilterNode(f.filter, name);
			const operand = compile(f.operand);
			return guarded((vm, env) => applyFilter(vm, f, name, operand(vm, env), env, libraryNode));
		}
		case 'CallExpression':
			return compileCall(node as CallNode);
		case 'BinaryExpression':
			return compileBinary(node);
		case 'UnaryExpression': {
			if ((node.operator as Node).value !== 'not') break;
			const argument = compile(node.argument as Node);
			return guarded((vm, env) => new BooleanValue(!argument(vm, env).__bool__().value));
		}
		case 'TestExpression':
			return compileTest(node);
		case 'Ternary': {
			const condition = compile(node.condition as Node);
			const yes = compile(node.trueExpr as Node);
			const no = compile(node.falseExpr as Node);
			return guarded((vm, env) =>
				condition(vm, env).__bool__().value ? yes(vm, env) : no(vm, env)
			);
		}
		case 'If': {
			const test = compile(node.test as Node);
			const body = compileBlock(node.body as Node[]);
			const alternate = compileBlock(node.alternate as Node[]);
			return guarded(
				(vm, env) =>
					new StringValue(test(vm, env).__bool__().value ? body(vm, env) : alternate(vm, env))
			);
		}
		case 'For':
			if ((node as ForNode).iterable.type === 'SelectExpression') break;
			return guarded(compileFor(node as ForNode, compile, compileBlock));
		case 'Set':
			return guarded(compileSet(node, compile, compileBlock));
		case 'Comment':
			return guarded(() => new NullValue());
	}
	return interpreted(node);
}
