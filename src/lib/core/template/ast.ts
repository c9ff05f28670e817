/** @module Typed view of @huggingface/jinja's AST (the package does not export its node classes). */
import type { parse } from '@huggingface/jinja';

/** The root node `parse()` returns. */
export type Program = ReturnType<typeof parse>;

/** Any AST node: every node has a `type` string and node-specific fields. */
export interface Node {
	type: string;
	[field: string]: unknown;
}

export interface IdentifierNode extends Node {
	type: 'Identifier';
	value: string;
}
export interface StringLiteralNode extends Node {
	type: 'StringLiteral';
	value: string;
}
export interface MemberNode extends Node {
	type: 'MemberExpression';
	object: Node;
	property: Node;
	computed: boolean;
}
export interface CallNode extends Node {
	type: 'CallExpression';
	callee: Node;
	args: Node[];
}
export interface FilterNode extends Node {
	type: 'FilterExpression';
	operand: Node;
	filter: Node;
}
export interface ForNode extends Node {
	type: 'For';
	loopvar: Node;
	iterable: Node;
	body: Node[];
	defaultBlock: Node[];
}
export interface IfNode extends Node {
	type: 'If';
	test: Node;
	body: Node[];
	alternate: Node[];
}
export interface SetNode extends Node {
	type: 'Set';
	assignee: Node;
	value: Node | null;
	body: Node[];
}
export interface MacroNode extends Node {
	type: 'Macro';
	name: IdentifierNode;
	args: Node[];
	body: Node[];
}
export interface KeywordArgNode extends Node {
	type: 'KeywordArgumentExpression';
	key: IdentifierNode;
	value: Node;
}
export interface BinaryNode extends Node {
	type: 'BinaryExpression';
	operator: { value: string };
	left: Node;
	right: Node;
}
export interface TestNode extends Node {
	type: 'TestExpression';
	operand: Node;
	negate: boolean;
	test: IdentifierNode;
}

export function isNode(v: unknown): v is Node {
	return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}

export const isIdentifier = (n: Node): n is IdentifierNode => n.type === 'Identifier';
export const isStringLiteral = (n: Node): n is StringLiteralNode => n.type === 'StringLiteral';
export const isMember = (n: Node): n is MemberNode => n.type === 'MemberExpression';
export const isCall = (n: Node): n is CallNode => n.type === 'CallExpression';
export const isFilter = (n: Node): n is FilterNode => n.type === 'FilterExpression';
export const isFor = (n: Node): n is ForNode => n.type === 'For';
export const isIf = (n: Node): n is IfNode => n.type === 'If';
export const isSet = (n: Node): n is SetNode => n.type === 'Set';
export const isMacro = (n: Node): n is MacroNode => n.type === 'Macro';
export const isKeywordArg = (n: Node): n is KeywordArgNode =>
	n.type === 'KeywordArgumentExpression';
export const isBinary = (n: Node): n is BinaryNode => n.type === 'BinaryExpression';
export const isTest = (n: Node): n is TestNode => n.type === 'TestExpression';

/** The direct child nodes of a node, in source order. */
export function children(node: Node): Node[] {
	const out: Node[] = [];
	for (const key of Object.keys(node)) {
		if (key === 'type' || key === 'operator') continue;
		const v = node[key];
		if (Array.isArray(v)) {
			for (const item of v) if (isNode(item)) out.push(item);
		} else if (v instanceof Map) {
			for (const [k, val] of v) {
				if (isNode(k)) out.push(k);
				if (isNode(val)) out.push(val);
			}
		} else if (isNode(v)) {
			out.push(v);
		}
	}
	return out;
}

/** Visits every node depth-first, parents before children. */
export function walk(root: Node, visit: (node: Node, parent: Node | null) => void): void {
	const stack: [Node, Node | null][] = [[root, null]];
	while (stack.length > 0) {
		const [node, parent] = stack.pop()!;
		visit(node, parent);
		const kids = children(node);
		for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i], node]);
	}
}

/** The name of a filter node's filter (`x | name` or `x | name(args)`). */
export function filterName(filter: Node): string | undefined {
	if (isIdentifier(filter)) return filter.value;
	if (isCall(filter) && isIdentifier(filter.callee)) return filter.callee.value;
	return undefined;
}

/** Reads a literal expression (strings, numbers, booleans, none, lists, dicts) as plain data. */
export function literalValue(node: Node): { ok: true; value: unknown } | { ok: false } {
	switch (node.type) {
		case 'StringLiteral':
		case 'IntegerLiteral':
		case 'FloatLiteral':
			return { ok: true, value: node.value };
		case 'Identifier': {
			const v = (node as IdentifierNode).value;
			if (v === 'true' || v === 'True') return { ok: true, value: true };
			if (v === 'false' || v === 'False') return { ok: true, value: false };
			if (v === 'none' || v === 'None') return { ok: true, value: null };
			return { ok: false };
		}
		case 'ArrayLiteral':
		case 'TupleLiteral': {
			const items: unknown[] = [];
			for (const item of node.value as Node[]) {
				const lit = literalValue(item);
				if (!lit.ok) return lit;
				items.push(lit.value);
			}
			return { ok: true, value: items };
		}
		case 'ObjectLiteral': {
			const obj: Record<string, unknown> = {};
			for (const [k, v] of node.value as Map<Node, Node>) {
				const key = literalValue(k);
				const val = literalValue(v);
				if (!key.ok || !val.ok || typeof key.value !== 'string') return { ok: false };
				Object.defineProperty(obj, key.value, {
					value: val.value,
					enumerable: true,
					writable: true
				});
			}
			return { ok: true, value: obj };
		}
		case 'UnaryExpression': {
			const arg = literalValue(node.argument as Node);
			const op = (node.operator as { value: string }).value;
			if (arg.ok && typeof arg.value === 'number' && (op === '-' || op === '+'))
				return { ok: true, value: op === '-' ? -arg.value : arg.value };
			return { ok: false };
		}
		default:
			return { ok: false };
	}
}

/** A short Jinja-like rendering of an expression, for trace labels and error messages. */
export function exprToSource(node: Node | null | undefined, depth = 0): string {
	if (!node) return '';
	if (depth > 12) return '…';
	const s = (n: unknown) => exprToSource(n as Node, depth + 1);
	switch (node.type) {
		case 'Identifier':
		case 'IntegerLiteral':
		case 'FloatLiteral':
			return String(node.value);
		case 'StringLiteral':
			return JSON.stringify(node.value);
		case 'MemberExpression': {
			const m = node as MemberNode;
			return m.computed ? `${s(m.object)}[${s(m.property)}]` : `${s(m.object)}.${s(m.property)}`;
		}
		case 'CallExpression': {
			const c = node as CallNode;
			return `${s(c.callee)}(${c.args.map(s).join(', ')})`;
		}
		case 'KeywordArgumentExpression':
			return `${s(node.key)}=${s(node.value)}`;
		case 'FilterExpression':
			return `${s(node.operand)} | ${s(node.filter)}`;
		case 'TestExpression': {
			const t = node as TestNode;
			return `${s(t.operand)} is ${t.negate ? 'not ' : ''}${t.test.value}`;
		}
		case 'BinaryExpression': {
			const b = node as BinaryNode;
			return `${s(b.left)} ${b.operator.value} ${s(b.right)}`;
		}
		case 'UnaryExpression': {
			const op = (node.operator as { value: string }).value;
			return `${op}${op === 'not' ? ' ' : ''}${s(node.argument)}`;
		}
		case 'ArrayLiteral':
			return `[${(node.value as Node[]).map(s).join(', ')}]`;
		case 'TupleLiteral':
			return `(${(node.value as Node[]).map(s).join(', ')})`;
		case 'ObjectLiteral':
			return `{${[...(node.value as Map<Node, Node>)].map(([k, v]) => `${s(k)}: ${s(v)}`).join(', ')}}`;
		case 'Ternary':
			return `${s(node.trueExpr)} if ${s(node.condition)} else ${s(node.falseExpr)}`;
		case 'SelectExpression':
			return `${s(node.lhs)} if ${s(node.test)}`;
		case 'SliceExpression':
			return `${s(node.start)}:${s(node.stop)}${node.step ? ':' + s(node.step) : ''}`;
		case 'SpreadExpression':
			return `*${s(node.argument)}`;
		case 'KeywordSpreadExpression':
			return `**${s(node.argument)}`;
		default:
			return node.type;
	}
}
