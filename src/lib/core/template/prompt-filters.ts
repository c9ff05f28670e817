/** @module The filters where Promptloom differs from @huggingface/jinja (prompt filters and Jinja2's behaviour), shared by the interpreter and the compiled templates. */
import type { Environment } from '@huggingface/jinja';
import { exprToSource, isCall, type FilterNode, type Node } from './ast';
import { indentText, trimText, truncateTokens } from './filters';
import { escapeHtml, isMarkup, markSafe, pyStr, type Value } from './pyvalues';
import { preview, type TraceRecorder } from './trace';
import { arrayOf, toValue } from './values';

export type Args = [Value[], Map<string, Value>];

/** What a filter needs of the interpreter running it. */
export interface FilterHost {
	readonly trace: TraceRecorder | null;
	/** Evaluates call arguments (positional and keyword). */
	args(args: Node[] | undefined, environment: Environment): Args;
	/** The library's own filter `filter` applied to `operand`. */
	libraryFilter(operand: Value, filter: Node, environment: Environment): Value;
}

function bool(v: Value | undefined, fallback: boolean): boolean {
	return v === undefined ? fallback : Boolean(v.value);
}

/** The items a filter iterates over, like Python: a list's items, a string's characters, a dict's keys. */
function items(operand: Value, filter: string | undefined): Value[] {
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

/** `json` is our name for Jinja's `tojson`: the filter node the library should run instead. */
export function libraryFilterNode(filter: Node, name: string | undefined): Node {
	if (name !== 'json') return filter;
	return isCall(filter)
		? ({ ...filter, callee: { type: 'Identifier', value: 'tojson' } } as Node)
		: { type: 'Identifier', value: 'tojson' };
}

/**
 * Applies the filter of `node` (named `name`) to an evaluated operand. `libraryNode` is
 * {@link libraryFilterNode} of the filter, computed once per template by the compiler.
 */
export function applyFilter(
	host: FilterHost,
	node: FilterNode,
	name: string | undefined,
	operand: Value,
	environment: Environment,
	libraryNode: Node = libraryFilterNode(node.filter, name)
): Value {
	const callArgs = isCall(node.filter) ? node.filter.args : [];
	let result: Value;
	const text = () =>
		operand.type === 'StringValue' ? (operand.value as string) : operand.toString();
	switch (name) {
		case 'truncate_tokens': {
			const [args, kwargs] = host.args(callArgs, environment);
			const n = args[0] ?? kwargs.get('n');
			if (!n || n.type !== 'IntegerValue')
				throw new Error('truncate_tokens(n) needs a whole number n');
			result = toValue(truncateTokens(text(), n.value as number));
			break;
		}
		case 'indent': {
			const [args, kwargs] = host.args(callArgs, environment);
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
			const [args, kwargs] = host.args(callArgs, environment);
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
			const [args, kwargs] = host.args(callArgs, environment);
			const separator = args[0] ?? kwargs.get('d');
			result = toValue(
				items(operand, name)
					.map(pyStr)
					.join(separator ? pyStr(separator) : '')
			);
			break;
		}
		case 'select':
		case 'reject': {
			// Jinja2's select(test, *args) / reject(…): keep the items that pass (or fail) a test,
			// or that are truthy when no test is named.
			const [[testName, ...testArgs]] = host.args(callArgs, environment);
			const test = testName && environment.tests.get(pyStr(testName));
			if (testName && !test) throw new Error(`Unknown test: ${pyStr(testName)}`);
			const keep = name === 'select';
			result = arrayOf(
				items(operand, name).filter(
					(item) => (test ? test(item, ...testArgs) : item.__bool__().value) === keep
				)
			);
			break;
		}
		case 'trim': {
			const [args, kwargs] = host.args(callArgs, environment);
			const chars = args[0] ?? kwargs.get('chars');
			result = toValue(
				trimText(text(), chars?.type === 'StringValue' ? (chars.value as string) : undefined)
			);
			break;
		}
		default:
			result = host.libraryFilter(operand, libraryNode, environment);
	}
	if (host.trace)
		host.trace.push({
			kind: 'filter',
			filter: name ?? exprToSource(node.filter),
			args: callArgs.map((a) => exprToSource(a)),
			input: preview(operand),
			output: preview(result)
		});
	return result;
}
