/** @module Safety validation of a parsed template: rejects names that reach JavaScript internals, checks include()/fewshot() calls. */
import {
	filterName,
	isCall,
	isFilter,
	isIdentifier,
	isKeywordArg,
	isMember,
	isStringLiteral,
	walk,
	exprToSource,
	type Node,
	type Program
} from './ast';
import { TemplateError } from './errors';
import type { IncludeRef } from './types';

/** JavaScript internals no template may name, as an attribute, key or variable. */
const UNSAFE_NAMES = new Set([
	'constructor',
	'prototype',
	'__proto__',
	'caller',
	'callee',
	'arguments',
	'valueOf',
	'toString',
	'toLocaleString',
	'hasOwnProperty',
	'isPrototypeOf',
	'propertyIsEnumerable',
	'__defineGetter__',
	'__defineSetter__',
	'__lookupGetter__',
	'__lookupSetter__'
]);

/** Filters whose string arguments are attribute paths (`map(attribute="a.b")`). */
const ATTRIBUTE_FILTERS = new Set([
	'map',
	'selectattr',
	'rejectattr',
	'sort',
	'groupby',
	'sum',
	'unique'
]);

/** True for names that would reach JavaScript internals: `constructor`, `__proto__`, any `__dunder`. */
export function isUnsafeName(name: string): boolean {
	return UNSAFE_NAMES.has(name) || name.startsWith('__');
}

type Locate = (name: string) => { line?: number; column?: number };

function unsafe(message: string, locate: Locate, name: string): TemplateError {
	const pos = locate(name);
	const where = pos.line === undefined ? '' : `line ${pos.line}, column ${pos.column}: `;
	return new TemplateError('template_unsafe', `${where}${message}`, pos);
}

function syntax(message: string, locate: Locate, name: string): TemplateError {
	const pos = locate(name);
	const where = pos.line === undefined ? '' : `line ${pos.line}, column ${pos.column}: `;
	return new TemplateError('template_syntax', `${where}${message}`, pos);
}

function literalString(node: Node | undefined): string | undefined {
	return node && isStringLiteral(node) ? node.value : undefined;
}

function readIncludeRef(call: Node & { args: Node[] }, locate: Locate): IncludeRef {
	const [first, ...rest] = call.args;
	const name = literalString(first);
	if (name === undefined || name === '')
		throw syntax('include() takes the prompt name as a quoted string first', locate, 'include');
	const ref: IncludeRef = { name };
	for (const arg of rest) {
		if (!isKeywordArg(arg) || (arg.key.value !== 'version' && arg.key.value !== 'label'))
			throw syntax(
				`include("${name}") accepts only version="…" or label="…" after the name`,
				locate,
				'include'
			);
		const value = literalString(arg.value);
		if (!value)
			throw syntax(
				`include("${name}"): ${arg.key.value} must be a quoted string`,
				locate,
				'include'
			);
		ref[arg.key.value] = value;
	}
	if (ref.version && ref.label)
		throw syntax(`include("${name}"): give a version or a label, not both`, locate, 'include');
	return ref;
}

/**
 * Walks the whole AST once. Throws `template_unsafe` for attribute access, subscripts with a literal
 * key, object keys, variables or `attr`-style filters that name JavaScript internals (constructor,
 * prototype, __proto__, dunder names). Dynamic subscripts (`obj[name]`) are checked at render time.
 * Also collects and checks `include()` and `fewshot()` calls, whose arguments must be literals.
 */
export function validateProgram(
	program: Program,
	locate: Locate
): { includes: IncludeRef[]; fewShotNames: string[] } {
	const includes: IncludeRef[] = [];
	const fewShotNames: string[] = [];
	walk(program as unknown as Node, (node) => {
		if (isMember(node)) {
			const prop = node.property;
			const name = !node.computed && isIdentifier(prop) ? prop.value : literalString(prop);
			if (name !== undefined && isUnsafeName(name))
				throw unsafe(`access to "${name}" is not allowed (${exprToSource(node)})`, locate, name);
		} else if (isIdentifier(node)) {
			if (isUnsafeName(node.value) && node.value !== 'caller')
				throw unsafe(`the name "${node.value}" is not allowed`, locate, node.value);
		} else if (node.type === 'ObjectLiteral') {
			for (const key of (node.value as Map<Node, Node>).keys()) {
				const name = literalString(key);
				if (name !== undefined && isUnsafeName(name))
					throw unsafe(`the key "${name}" is not allowed`, locate, name);
			}
		} else if (isFilter(node) || node.type === 'FilterStatement') {
			const filter = node.filter as Node;
			const name = filterName(filter);
			if (name === 'attr')
				throw unsafe(
					'the attr filter is not allowed: use item.name or item["name"]',
					locate,
					'attr'
				);
			if (name && ATTRIBUTE_FILTERS.has(name) && isCall(filter)) {
				for (const arg of filter.args) {
					const path = literalString(isKeywordArg(arg) ? arg.value : arg);
					const bad = path?.split('.').find(isUnsafeName);
					if (bad)
						throw unsafe(`the attribute "${bad}" is not allowed in ${name}()`, locate, path!);
				}
			}
		} else if (isCall(node) && isIdentifier(node.callee)) {
			if (node.callee.value === 'include') includes.push(readIncludeRef(node, locate));
			else if (node.callee.value === 'fewshot') {
				const name = literalString(node.args[0]);
				if (!name)
					throw syntax('fewshot() takes the set name as a quoted string', locate, 'fewshot');
				fewShotNames.push(name);
			}
		}
	});
	return { includes, fewShotNames };
}
