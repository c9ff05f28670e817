/** @module A guarded @huggingface/jinja interpreter: step, time, depth and size budgets, prompt filters, include(), fewshot() and tracing. */
import { Environment, Interpreter } from '@huggingface/jinja';
import {
	exprToSource,
	filterName,
	isCall,
	isFor,
	isIdentifier,
	isIf,
	walk,
	type CallNode,
	type FilterNode,
	type ForNode,
	type IfNode,
	type Node,
	type Program
} from './ast';
import { TemplateError, inTemplate, limitError } from './errors';
import { fewShotText, findFewShotSet } from './fewshot';
import { indentText, strftime, trimText, truncateTokens } from './filters';
import { describeRef, includeKey } from './includes';
import { parseTemplate } from './parse';
import { escapeHtml, isMarkup, markSafe, pyEquals, pyStr, type Value } from './pyvalues';
import type {
	FewShotSet,
	IncludeRef,
	RenderLimits,
	ResolvedIncludes,
	TemplateSyntaxOptions,
	TraceStep
} from './types';

type Statement = NonNullable<Parameters<Interpreter['evaluate']>[0]>;
export type { Value } from './pyvalues';
type Args = [Value[], Map<string, Value>];

/** The library exports no value classes: build them through its public Environment.set(). */
const scratch = new Environment();
function toValue(js: unknown): Value {
	const v = scratch.set('v', js);
	scratch.variables.delete('v');
	return v;
}

/** A list value holding `items`. */
function arrayOf(items: Value[]): Value {
	const list = toValue([]);
	for (const item of items) (list.value as Value[]).push(item);
	return list;
}

/** Node types that are statements; every other node in a block is an expression to print. */
const STATEMENTS = new Set([
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
function precomputed(value: Value): Node {
	return { type: PRECOMPUTED, value };
}

const PREVIEW_CHARS = 200;

/** A short printable form of a runtime value for the trace. */
export function preview(v: Value | string): string {
	const s = typeof v === 'string' ? v : v.type === 'StringValue' ? String(v.value) : v.toString();
	return s.length > PREVIEW_CHARS ? s.slice(0, PREVIEW_CHARS) + '…' : s;
}

/** Thrown by `raise_exception("…")` in a template. */
class TemplateRaise extends Error {}

export class TraceRecorder {
	readonly steps: TraceStep[] = [];
	truncated = false;
	private readonly seenVariables = new Set<string>();
	private readonly seenIncludes = new Set<string>();
	constructor(private readonly max = 1000) {}
	push(step: TraceStep): void {
		if (this.steps.length >= this.max) this.truncated = true;
		else this.steps.push(step);
	}
	variable(name: string, value: Value): void {
		if (this.seenVariables.has(name)) return;
		this.seenVariables.add(name);
		this.push({ kind: 'variable', name, preview: preview(value) });
	}
	include(key: string, ref: IncludeRef, versionId: string): void {
		if (this.seenIncludes.has(key)) return;
		this.seenIncludes.add(key);
		this.push({ kind: 'include', name: ref.name, ref, versionId });
	}
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

type BlockOwner =
	{ kind: 'for'; node: ForNode } | { kind: 'if'; node: IfNode; branch: 'then' | 'else' };

/** Loop and branch bodies of every prepared program (ASTs are never mutated). */
const blockOwners = new WeakMap<object, BlockOwner>();
const prepared = new WeakSet<Program>();

function bool(v: Value | undefined, fallback: boolean): boolean {
	return v === undefined ? fallback : Boolean(v.value);
}

/**
 * Runs parsed programs under a budget. Every node evaluation passes through {@link evaluate},
 * which counts steps, checks the clock and the nesting depth, caps string sizes, guards dynamic
 * subscripts and implements the prompt filters and `include()` / `fewshot()`.
 */
export class GuardedInterpreter extends Interpreter {
	private steps = 0;
	private depth = 0;
	private readonly started = Date.now();
	private readonly blockOwners = blockOwners;
	private readonly loopFrames: { node: ForNode; chars: number; iteration: number }[] = [];
	private readonly includeStack: string[] = [];
	private readonly includePrograms = new Map<string, Program>();

	constructor(
		private readonly config: SessionConfig,
		globals: Environment
	) {
		super(globals);
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
			const result = toValue(text);
			const owner = this.blockOwners.get(statements);
			if (owner) this.onBlock(owner, result, env);
			return result;
		};
	}

	/** Registers a program's loops and branches (once per program); call before running it. */
	prepare(program: Program): Program {
		if (prepared.has(program)) return program;
		prepared.add(program);
		walk(program as unknown as Node, (node) => {
			if (isFor(node)) this.blockOwners.set(node.body, { kind: 'for', node });
			else if (isIf(node)) {
				this.blockOwners.set(node.body, { kind: 'if', node, branch: 'then' });
				this.blockOwners.set(node.alternate, { kind: 'if', node, branch: 'else' });
			}
		});
		return program;
	}

	/** Renders a prepared program in a child scope of the globals (so `set` does not leak between messages). */
	renderProgram(program: Program): string {
		const result = this.evaluate(program as unknown as Statement, new Environment(this.global));
		return String(result.value);
	}

	private onBlock(owner: BlockOwner, result: Value, env: Environment): void {
		const text = String(result.value);
		if (owner.kind === 'for') {
			const frame = this.loopFrames.at(-1);
			if (frame && frame.node === owner.node) {
				frame.chars += text.length;
				if (frame.chars > this.config.limits.maxOutputChars)
					throw limitError(`output is longer than ${this.config.limits.maxOutputChars} characters`);
				frame.iteration++;
				if (this.config.trace && text !== '') {
					const vars =
						owner.node.loopvar.type === 'TupleLiteral'
							? (owner.node.loopvar.value as Node[])
							: [owner.node.loopvar];
					const item = vars
						.map((v) => (isIdentifier(v) ? preview(env.lookupVariable(v.value)) : ''))
						.join(', ');
					this.config.trace.push({
						kind: 'for',
						loop: `${exprToSource(owner.node.loopvar)} in ${exprToSource(owner.node.iterable)}`,
						iteration: frame.iteration,
						item,
						output: preview(text)
					});
				}
			}
		} else if (this.config.trace) {
			this.config.trace.push({
				kind: 'if',
				condition: exprToSource(owner.node.test),
				branch: owner.branch,
				output: preview(text)
			});
		}
	}

	/** Counts one step (a node evaluation or a block run, e.g. a loop iteration) and checks the clock. */
	private tick(): void {
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

	private args(args: Node[] | undefined, environment: Environment): Args {
		const self = this as unknown as { evaluateArguments(a: Node[], e: Environment): Args };
		return self.evaluateArguments(args ?? [], environment);
	}

	/**
	 * Binary operators where Jinja2 differs from the library: `==`/`!=` compare like Python (lists
	 * and dicts by content, undefined is not none), `~` joins Python's str() of both sides, `+`
	 * with a Markup string escapes the other string, and `*` repeats strings.
	 */
	private evaluateBinary(node: Node, statement: Statement, environment: Environment): Value {
		const op = (node.operator as { value: string }).value;
		if (op === '*') return this.evaluateMultiply(node, environment);
		if (op !== '==' && op !== '!=' && op !== '~' && op !== '+')
			return super.evaluate(statement, environment);
		const left = this.evaluate(node.left as Statement, environment);
		const right = this.evaluate(node.right as Statement, environment);
		if (op === '==' || op === '!=') return toValue(pyEquals(left, right) === (op === '=='));
		if (op === '~') return toValue(pyStr(left) + pyStr(right));
		if (
			left.type === 'StringValue' &&
			right.type === 'StringValue' &&
			(isMarkup(left) || isMarkup(right))
		) {
			const side = (v: Value) =>
				isMarkup(v) ? (v.value as string) : escapeHtml(v.value as string);
			return markSafe(toValue(side(left) + side(right)));
		}
		const synthetic = { ...node, left: precomputed(left), right: precomputed(right) };
		return super.evaluate(synthetic as unknown as Statement, environment);
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

	/** The items a filter iterates over, like Python: a list's items, a string's characters, a dict's keys. */
	private items(operand: Value, filter: string | undefined): Value[] {
		switch (operand.type) {
			case 'ArrayValue':
			case 'TupleValue':
				return operand.value as Value[];
			case 'StringValue':
				return Array.from(operand.value as string, (c) => toValue(c));
			case 'ObjectValue':
				return [...(operand.value as Map<string, Value>).keys()].map((k) => toValue(k));
			default:
				throw new Error(`Cannot apply filter "${filter}" to type: ${operand.type}`);
		}
	}

	/** Jinja2's `iterable` test: strings, lists, dicts and undefined (which iterates as empty). */
	private evaluateIterableTest(node: Node, environment: Environment): Value {
		const operand = this.evaluate(node.operand as Statement, environment);
		const iterable = ITERABLE.has(operand.type);
		return toValue(node.negate ? !iterable : iterable);
	}

	/** `'ab' * 3` repeats strings like Python Jinja2, within the output limit. */
	private evaluateMultiply(node: Node, environment: Environment): Value {
		const left = this.evaluate(node.left as Statement, environment);
		const right = this.evaluate(node.right as Statement, environment);
		const str = left.type === 'StringValue' ? left : right.type === 'StringValue' ? right : null;
		const count = str === left ? right : left;
		if (str && count.type === 'IntegerValue') {
			const n = Math.max(0, count.value as number);
			const size = (str.value as string).length * n;
			if (size > this.config.limits.maxOutputChars)
				throw limitError(
					`a string of ${size} characters is over ${this.config.limits.maxOutputChars}`
				);
			return toValue((str.value as string).repeat(n));
		}
		const synthetic = { ...node, left: precomputed(left), right: precomputed(right) };
		return super.evaluate(synthetic as unknown as Statement, environment);
	}

	private evaluateFilter(node: FilterNode, environment: Environment): Value {
		const name = filterName(node.filter);
		const operand = this.evaluate(node.operand as Statement, environment);
		const callArgs = isCall(node.filter) ? node.filter.args : [];
		let result: Value;
		const text = () =>
			operand.type === 'StringValue' ? (operand.value as string) : operand.toString();
		switch (name) {
			case 'truncate_tokens': {
				const [args, kwargs] = this.args(callArgs, environment);
				const n = args[0] ?? kwargs.get('n');
				if (!n || n.type !== 'IntegerValue')
					throw new Error('truncate_tokens(n) needs a whole number n');
				result = toValue(truncateTokens(text(), n.value as number));
				break;
			}
			case 'indent': {
				const [args, kwargs] = this.args(callArgs, environment);
				const width = args[0] ?? kwargs.get('width');
				const w = width === undefined ? 4 : width.value;
				if (typeof w !== 'number' && typeof w !== 'string')
					throw new Error('indent width must be a number or a string');
				result = toValue(
					indentText(
						text(),
						w,
						bool(args[1] ?? kwargs.get('first'), false),
						bool(args[2] ?? kwargs.get('blank'), false),
						10_000
					)
				);
				break;
			}
			case 'attr': {
				// Jinja2's attr() reads attributes, never items: a namespace's fields and the Jinja
				// methods of a value (its builtins table). Both are Maps, so only their own entries.
				const [args, kwargs] = this.args(callArgs, environment);
				const n = args[0] ?? kwargs.get('name');
				const key = n?.type === 'StringValue' ? (n.value as string) : undefined;
				const found =
					key === undefined
						? undefined
						: operand.type === 'NamespaceValue'
							? (operand.value as Map<string, Value>).get(key)
							: operand.builtins.get(key);
				result = found ?? toValue(undefined);
				break;
			}
			case 'safe':
				result = markSafe(toValue(pyStr(operand)));
				break;
			case 'escape':
			case 'e':
				result = isMarkup(operand) ? operand : markSafe(toValue(escapeHtml(pyStr(operand))));
				break;
			case 'forceescape':
				result = markSafe(toValue(escapeHtml(pyStr(operand))));
				break;
			case 'string':
				result = operand.type === 'StringValue' ? operand : toValue(pyStr(operand));
				break;
			case 'join': {
				const [args, kwargs] = this.args(callArgs, environment);
				const separator = args[0] ?? kwargs.get('d');
				const items = this.items(operand, name);
				result = toValue(items.map(pyStr).join(separator ? pyStr(separator) : ''));
				break;
			}
			case 'select':
			case 'reject': {
				// Jinja2's select(test, *args) / reject(…): keep the items that pass (or fail) a test,
				// or that are truthy when no test is named.
				const [[testName, ...testArgs]] = this.args(callArgs, environment);
				const test = testName && environment.tests.get(pyStr(testName));
				if (testName && !test) throw new Error(`Unknown test: ${pyStr(testName)}`);
				const keep = name === 'select';
				result = arrayOf(
					this.items(operand, name).filter(
						(item) => (test ? test(item, ...testArgs) : item.__bool__().value) === keep
					)
				);
				break;
			}
			case 'trim': {
				const [args, kwargs] = this.args(callArgs, environment);
				const chars = args[0] ?? kwargs.get('chars');
				result = toValue(
					trimText(text(), chars?.type === 'StringValue' ? (chars.value as string) : undefined)
				);
				break;
			}
			default: {
				// `json` is our name for Jinja's `tojson`; everything else is a library filter.
				let filter = node.filter;
				if (name === 'json')
					filter = isCall(filter)
						? { ...filter, callee: { type: 'Identifier', value: 'tojson' } }
						: { type: 'Identifier', value: 'tojson' };
				const synthetic = { type: 'FilterExpression', operand: precomputed(operand), filter };
				result = super.evaluate(synthetic as unknown as Statement, environment);
			}
		}
		if (this.config.trace)
			this.config.trace.push({
				kind: 'filter',
				filter: name ?? exprToSource(node.filter),
				args: callArgs.map((a) => exprToSource(a)),
				input: preview(operand),
				output: preview(result)
			});
		return result;
	}

	private evaluateCall(node: CallNode, statement: Statement, environment: Environment): Value {
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
				program = this.prepare(parseTemplate(target.source, options).program);
			} catch (e) {
				throw inTemplate(e, `include ${key}`);
			}
			this.includePrograms.set(key, program);
		}
		this.config.trace?.include(key, ref, target.versionId);
		this.includeStack.push(key);
		try {
			return this.evaluate(program as unknown as Statement, new Environment(environment));
		} catch (e) {
			throw inTemplate(e, `include ${key}`);
		} finally {
			this.includeStack.pop();
		}
	}
}

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

/** The global scope of a render: Jinja constants, the chat-template globals and the variables. */
export function createGlobals(
	config: SessionConfig,
	context: Record<string, unknown>
): Environment {
	const env = new Environment();
	const constants: [string, unknown][] = [
		['true', true],
		['false', false],
		['none', null],
		['True', true],
		['False', false],
		['None', null]
	];
	for (const [k, v] of constants) env.set(k, v);
	env.set('raise_exception', (message: unknown) => {
		throw new TemplateRaise(String(message ?? ''));
	});
	env.set('range', (...args: unknown[]) => boundedRange(args, config.limits.maxIterations));
	env.set('strftime_now', (format: unknown) => strftime(config.now, String(format ?? '')));
	for (const [k, v] of Object.entries(context)) env.set(k, v);
	for (const token of ['bos_token', 'eos_token'])
		if (!Object.hasOwn(context, token)) env.set(token, '');
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
