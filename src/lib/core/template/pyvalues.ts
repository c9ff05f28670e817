/**
 * @module Python's view of the interpreter's values, where Jinja2 and @huggingface/jinja differ:
 * `str()` and `repr()` (what `{{ x }}`, `~`, `|string` and `|join` print), `==`, and Markup
 * (`|safe` strings: `+` escapes the other operand, as in Jinja2 without autoescape).
 */
import type { Interpreter } from '@huggingface/jinja';

/** A runtime value of the library (StringValue, ArrayValue, …). */
export type Value = ReturnType<Interpreter['evaluate']>;

/** Strings marked safe (markupsafe's Markup): `"…"|safe`, `|escape`, `|forceescape`. */
const markup = new WeakSet<object>();

export function isMarkup(v: Value): boolean {
	return v.type === 'StringValue' && markup.has(v);
}

/** Marks a string value as Markup and returns it. */
export function markSafe(v: Value): Value {
	markup.add(v);
	return v;
}

/** markupsafe's escape of a string. */
export function escapeHtml(s: string): string {
	return s
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&#34;')
		.replace(/'/g, '&#39;');
}

/** Python's repr() of a float. */
export function pyFloat(x: number): string {
	if (Number.isNaN(x)) return 'nan';
	if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
	if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
	const [mantissa, e] = x.toExponential().split('e');
	const exponent = Number(e);
	if (exponent < -4 || exponent >= 16)
		return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
	const s = String(x);
	return s.includes('.') ? s : `${s}.0`;
}

const NOT_PRINTABLE = /[\p{C}\p{Z}]/u;

/** Python's repr() of a string: single quotes unless it has only single quotes, escapes. */
export function pyReprString(s: string): string {
	const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
	let out = quote;
	for (const ch of s) {
		const code = ch.codePointAt(0)!;
		if (ch === quote || ch === '\\') out += '\\' + ch;
		else if (ch === '\n') out += '\\n';
		else if (ch === '\r') out += '\\r';
		else if (ch === '\t') out += '\\t';
		else if (ch !== ' ' && NOT_PRINTABLE.test(ch)) {
			const hex = code.toString(16);
			out +=
				code <= 0xff
					? `\\x${hex.padStart(2, '0')}`
					: code <= 0xffff
						? `\\u${hex.padStart(4, '0')}`
						: `\\U${hex.padStart(8, '0')}`;
		} else out += ch;
	}
	return out + quote;
}

/** Python's repr() of a value (as inside a printed list or dict). */
export function pyRepr(v: Value): string {
	switch (v.type) {
		case 'StringValue':
			return pyReprString(v.value as string);
		case 'IntegerValue':
			return String(v.value);
		case 'FloatValue':
			return pyFloat(v.value as number);
		case 'BooleanValue':
			return v.value ? 'True' : 'False';
		case 'NullValue':
			return 'None';
		case 'UndefinedValue':
			return 'Undefined';
		case 'ArrayValue':
			return `[${(v.value as Value[]).map(pyRepr).join(', ')}]`;
		case 'TupleValue': {
			const items = (v.value as Value[]).map(pyRepr);
			return `(${items.join(', ')}${items.length === 1 ? ',' : ''})`;
		}
		case 'ObjectValue':
		case 'KeywordArgumentsValue':
			return pyDict(v.value as Map<string, Value>);
		case 'NamespaceValue':
			return `<Namespace ${pyDict(v.value as Map<string, Value>)}>`;
		case 'FunctionValue':
			// Like Python's <function …>, without the JavaScript source of the function.
			return '<function>';
		default:
			return v.toString();
	}
}

function pyDict(map: Map<string, Value>): string {
	return `{${[...map].map(([k, item]) => `${pyReprString(k)}: ${pyRepr(item)}`).join(', ')}}`;
}

/** Python's str() of a value: what Jinja2 prints for `{{ v }}` (undefined prints nothing). */
export function pyStr(v: Value): string {
	if (v.type === 'StringValue') return v.value as string;
	if (v.type === 'UndefinedValue') return '';
	return pyRepr(v);
}

function numeric(v: Value): number | undefined {
	if (v.type === 'IntegerValue' || v.type === 'FloatValue') return v.value as number;
	if (v.type === 'BooleanValue') return v.value ? 1 : 0;
	return undefined;
}

/** Python's `==` on two values: numbers by value (True == 1), lists and dicts item by item. */
export function pyEquals(a: Value, b: Value): boolean {
	const x = numeric(a);
	const y = numeric(b);
	if (x !== undefined || y !== undefined) return x === y;
	if (a.type === 'StringValue' || b.type === 'StringValue')
		return a.type === b.type && a.value === b.value;
	if (a.type === 'ArrayValue' || a.type === 'TupleValue') {
		if (b.type !== a.type) return false;
		const l = a.value as Value[];
		const r = b.value as Value[];
		return l.length === r.length && l.every((item, i) => pyEquals(item, r[i]));
	}
	if (a.type === 'ObjectValue' || a.type === 'KeywordArgumentsValue') {
		if (b.type !== 'ObjectValue' && b.type !== 'KeywordArgumentsValue') return false;
		const l = a.value as Map<string, Value>;
		const r = b.value as Map<string, Value>;
		if (l.size !== r.size) return false;
		for (const [k, item] of l) {
			const other = r.get(k);
			if (other === undefined || !pyEquals(item, other)) return false;
		}
		return true;
	}
	if (a.type === 'NullValue' || a.type === 'UndefinedValue') return a.type === b.type;
	return a === b || (a.type === b.type && a.value === b.value);
}
