/**
 * @module Checks of a parsed template beyond syntax: `include()` and `fewshot()` calls.
 *
 * There is no list of forbidden names here. Templates cannot reach JavaScript because of what the
 * interpreter holds, not because of what a template may say: variables are copied into plain data
 * (./context), the interpreter keeps them as its own values (objects as Maps, lists as arrays of
 * values), and member access, subscripts, `attr` and attribute paths read only the entries of those
 * values or the library's fixed table of Jinja methods, never a JavaScript property. So names such
 * as `arguments`, `constructor` or `__proto__` are ordinary keys (`tool_call.function.arguments`)
 * or undefined. safety.test.ts holds the escape attempts this has to stop.
 */
import {
	isCall,
	isIdentifier,
	isKeywordArg,
	isStringLiteral,
	walk,
	type Node,
	type Program
} from './ast';
import { TemplateError } from './errors';
import type { IncludeRef } from './types';

type Locate = (name: string) => { line?: number; column?: number };

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
 * Walks the whole AST once and collects and checks the `include()` and `fewshot()` calls, whose
 * arguments must be literals (they are resolved before rendering).
 */
export function validateProgram(
	program: Program,
	locate: Locate
): { includes: IncludeRef[]; fewShotNames: string[] } {
	const includes: IncludeRef[] = [];
	const fewShotNames: string[] = [];
	walk(program as unknown as Node, (node) => {
		if (isCall(node) && isIdentifier(node.callee)) {
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
