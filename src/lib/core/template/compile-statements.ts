/** @module Compiled `{% for %}` and `{% set %}`: the library's semantics (loop variables, `loop`, break/continue, else, unpacking, namespaces) over compiled bodies. */
import type { Environment } from '@huggingface/jinja';
import { walk, type ForNode, type Node } from './ast';
import type { GuardedInterpreter } from './interpreter';
import type { Value } from './pyvalues';
import {
	ArrayValue,
	BooleanValue,
	BreakSignal,
	ContinueSignal,
	IntegerValue,
	NullValue,
	ObjectValue,
	StringValue,
	UndefinedValue,
	childScope
} from './values';

type Run = (vm: GuardedInterpreter, env: Environment) => Value;
type Block = (vm: GuardedInterpreter, env: Environment) => string;
type Compile = (node: Node) => Run;
type CompileBlock = (statements: Node[]) => Block;

/** Checks a loop item against the loop variables before any iteration runs, like the library. */
function checkUnpack(loopvar: Node, item: Value): void {
	if (loopvar.type === 'Identifier') return;
	if (loopvar.type !== 'TupleLiteral') throw new Error(`Invalid loop variable(s): ${loopvar.type}`);
	if (item.type !== 'ArrayValue') throw new Error(`Cannot unpack non-iterable type: ${item.type}`);
	const names = loopvar.value as Node[];
	const values = item.value as Value[];
	if (names.length !== values.length)
		throw new Error(`Too ${names.length > values.length ? 'few' : 'many'} items to unpack`);
}

function bindLoopVariables(loopvar: Node, item: Value, scope: Environment): void {
	if (loopvar.type === 'Identifier') {
		scope.setVariable(loopvar.value as string, item);
		return;
	}
	const names = loopvar.value as Node[];
	for (let j = 0; j < names.length; j++) {
		if (names[j].type !== 'Identifier')
			throw new Error(`Cannot unpack non-identifier type: ${names[j].type}`);
		scope.setVariable(names[j].value as string, (item.value as Value[])[j]);
	}
}

function loopObject(items: Value[], i: number): Value {
	const n = items.length;
	return new ObjectValue(
		new Map<string, Value>([
			['index', new IntegerValue(i + 1)],
			['index0', new IntegerValue(i)],
			['revindex', new IntegerValue(n - i)],
			['revindex0', new IntegerValue(n - i - 1)],
			['first', new BooleanValue(i === 0)],
			['last', new BooleanValue(i === n - 1)],
			['length', new IntegerValue(n)],
			['previtem', i > 0 ? items[i - 1] : new UndefinedValue()],
			['nextitem', i < n - 1 ? items[i + 1] : new UndefinedValue()]
		])
	);
}

/**
 * Whether a loop body may read `loop`: it names it, or calls something (a macro, `caller()` or an
 * included template sees the scope it is called from). Other bodies skip building `loop`.
 */
function readsLoop(body: Node[]): boolean {
	let reads = false;
	for (const statement of body)
		walk(statement, (node) => {
			if (
				(node.type === 'Identifier' && node.value === 'loop') ||
				node.type === 'CallExpression' ||
				node.type === 'CallStatement'
			)
				reads = true;
		});
	return reads;
}

/** `{% for x in xs %}…{% else %}…{% endfor %}` (not the `for … if …` form). */
export function compileFor(node: ForNode, compile: Compile, compileBlock: CompileBlock): Run {
	const iterable = compile(node.iterable);
	const body = compileBlock(node.body as Node[]);
	const otherwise = compileBlock(node.defaultBlock as Node[]);
	const loopvar = node.loopvar;
	const withLoop = readsLoop(node.body as Node[]);
	return (vm, env) => {
		vm.loopFrames.push({ node, chars: 0, iteration: 0 });
		try {
			let source = iterable(vm, env);
			// Like Jinja2, looping over an undefined variable runs zero times instead of failing.
			if (source.type === 'UndefinedValue') source = new ArrayValue([]);
			const scope = childScope(env);
			if (!(source instanceof ArrayValue || source instanceof ObjectValue))
				throw new Error(`Expected iterable or object type in for loop: got ${source.type}`);
			if (source instanceof ObjectValue) source = (source as unknown as { keys(): Value }).keys();
			const items = source.value as Value[];
			for (let i = 0; i < items.length; i++) checkUnpack(loopvar, items[i]);
			let text = '';
			let noIteration = true;
			for (let i = 0; i < items.length; i++) {
				if (withLoop) scope.setVariable('loop', loopObject(items, i));
				bindLoopVariables(loopvar, items[i], scope);
				try {
					text += body(vm, scope);
				} catch (e) {
					if (e instanceof ContinueSignal) continue;
					if (e instanceof BreakSignal) break;
					throw e;
				}
				noIteration = false;
			}
			if (noIteration) text += otherwise(vm, scope);
			return new StringValue(text);
		} finally {
			vm.loopFrames.pop();
		}
	};
}

/** `{% set x = … %}`, `{% set a, b = … %}`, `{% set ns.x = … %}` and the block form. */
export function compileSet(node: Node, compile: Compile, compileBlock: CompileBlock): Run {
	const value = node.value ? compile(node.value as Node) : null;
	const body = node.value ? null : compileBlock(node.body as Node[]);
	const assignee = node.assignee as Node;
	const object = assignee.type === 'MemberExpression' ? compile(assignee.object as Node) : null;
	return (vm, env) => {
		const rhs = value ? value(vm, env) : new StringValue(body!(vm, env));
		if (assignee.type === 'Identifier') env.setVariable(assignee.value as string, rhs);
		else if (assignee.type === 'TupleLiteral') {
			if (!(rhs instanceof ArrayValue))
				throw new Error(`Cannot unpack non-iterable type in set: ${rhs.type}`);
			const names = assignee.value as Node[];
			const values = rhs.value as Value[];
			if (values.length !== names.length)
				throw new Error(
					`Too ${names.length > values.length ? 'few' : 'many'} items to unpack in set`
				);
			for (let i = 0; i < names.length; i++) {
				if (names[i].type !== 'Identifier')
					throw new Error(`Cannot unpack to non-identifier in set: ${names[i].type}`);
				env.setVariable(names[i].value as string, values[i]);
			}
		} else if (object) {
			const target = object(vm, env);
			if (target.type !== 'NamespaceValue')
				throw new Error('cannot assign attribute on non-namespace object');
			const property = assignee.property as Node;
			if (property.type !== 'Identifier')
				throw new Error('Cannot assign to member with non-identifier property');
			(target.value as Map<string, Value>).set(property.value as string, rhs);
		} else throw new Error(`Invalid LHS inside assignment expression: ${JSON.stringify(assignee)}`);
		return new NullValue();
	};
}
