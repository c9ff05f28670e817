/** @module The guarded @huggingface/jinja interpreter: step, time, depth and size budgets, Jinja2's operators, include() and fewshot(); compiled templates fall back to it for rare nodes. */
import { Environment, Interpreter } from '@huggingface/jinja';
import {
	filterName,
	isIdentifier,
	type CallNode,
	type FilterNode,
	type ForNode,
	type Node,
	type Program
} from './ast';
import { blockDone, blockOwners, prepareBlocks, type BlockHost, type LoopFrame } from './blocks';
import { TemplateError, inTemplate, limitError } from './errors';
import { fewShotText, findFewShotSet } from './fewshot';
import { describeRef, includeKey } from './includes';
import { parseTemplate } from './parse';
import { applyFilter, type Args, type FilterHost } from './prompt-filters';
import { escapeHtml, isMarkup, markSafe, pyEquals, pyStr, type Value } from './pyvalues';
import type { TraceRecorder } from './trace';
import type {
	FewShotSet,
	IncludeRef,
	RenderLimits,
	ResolvedIncludes,
	TemplateSyntaxOptions
} from './types';
import { childScope, toValue } from './values';

export type Statement = NonNullable<Parameters<Interpreter['evaluate']>[0]>;
export type { Value } from './pyvalues';

/** Node types that are statements; every other node in a block is an expression to print. */
export const STATEMENTS = new Set([
	'Program',
	'If',
	'For',
	'Break',
	'Continue',
	'Set',
	'Macro',
	'Comment',
	'CallStatement',
	'FilterStatement'
]);

/** Value types Jinja2's `iterable` test accepts (undefined iterates as empty). */
const ITERABLE = new Set([
	'ArrayValue',
	'TupleValue',
	'StringValue',
	'ObjectValue',
	'KeywordArgumentsValue',
	'UndefinedValue'
]);

/** Marker node type: evaluates to a value computed beforehand. */
const PRECOMPUTED = 'PromptloomPrecomputed';
export function precomputed(value: Value): Node {
	return { type: PRECOMPUTED, value };
}

export interface SessionConfig {
	limits: RenderLimits;
	syntax: TemplateSyntaxOptions;
	includes: ResolvedIncludes;
	fewShotSets: FewShotSet[];
	now: Date;
	/** Names of the variables passed in (for the trace). */
	contextNames: Set<string>;
	trace: TraceRecorder | null;
}

/**
 * Runs parsed programs under a budget. Every node evaluation passes through {@link evaluate},
 * which counts steps, checks the clock and the nesting depth, caps string sizes, guards dynamic
 * subscripts and implements the prompt filters and `include()` / `fewshot()`.
 */
export class GuardedInterpreter extends Interpreter implements FilterHost, BlockHost {
	private steps = 0;
	/** Current evaluation depth (compiled templates count it too). */
	depth = 0;
	private readonly started = Date.now();
	readonly loopFrames: LoopFrame[] = [];
	private readonly includeStack: string[] = [];
	private readonly includePrograms = new Map<string, Program>();
	readonly trace: TraceRecorder | null;
	readonly maxOutputChars: number;
	readonly maxDepth: number;

	constructor(
		readonly config: SessionConfig,
		globals: Environment
	) {
		super(globals);
		this.trace = config.trace;
		this.maxOutputChars = config.limits.maxOutputChars;
		this.maxDepth = config.limits.maxDepth;
		const self = this as unknown as {
			evaluateBlock: (statements: Statement[], env: Environment) => Value;
		};
		// The library's evaluateBlock, except that `{{ expression }}` prints Python's str() of the
		// value like Jinja2 (None, True, ['a'], {'k': 1}); statements print what they render.
		self.evaluateBlock = (statements, env) => {
			this.tick();
			let text = '';
			for (const statement of statements) {
				const value = this.evaluate(statement, env);
				if (!STATEMENTS.has((statement as unknown as Node).type)) text += pyStr(value);
				else if (value.type !== 'NullValue' && value.type !== 'UndefinedValue')
					text += value.toString();
			}
			const owner = blockOwners.get(statements);
			if (owner) blockDone(this, owner, text, env);
			return toValue(text);
		};
	}

	/** Counts one step (a node evaluation or a block run, e.g. a loop iteration) and checks the clock. */
	tick(): void {
		const { limits } = this.config;
		if (++this.steps > limits.maxSteps) throw limitError(`more than ${limits.maxSteps} steps`);
		if ((this.steps & 15) === 0 && Date.now() - this.started > limits.timeoutMs)
			throw limitError(`took longer than ${limits.timeoutMs} ms`);
	}

	override evaluate(
		statement: Parameters<Interpreter['evaluate']>[0],
		environment: Environment
	): Value {
		if (!statement) return super.evaluate(statement, environment);
		const node = statement as unknown as Node;
		if (node.type === PRECOMPUTED) return node.value as Value;
		this.tick();
		const { limits } = this.config;
		if (++this.depth > limits.maxDepth) {
			this.depth--;
			throw limitError(`nested deeper than ${limits.maxDepth} levels (recursive macro?)`);
		}
		try {
			let result: Value;
			switch (node.type) {
				case 'FilterExpression':
					result = this.evaluateFilter(node as FilterNode, environment);
					break;
				case 'CallExpression':
					result = this.evaluateCall(node as CallNode, statement, environment);
					break;
				case 'BinaryExpression':
					result = this.evaluateBinary(node, statement, environment);
					break;
				case 'MemberExpression':
					result = this.evaluateMember(node, statement, environment);
					break;
				case 'TestExpression':
					result =
						(node.test as Node).value === 'iterable'
							? this.evaluateIterableTest(node, environment)
							: super.evaluate(statement, environment);
					break;
				case 'For':
					this.loopFrames.push({ node: node as ForNode, chars: 0, iteration: 0 });
					try {
						result = super.evaluate(
							this.definedIterable(node as ForNode, environment),
							environment
						);
					} finally {
						this.loopFrames.pop();
					}
					break;
				case 'Identifier':
					result = super.evaluate(statement, environment);
					if (this.config.trace && this.config.contextNames.has(node.value as string))
						this.config.trace.variable(node.value as string, result);
					break;
				default:
					result = super.evaluate(statement, environment);
			}
			if (result.type === 'StringValue' && (result.value as string).length > limits.maxOutputChars)
				throw limitError(`a string is longer than ${limits.maxOutputChars} characters`);
			return result;
		} finally {
			this.depth--;
		}
	}

	/** Like Jinja2, looping over an undefined variable runs zero times instead of failing. */
	private definedIterable(node: ForNode, environment: Environment): Statement {
		if (node.iterable.type === 'SelectExpression') return node as unknown as Statement;
		const value = this.evaluate(node.iterable as Statement, environment);
		const iterable = precomputed(value.type === 'UndefinedValue' ? toValue([]) : value);
		return { ...node, iterable } as unknown as Statement;
	}

	args(args: Node[] | undefined, environment: Environment): Args {
		const self = this as unknown as { evaluateArguments(a: Node[], e: Environment): Args };
		return self.evaluateArguments(args ?? [], environment);
	}

	libraryFilter(operand: Value, filter: Node, environment: Environment): Value {
		const self = this as unknown as { applyFilter(o: Value, f: Node, e: Environment): Value };
		return self.applyFilter(operand, filter, environment);
	}

	/** The library's own evaluation of `node` (its children still pass through {@link evaluate}). */
	libraryEvaluate(node: Node, environment: Environment): Value {
		return super.evaluate(node as unknown as Statement, environment);
	}

	/** Binary operators: Jinja2's where it differs from the library (see {@link pyBinary}). */
	private evaluateBinary(node: Node, statement: Statement, environment: Environment): Value {
		const op = (node.operator as { value: string }).value;
		if (op !== '*' && op !== '==' && op !== '!=' && op !== '~' && op !== '+')
			return super.evaluate(statement, environment);
		const left = this.evaluate(node.left as Statement, environment);
		const right = this.evaluate(node.right as Statement, environment);
		return op === '*'
			? multiply(this, node, left, right, environment)
			: pyBinary(this, node, op, left, right, environment);
	}

	/**
	 * `obj[key]` with a key the value cannot have (a dict indexed by a number or by undefined, a
	 * list by undefined …) is undefined, as in Jinja2, instead of an error.
	 */
	private evaluateMember(node: Node, statement: Statement, environment: Environment): Value {
		const property = node.property as Node;
		if (!node.computed || property.type === 'SliceExpression')
			return super.evaluate(statement, environment);
		const object = this.evaluate(node.object as Statement, environment);
		const key = this.evaluate(property as Statement, environment);
		const mapping = object.type === 'ObjectValue' || object.type === 'NamespaceValue';
		const sequence =
			object.type === 'ArrayValue' || object.type === 'TupleValue' || object.type === 'StringValue';
		if (
			(mapping && key.type !== 'StringValue') ||
			(sequence && key.type !== 'StringValue' && key.type !== 'IntegerValue')
		)
			return toValue(undefined);
		const synthetic = { ...node, object: precomputed(object), property: precomputed(key) };
		return super.evaluate(synthetic as unknown as Statement, environment);
	}

	private evaluateIterableTest(node: Node, environment: Environment): Value {
		const operand = this.evaluate(node.operand as Statement, environment);
		return evaluateIterableTest(operand, node.negate === true);
	}

	private evaluateFilter(node: FilterNode, environment: Environment): Value {
		const operand = this.evaluate(node.operand as Statement, environment);
		return applyFilter(this, node, filterName(node.filter), operand, environment);
	}

	evaluateCall(node: CallNode, statement: Statement, environment: Environment): Value {
		if (isIdentifier(node.callee)) {
			if (node.callee.value === 'include') return this.evaluateInclude(node, environment);
			if (node.callee.value === 'fewshot') {
				const [args, kwargs] = this.args(node.args, environment);
				const set = findFewShotSet(this.config.fewShotSets, String(args[0]?.value));
				const str = (key: string) => {
					const v = kwargs.get(key);
					return v?.type === 'StringValue' ? (v.value as string) : undefined;
				};
				return toValue(
					fewShotText(set, {
						inputLabel: str('input_label'),
						outputLabel: str('output_label'),
						separator: str('separator')
					})
				);
			}
		}
		return super.evaluate(statement, environment);
	}

	private evaluateInclude(node: CallNode, environment: Environment): Value {
		const ref: IncludeRef = { name: String((node.args[0] as Node).value) };
		for (const arg of node.args.slice(1)) {
			const key = (arg.key as Node).value as 'version' | 'label';
			ref[key] = String((arg.value as Node).value);
		}
		const key = includeKey(ref);
		if (this.includeStack.includes(key))
			throw new TemplateError(
				'template_include',
				`include cycle: ${[...this.includeStack.slice(this.includeStack.indexOf(key)), key].join(' → ')}`
			);
		if (this.includeStack.length >= this.config.limits.maxIncludeDepth)
			throw limitError(`includes nested deeper than ${this.config.limits.maxIncludeDepth}`);
		const target = Object.hasOwn(this.config.includes, key) ? this.config.includes[key] : undefined;
		if (!target)
			throw new TemplateError(
				'not_found',
				`included prompt ${describeRef(ref)} was not resolved (resolve includes before rendering)`
			);
		let program = this.includePrograms.get(key);
		if (!program) {
			try {
				const { syntax, limits } = this.config;
				const options = {
					...syntax,
					maxTemplateChars: limits.maxTemplateChars,
					maxDepth: limits.maxDepth
				};
				program = prepareBlocks(parseTemplate(target.source, options).program);
			} catch (e) {
				throw inTemplate(e, `include ${key}`);
			}
			this.includePrograms.set(key, program);
		}
		this.config.trace?.include(key, ref, target.versionId);
		this.includeStack.push(key);
		try {
			return this.evaluate(program as unknown as Statement, childScope(environment));
		} catch (e) {
			throw inTemplate(e, `include ${key}`);
		} finally {
			this.includeStack.pop();
		}
	}
}

/** Jinja2's `iterable` test: strings, lists, dicts and undefined (which iterates as empty). */
export function evaluateIterableTest(operand: Value, negate: boolean): Value {
	const iterable = ITERABLE.has(operand.type);
	return toValue(negate ? !iterable : iterable);
}

/**
 * A binary operator on evaluated operands, where Jinja2 differs from the library: `==`/`!=`
 * compare like Python (lists and dicts by content, undefined is not none), `~` joins Python's
 * str() of both sides and `+` with a Markup string escapes the other string. Any other operator
 * is the library's.
 */
export function pyBinary(
	vm: GuardedInterpreter,
	node: Node,
	op: string,
	left: Value,
	right: Value,
	environment: Environment
): Value {
	if (op === '==' || op === '!=') return toValue(pyEquals(left, right) === (op === '=='));
	if (op === '~') return toValue(pyStr(left) + pyStr(right));
	if (
		op === '+' &&
		left.type === 'StringValue' &&
		right.type === 'StringValue' &&
		(isMarkup(left) || isMarkup(right))
	) {
		const side = (v: Value) => (isMarkup(v) ? (v.value as string) : escapeHtml(v.value as string));
		return markSafe(toValue(side(left) + side(right)));
	}
	const synthetic = { ...node, left: precomputed(left), right: precomputed(right) };
	return vm.libraryEvaluate(synthetic, environment);
}

/** `'ab' * 3` repeats strings like Python Jinja2, within the output limit. */
export function multiply(
	vm: GuardedInterpreter,
	node: Node,
	left: Value,
	right: Value,
	environment: Environment
): Value {
	const str = left.type === 'StringValue' ? left : right.type === 'StringValue' ? right : null;
	const count = str === left ? right : left;
	if (str && count.type === 'IntegerValue') {
		const n = Math.max(0, count.value as number);
		const size = (str.value as string).length * n;
		if (size > vm.maxOutputChars)
			throw limitError(`a string of ${size} characters is over ${vm.maxOutputChars}`);
		return toValue((str.value as string).repeat(n));
	}
	return vm.libraryEvaluate(
		{ ...node, left: precomputed(left), right: precomputed(right) },
		environment
	);
}
