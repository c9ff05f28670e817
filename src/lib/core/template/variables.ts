/** @module Variable detection from the AST: names, inferred kinds, defaults and required/optional, for the generated form. */
import {
	children,
	filterName,
	isBinary,
	isCall,
	isFilter,
	isFor,
	isIdentifier,
	isIf,
	isKeywordArg,
	isMacro,
	isMember,
	isSet,
	isTest,
	literalValue,
	walk,
	type Node,
	type Program
} from './ast';
import { RESERVED_NAMES } from './context';
import { parseTemplate } from './parse';
import type { TemplateSyntaxOptions, TemplateVariable, VariableKind } from './types';

interface Info {
	kinds: Set<VariableKind>;
	optional: boolean;
	default?: { value: unknown };
	fields: string[];
}

const STRING_METHODS = new Set([
	'upper',
	'lower',
	'strip',
	'lstrip',
	'rstrip',
	'title',
	'capitalize',
	'split',
	'startswith',
	'endswith',
	'replace'
]);
const MAPPING_METHODS = new Set(['items', 'keys', 'values', 'get', 'dictsort']);
const LIST_FILTERS = new Set([
	'join',
	'first',
	'last',
	'map',
	'selectattr',
	'rejectattr',
	'sort',
	'unique',
	'sum',
	'reverse',
	'batch'
]);
const OBJECT_FILTERS = new Set(['items', 'dictsort']);
const ARITHMETIC = new Set(['-', '*', '/', '//', '%', '**']);
const COMPARISON = new Set(['<', '>', '<=', '>=']);
const GUARD_TESTS = new Set(['defined', 'undefined', 'none']);
/** Variables chat templates read that the model configuration usually supplies. */
const OPTIONAL_TOKENS = new Set(['bos_token', 'eos_token']);

function kindOf(value: unknown): VariableKind {
	if (typeof value === 'number') return 'number';
	if (Array.isArray(value)) return 'list';
	if (value !== null && typeof value === 'object') return 'object';
	return 'text';
}

function isNumberLiteral(n: Node): boolean {
	return n.type === 'IntegerLiteral' || n.type === 'FloatLiteral';
}

/** Names a macro or call block binds for its body. */
function parameterNames(params: Node[]): string[] {
	return params
		.map((p) => (isKeywordArg(p) ? p.key.value : isIdentifier(p) ? p.value : ''))
		.filter(Boolean);
}

/** Names an assignment target or loop variable binds. */
function targetNames(target: Node): string[] {
	if (isIdentifier(target)) return [target.value];
	if (target.type === 'TupleLiteral') return (target.value as Node[]).flatMap(targetNames);
	return [];
}

/** Child nodes that are values (not attribute names, filter or test names, or keyword names). */
function valueChildren(node: Node): Node[] {
	if (isMember(node)) return node.computed ? [node.object, node.property] : [node.object];
	if (isFilter(node) || node.type === 'FilterStatement') {
		const filter = node.filter as Node;
		const args = isCall(filter) ? filter.args : [];
		return isFilter(node) ? [node.operand, ...args] : [...args, ...(node.body as Node[])];
	}
	if (isTest(node)) return [node.operand];
	if (isKeywordArg(node)) return [node.value];
	return children(node);
}

/**
 * The variables one or more parsed programs read from their context, in order of first use.
 * Loop variables, `set` names, macros and their parameters, and built-ins are left out.
 */
export function analyzeVariables(programs: readonly Program[]): TemplateVariable[] {
	const cached = programs.length > 0 ? analysisCache.get(programs[0]) : undefined;
	if (
		cached &&
		cached.programs.length === programs.length &&
		cached.programs.every((p, i) => p === programs[i])
	)
		return cached.result.map((v) => ({ ...v, ...(v.fields ? { fields: [...v.fields] } : {}) }));
	const result = analyze(programs);
	if (programs.length > 0) analysisCache.set(programs[0], { programs: [...programs], result });
	return result.map((v) => ({ ...v, ...(v.fields ? { fields: [...v.fields] } : {}) }));
}

/** Last analysis per first program (parsed programs are cached and never mutated). */
const analysisCache = new WeakMap<Program, { programs: Program[]; result: TemplateVariable[] }>();

function analyze(programs: readonly Program[]): TemplateVariable[] {
	const infos = new Map<string, Info>();
	const assigned = new Set<string>();
	for (const program of programs)
		walk(program as unknown as Node, (node) => {
			if (isSet(node)) targetNames(node.assignee).forEach((n) => assigned.add(n));
			else if (isMacro(node)) assigned.add(node.name.value);
		});

	const info = (name: string): Info => {
		let i = infos.get(name);
		if (!i) infos.set(name, (i = { kinds: new Set(), optional: false, fields: [] }));
		return i;
	};
	/** The free variable an expression is rooted at, if it is a bare name. */
	const root = (n: Node | undefined, bound: Set<string>): string | undefined =>
		n &&
		isIdentifier(n) &&
		!bound.has(n.value) &&
		!assigned.has(n.value) &&
		!RESERVED_NAMES.has(n.value)
			? n.value
			: undefined;
	const hint = (n: Node | undefined, bound: Set<string>, kind: VariableKind) => {
		const name = root(n, bound);
		if (name) info(name).kinds.add(kind);
	};
	/** Marks variables tested for existence or truthiness (`if x`, `x is defined`, `x or y`). */
	const guard = (n: Node | undefined, bound: Set<string>) => {
		if (!n) return;
		const name = root(n, bound);
		if (name) info(name).optional = true;
		else if (n.type === 'UnaryExpression') guard(n.argument as Node, bound);
		else if (isBinary(n) && (n.operator.value === 'and' || n.operator.value === 'or')) {
			guard(n.left, bound);
			guard(n.right, bound);
		} else if (isTest(n) && GUARD_TESTS.has(n.test.value)) guard(n.operand, bound);
	};

	const visit = (node: Node, bound: Set<string>): void => {
		if (isIdentifier(node)) {
			if (root(node, bound)) info(node.value);
			return;
		}
		let inner = bound;
		if (isFor(node)) {
			hint(node.iterable, bound, 'list');
			visit(node.iterable, bound);
			inner = new Set([...bound, ...targetNames(node.loopvar), 'loop']);
			node.body.forEach((s) => visit(s, inner));
			node.defaultBlock.forEach((s) => visit(s, bound));
			return;
		}
		if (isMacro(node) || node.type === 'CallStatement') {
			const params = (
				isMacro(node) ? node.args : ((node.callerArgs as Node[] | null) ?? [])
			) as Node[];
			inner = new Set([...bound, ...parameterNames(params), 'varargs', 'kwargs', 'caller']);
			if (node.type === 'CallStatement') visit(node.call as Node, bound);
			for (const p of params) if (isKeywordArg(p)) visit(p.value, inner);
			(node.body as Node[]).forEach((s) => visit(s, inner));
			return;
		}
		if (isIf(node)) guard(node.test, bound);
		else if (node.type === 'Ternary') guard(node.condition as Node, bound);
		else if (isTest(node) && GUARD_TESTS.has(node.test.value)) guard(node.operand, bound);
		else if (isMember(node)) {
			const prop = node.property;
			const name = root(node.object, bound);
			if (name) {
				if (!node.computed && isIdentifier(prop)) {
					if (STRING_METHODS.has(prop.value)) info(name).kinds.add('text');
					else if (MAPPING_METHODS.has(prop.value)) info(name).kinds.add('object');
					else if (prop.value !== 'length') {
						info(name).kinds.add('object');
						if (!info(name).fields.includes(prop.value)) info(name).fields.push(prop.value);
					}
				} else if (prop.type === 'IntegerLiteral') info(name).kinds.add('list');
				else if (prop.type === 'StringLiteral') {
					info(name).kinds.add('object');
					if (!info(name).fields.includes(prop.value as string))
						info(name).fields.push(prop.value as string);
				}
			}
		} else if (isFilter(node)) {
			const fname = filterName(node.filter);
			const name = root(node.operand, bound);
			if (name && fname === 'default') {
				const i = info(name);
				i.optional = true;
				const arg = isCall(node.filter) ? node.filter.args[0] : undefined;
				const lit = arg ? literalValue(arg) : { ok: true as const, value: '' };
				if (lit.ok && !i.default) {
					i.default = { value: lit.value };
					if (lit.value !== '' && lit.value !== null) i.kinds.add(kindOf(lit.value));
				}
			} else if (name && fname && LIST_FILTERS.has(fname)) info(name).kinds.add('list');
			else if (name && fname && OBJECT_FILTERS.has(fname)) info(name).kinds.add('object');
		} else if (isBinary(node)) {
			const op = node.operator.value;
			if (
				ARITHMETIC.has(op) ||
				((op === '+' || COMPARISON.has(op)) &&
					(isNumberLiteral(node.left) || isNumberLiteral(node.right)))
			) {
				hint(node.left, bound, 'number');
				hint(node.right, bound, 'number');
			} else if (op === '~') {
				hint(node.left, bound, 'text');
				hint(node.right, bound, 'text');
			} else if (op === 'in' || op === 'not in') hint(node.right, bound, 'list');
			else if (op === 'or') guard(node.left, bound);
		}
		for (const child of valueChildren(node)) visit(child, inner);
	};
	for (const program of programs) visit(program as unknown as Node, new Set());

	const result: TemplateVariable[] = [];
	for (const [name, i] of infos) {
		if (assigned.has(name)) continue;
		const kind: VariableKind = i.kinds.has('list')
			? 'list'
			: i.kinds.has('object')
				? 'object'
				: i.kinds.has('number')
					? 'number'
					: 'text';
		const v: TemplateVariable = { name, kind, required: !i.optional && !OPTIONAL_TOKENS.has(name) };
		if (i.default) v.default = i.default.value;
		else if (OPTIONAL_TOKENS.has(name)) v.default = '';
		if (kind === 'object' && i.fields.length > 0) v.fields = i.fields;
		result.push(v);
	}
	return result;
}

/**
 * The variables a template (or each template of a chat prompt) reads, for the generated form.
 * Throws like {@link parseTemplate} when a template does not parse.
 */
export function extractVariables(
	sources: string | readonly string[],
	options: TemplateSyntaxOptions = {}
): TemplateVariable[] {
	const list = typeof sources === 'string' ? [sources] : sources;
	return analyzeVariables(list.map((s) => parseTemplate(s, options).program));
}
