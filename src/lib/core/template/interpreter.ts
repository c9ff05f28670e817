/** @module A guarded @huggingface/jinja interpreter: step, time, depth and size budgets, prompt filters, include(), fewshot() and tracing. */
import { Environment, Interpreter } from '@huggingface/jinja';
import {
	exprToSource,
	filterName,
	isCall,
	isFor,
	isIdentifier,
	isIf,
	isMember,
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
import type {
	FewShotSet,
	IncludeRef,
	RenderLimits,
	ResolvedIncludes,
	TemplateSyntaxOptions,
	TraceStep
} from './types';
import { isUnsafeName } from './validate';

type Statement = NonNullable<Parameters<Interpreter['evaluate']>[0]>;
/** A runtime value of the library (StringValue, ArrayValue, …). */
export type Value = ReturnType<Interpreter['evaluate']>;
type Args = [Value[], Map<string, Value>];

/** The library exports no value classes: build them through its public Environment.set(). */
const scratch = new Environment();
function toValue(js: unknown): Value {
	const v = scratch.set('v', js);
	scratch.variables.delete('v');
	return v;
}

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

/** Loop and branch bodies, and dynamic subscripts, of every prepared program (ASTs are never mutated). */
const blockOwners = new WeakMap<object, BlockOwner>();
const dynamicKeys = new WeakSet<object>();
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
	private readonly dynamicKeys = dynamicKeys;
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
		const evaluateBlock = self.evaluateBlock.bind(this);
		self.evaluateBlock = (statements, env) => {
			this.tick();
			const result = evaluateBlock(statements, env);
			const owner = this.blockOwners.get(statements);
			if (owner) this.onBlock(owner, result, env);
			return result;
		};
	}

	/** Registers a program's loops, branches and dynamic subscripts (once per program); call before running it. */
	prepare(program: Program): Program {
		if (prepared.has(program)) return program;
		prepared.add(program);
		walk(program as unknown as Node, (node) => {
			if (isFor(node)) this.blockOwners.set(node.body, { kind: 'for', node });
			else if (isIf(node)) {
				this.blockOwners.set(node.body, { kind: 'if', node, branch: 'then' });
				this.blockOwners.set(node.alternate, { kind: 'if', node, branch: 'else' });
			} else if (isMember(node) && node.computed) {
				const t = node.property.type;
				if (t !== 'StringLiteral' && t !== 'IntegerLiteral' && t !== 'SliceExpression')
					this.dynamicKeys.add(node.property);
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
					result =
						(node.operator as { value: string }).value === '*'
							? this.evaluateMultiply(node, environment)
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
			if (
				this.dynamicKeys.has(node) &&
				result.type === 'StringValue' &&
				isUnsafeName(result.value as string)
			)
				throw new TemplateError(
					'template_unsafe',
					`access to "${result.value as string}" is not allowed (dynamic key ${exprToSource(node)})`
				);
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
		const target = this.config.includes[key];
		if (!target)
			throw new TemplateError(
				'not_found',
				`included prompt ${describeRef(ref)} was not resolved (resolve includes before rendering)`
			);
		let program = this.includePrograms.get(key);
		if (!program) {
			try {
				program = this.prepare(parseTemplate(target.source, this.config.syntax).program);
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
	for (const token of ['bos_token', 'eos_token']) if (!(token in context)) env.set(token, '');
	return env;
}

/** Maps anything a render throws to a PromptloomError with a specific code. */
export function toTemplateError(e: unknown): unknown {
	if (e instanceof TemplateError) return e;
	if (e instanceof TemplateRaise)
		return new TemplateError('template_runtime', `raise_exception: ${e.message}`, { cause: e });
	if (e instanceof RangeError)
		return limitError(
			/call stack/i.test(e.message) ? 'nested too deeply' : `value too large (${e.message})`
		);
	if (e instanceof Error && e.name === 'PromptloomError') return e;
	return new TemplateError('template_runtime', e instanceof Error ? e.message : String(e), {
		cause: e
	});
}
