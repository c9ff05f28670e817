/**
 * @module Prompts written as Dotprompt `.prompt` files: the Jinja template translated to the
 * Handlebars Dotprompt renders (variables and paths, `if`/`elif`/`else` on a value, `not`, `==` and
 * `!=`, `for` over a list or `.items()`, `loop.index0`/`first`/`last`, `json`, comments, raw text,
 * `include()` as a partial), chat messages as `{{role}}` markers. The output renders to the same
 * text with the `dotprompt` package: Handlebars would drop a line holding only a block tag, so such
 * a tag is preceded by an empty comment `{{!}}`, and whitespace Dotprompt would trim is kept the
 * same way. Anything else (filters, arithmetic, `set`, macros…) is reported with its line.
 */
import { parse, tokenize } from '@huggingface/jinja';
import { stringifyFrontMatter } from './front-matter';
import type { Prompt } from '../model/prompt';
import { isCall, isIdentifier, isMember, type Node } from '../template/ast';
import { lineColumn, preprocess } from '../template/positions';
import { extractVariables } from '../template/variables';
import type { TemplateVariable } from '../template/types';
import { DOTPROMPT_FIELD, PL_EXT } from './dotprompt';
import type { FileIssue } from './issues';

/** Handlebars helpers Dotprompt knows: a variable of that name is written `./name`. */
const HELPERS = new Set([
	'if',
	'unless',
	'each',
	'with',
	'lookup',
	'log',
	'json',
	'role',
	'history',
	'section',
	'media',
	'ifEquals',
	'unlessEquals',
	'helperMissing',
	'blockHelperMissing',
	'else',
	'this'
]);
const HB_ID = /^[^\s!"#%-,./;->@[-^`{-~]+$/;

type Tok =
	| { kind: 'text'; value: string; at: number }
	| {
			kind: 'output' | 'stmt' | 'comment';
			inner: string;
			left: boolean;
			right: boolean;
			at: number;
	  };

/** Splits a (preprocessed) Jinja template into text and tags, with `{% raw %}` bodies as text. */
function scan(src: string): Tok[] {
	const out: Tok[] = [];
	let i = 0;
	let text = '';
	let textAt = 0;
	const pushText = () => {
		if (text) out.push({ kind: 'text', value: text, at: textAt });
		text = '';
	};
	while (i < src.length) {
		const open = src.slice(i, i + 2);
		if (open !== '{{' && open !== '{%' && open !== '{#') {
			if (!text) textAt = i;
			text += src[i++];
			continue;
		}
		pushText();
		const at = i;
		const close = open === '{{' ? '}}' : open === '{%' ? '%}' : '#}';
		let j = i + 2;
		let quote = '';
		while (j < src.length) {
			const c = src[j];
			if (quote) {
				if (c === '\\') j++;
				else if (c === quote) quote = '';
			} else if (open !== '{#' && (c === '"' || c === "'")) quote = c;
			else if (src.startsWith(close, j)) break;
			j++;
		}
		let inner = src.slice(i + 2, j);
		// `{{-` and `-}}` strip whitespace (a `+` only keeps lstrip_blocks off, done by preprocess).
		const left = inner.startsWith('-');
		const right = inner.endsWith('-');
		if (inner.startsWith('-') || inner.startsWith('+')) inner = inner.slice(1);
		if (inner.endsWith('-') || inner.endsWith('+')) inner = inner.slice(0, -1);
		const kind = open === '{{' ? 'output' : open === '{%' ? 'stmt' : 'comment';
		i = j + 2;
		if (kind === 'stmt' && inner.trim() === 'raw') {
			const end = /\{%-?\s*endraw\s*-?%\}/.exec(src.slice(i));
			const body = end ? src.slice(i, i + end.index) : src.slice(i);
			if (body) out.push({ kind: 'text', value: body, at: i });
			i = end ? i + end.index + end[0].length : src.length;
			continue;
		}
		out.push({ kind, inner, left, right, at });
	}
	pushText();
	return out;
}

interface Loop {
	names: string[];
}

class Writer {
	out = '';
	readonly issues: FileIssue[] = [];
	readonly partials = new Set<string>();
	readonly loops: Loop[] = [];
	readonly blocks: string[] = [];
	stripNext = false;

	constructor(
		private readonly source: string,
		private readonly origin: number[],
		private readonly field: string
	) {}

	fail(at: number, what: string): void {
		const { line, column } = lineColumn(
			this.source,
			this.origin[Math.min(at, this.origin.length - 1)]
		);
		this.issues.push({
			severity: 'error',
			line,
			column,
			field: this.field,
			message: `${what} cannot be written in Dotprompt (Handlebars)`
		});
	}

	text(value: string): void {
		let v = value;
		if (this.stripNext) v = v.replace(/^\s+/, '');
		this.stripNext = false;
		this.out += v.replace(/\{\{/g, '\\{{');
	}

	/** A mustache; a backslash right before it would escape it, so one more is written. */
	mustache(m: string): void {
		if (this.out.endsWith('\\')) this.out += '\\';
		this.out += m;
	}

	/** A block tag, kept off a line of its own so Handlebars does not remove that line. */
	block(tag: string, leftStrip: boolean): void {
		if (leftStrip) this.out = this.out.replace(/\s+$/, '');
		const line = this.out.slice(this.out.lastIndexOf('\n') + 1);
		if (/^[ \t]*$/.test(line)) this.out += '{{!}}';
		this.mustache(tag);
	}

	/** A variable or path as a Handlebars path expression. */
	path(node: Node, at: number): string | null {
		const parts: string[] = [];
		let n: Node = node;
		while (isMember(n)) {
			const p = n.property as Node;
			if (!n.computed && isIdentifier(p)) parts.unshift(p.value);
			else if (n.computed && p.type === 'IntegerLiteral') parts.unshift(String(p.value));
			else if (n.computed && p.type === 'StringLiteral') parts.unshift(String(p.value));
			else {
				this.fail(at, 'a computed attribute');
				return null;
			}
			n = n.object as Node;
		}
		if (!isIdentifier(n)) {
			this.fail(at, `the expression \`${describe(node)}\``);
			return null;
		}
		const head = n.value;
		const seg = (s: string) => (HB_ID.test(s) && !/^\d+$/.test(s) ? s : `[${s}]`);
		if (head === 'loop') {
			if (!this.loops.length || parts.length !== 1) {
				this.fail(at, '`loop` outside a for loop');
				return null;
			}
			const data: Record<string, string> = { index0: '@index', first: '@first', last: '@last' };
			const d = data[parts[0]];
			if (!d) this.fail(at, `\`loop.${parts[0]}\` (only loop.index0, loop.first and loop.last)`);
			return d ?? null;
		}
		const bound = this.loops.some((l) => l.names.includes(head));
		const rest = parts.map(seg);
		if (bound) return [head, ...rest].join('.');
		if (this.loops.length) return ['@root', seg(head), ...rest].join('.');
		const first = HELPERS.has(head) ? `./${seg(head)}` : seg(head);
		return [first, ...rest].join('.');
	}

	/** A value in a helper call: a path or a literal. */
	arg(node: Node, at: number): string | null {
		switch (node.type) {
			case 'StringLiteral':
				return JSON.stringify(node.value);
			case 'IntegerLiteral':
				return String(node.value);
			case 'Identifier': {
				const v = String(node.value);
				if (v === 'true' || v === 'True') return 'true';
				if (v === 'false' || v === 'False') return 'false';
				if (v === 'none' || v === 'None') return 'null';
				return this.path(node, at);
			}
			default:
				return this.path(node, at);
		}
	}

	/** `if`/`elif` test as a helper and its arguments: `if x`, `unless x`, `ifEquals a b`. */
	test(node: Node, at: number): { helper: string; args: string } | null {
		if (node.type === 'UnaryExpression' && (node.operator as { value: string }).value === 'not') {
			const a = this.arg(node.argument as Node, at);
			return a === null ? null : { helper: 'unless', args: a };
		}
		if (node.type === 'BinaryExpression') {
			const op = (node.operator as { value: string }).value;
			if (op === '==' || op === '!=') {
				const a = this.arg(node.left as Node, at);
				const b = this.arg(node.right as Node, at);
				if (a === null || b === null) return null;
				return { helper: op === '==' ? 'ifEquals' : 'unlessEquals', args: `${a} ${b}` };
			}
			this.fail(
				at,
				`the condition \`${describe(node)}\` (Dotprompt tests one value, or == and !=)`
			);
			return null;
		}
		const a = this.path(node, at);
		return a === null ? null : { helper: 'if', args: a };
	}
}

function describe(node: Node): string {
	switch (node.type) {
		case 'FilterExpression':
			return 'a filter';
		case 'BinaryExpression':
			return `${(node.operator as { value: string }).value} expression`;
		case 'CallExpression':
			return 'a function call';
		default:
			return node.type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
	}
}

/**
 * Which `json` filter a node is: `plain` (Python's spacing), `compact` (`separators=(",", ":")`,
 * JSON.stringify's), an indent (same spacing in both), `other`; null when not json.
 */
function jsonFilter(filter: Node): 'plain' | 'compact' | 'other' | number | null {
	if (isIdentifier(filter)) return ['json', 'tojson'].includes(filter.value) ? 'plain' : null;
	if (
		!isCall(filter) ||
		!isIdentifier(filter.callee) ||
		!['json', 'tojson'].includes(filter.callee.value)
	)
		return null;
	const args = filter.args as Node[];
	if (args.length !== 1 || args[0].type !== 'KeywordArgumentExpression') return 'other';
	const key = String((args[0].key as Node).value);
	const value = args[0].value as Node;
	if (key === 'indent' && value.type === 'IntegerLiteral') return Number(value.value);
	if (key === 'separators' && (value.type === 'TupleLiteral' || value.type === 'ArrayLiteral')) {
		const seps = (value.value as Node[]).map((n) => n.value);
		if (seps.length === 2 && seps[0] === ',' && seps[1] === ':') return 'compact';
	}
	return 'other';
}

/** The expression inside `{{ … }}` or a statement, parsed by the engine's parser. */
function parseExpr(inner: string): Node | null {
	try {
		const program = parse(tokenize(`{{ ${inner} }}`, {}));
		return (program.body[0] as unknown as Node) ?? null;
	} catch {
		return null;
	}
}

function parseFor(inner: string): Node | null {
	try {
		const program = parse(tokenize(`{% ${inner} %}{% endfor %}`, {}));
		return (program.body[0] as unknown as Node) ?? null;
	} catch {
		return null;
	}
}

/** Translates one template; `field` names it in problems (`content`, `messages[1]`). */
function translate(source: string, options: Prompt['templateOptions'], field: string) {
	// Jinja drops one newline at the very end of a template (keep_trailing_newline is off).
	const pre = preprocess(source.endsWith('\n') ? source.slice(0, -1) : source, options);
	const w = new Writer(source, pre.origin, field);
	for (const tok of scan(pre.text)) {
		if (tok.kind === 'text') {
			w.text(tok.value);
			continue;
		}
		if (tok.left) w.out = w.out.replace(/\s+$/, '');
		if (tok.kind === 'comment') {
			w.mustache(`{{!-- ${tok.inner.trim().replace(/--\}\}/g, '-- }}')} --}}`);
			w.stripNext = tok.right;
			continue;
		}
		if (tok.kind === 'output') {
			const node = parseExpr(tok.inner);
			if (!node) w.fail(tok.at, 'this expression');
			else if (node.type === 'StringLiteral') {
				w.text(String(node.value));
			} else if (isCall(node) && isIdentifier(node.callee) && node.callee.value === 'include') {
				const [name, ...rest] = node.args as Node[];
				if (name?.type !== 'StringLiteral') w.fail(tok.at, 'an include() without a quoted name');
				else {
					if (rest.length)
						w.issues.push({
							...lineColumn(source, pre.origin[tok.at]),
							severity: 'warning',
							field,
							message: `include("${String(name.value)}") is pinned to a label or version; a Dotprompt partial is not (the pin is left out)`
						});
					const n = String(name.value);
					w.partials.add(n);
					// A partial alone on its line would take the line's newline: kept off it like blocks.
					w.block(`{{> ${HB_ID.test(n) ? n : `[${n}]`}${w.loops.length ? ' @root' : ''}}}`, false);
				}
			} else if (node.type === 'FilterExpression' && jsonFilter(node.filter as Node)) {
				const v = w.path(node.operand as Node, tok.at);
				const form = jsonFilter(node.filter as Node)!;
				if (form === 'plain')
					w.issues.push({
						...lineColumn(source, pre.origin[tok.at]),
						severity: 'warning',
						field,
						message:
							'json: Dotprompt writes JSON without spaces ({"a":1}), Promptloom with them ({"a": 1}); write json(separators=(",", ":")) for the same text'
					});
				if (form === 'other')
					w.fail(tok.at, 'json() with arguments other than indent= or separators=(",", ":")');
				else if (v !== null)
					w.mustache(`{{json ${v}${typeof form === 'number' ? ` indent=${form}` : ''}}}`);
			} else if (node.type === 'FilterExpression') {
				w.fail(tok.at, 'a filter');
			} else {
				const v = w.path(node, tok.at);
				if (v !== null) w.mustache(`{{${v}}}`);
			}
			w.stripNext = tok.right;
			continue;
		}
		// Statements.
		const inner = tok.inner.trim();
		const word = /^(\w+)/.exec(inner)?.[1] ?? '';
		const rest = inner.slice(word.length).trim();
		switch (word) {
			case 'if':
			case 'elif': {
				const node = parseExpr(rest);
				const test = node ? w.test(node, tok.at) : (w.fail(tok.at, 'this condition'), null);
				if (word === 'if') {
					w.blocks.push(test?.helper ?? 'if');
					w.block(`{{#${test?.helper ?? 'if'} ${test?.args ?? 'x'}}}`, tok.left);
				} else {
					if (!w.blocks.length) w.fail(tok.at, '`elif` outside an if');
					w.block(`{{else ${test?.helper ?? 'if'} ${test?.args ?? 'x'}}}`, tok.left);
				}
				break;
			}
			case 'else':
				if (!w.blocks.length) w.fail(tok.at, '`else` outside a block');
				w.block('{{else}}', tok.left);
				break;
			case 'endif':
			case 'endfor': {
				const helper = w.blocks.pop() ?? 'if';
				if (word === 'endfor') w.loops.pop();
				w.block(`{{/${helper}}}`, tok.left);
				break;
			}
			case 'for': {
				const node = parseFor(inner);
				const loopvar = node?.loopvar as Node | undefined;
				const iterable = node?.iterable as Node | undefined;
				let head: string | null = null;
				let names: string[] = [];
				if (!node || !loopvar || !iterable || (node.test as Node | undefined)) {
					w.fail(tok.at, node?.test ? 'a for loop with a condition' : 'this for loop');
				} else if (isIdentifier(loopvar)) {
					const list = w.path(iterable, tok.at);
					names = [loopvar.value];
					if (list !== null) head = `{{#each ${list} as |${loopvar.value}|}}`;
				} else if (
					loopvar.type === 'TupleLiteral' &&
					(loopvar.value as Node[]).length === 2 &&
					(loopvar.value as Node[]).every(isIdentifier) &&
					isCall(iterable) &&
					isMember(iterable.callee) &&
					isIdentifier(iterable.callee.property as Node) &&
					(iterable.callee.property as Node).value === 'items' &&
					iterable.args.length === 0
				) {
					const [k, v] = (loopvar.value as Node[]).map((x) => String(x.value));
					const map = w.path(iterable.callee.object as Node, tok.at);
					names = [k, v];
					if (map !== null) head = `{{#each ${map} as |${v} ${k}|}}`;
				} else w.fail(tok.at, "this for loop (a for over one list, or over a mapping's .items())");
				w.blocks.push('each');
				w.loops.push({ names });
				w.block(head ?? '{{#each x}}', tok.left);
				break;
			}
			default:
				w.fail(tok.at, `\`{% ${word || inner} %}\``);
		}
		w.stripNext = tok.right;
	}
	return w;
}

/** Picoschema of the variables a template reads (for Dotprompt's `input.schema`). */
function picoschema(vars: TemplateVariable[]): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const v of vars) {
		const key = v.required ? v.name : `${v.name}?`;
		if (v.kind === 'number') out[key] = 'number';
		else if (v.kind === 'list') out[`${key}(array)`] = 'any';
		else if (v.kind === 'object')
			out[`${key}(object)`] = v.fields?.length
				? Object.fromEntries(v.fields.map((f) => [`${f}?`, 'any']))
				: { '(*)': 'any' };
		else out[key] = 'string';
	}
	return out;
}

export interface DotpromptExport {
	text: string;
	/** The template alone (what a partial file holds). */
	body: string;
	/** Untranslatable constructs (errors) and what is left out (warnings), with line and column. */
	issues: FileIssue[];
	/** Prompts the file includes as partials (export them as `_<name>.prompt`). */
	partials: string[];
}

const ROLE_NAME = { system: 'system', user: 'user', assistant: 'model' } as const;

/** Writes `prompt` as a Dotprompt file; check `issues` for what could not be translated. */
export function writeDotprompt(prompt: Prompt): DotpromptExport {
	const issues: FileIssue[] = [];
	const partials = new Set<string>();
	const run = (source: string, field: string) => {
		const w = translate(source, prompt.templateOptions, field);
		issues.push(...w.issues);
		for (const p of w.partials) partials.add(p);
		return w.out;
	};
	let body = '';
	if (prompt.type === 'text') {
		body = run(prompt.content, 'content');
		// Dotprompt trims the template: empty comments keep whitespace at either end (two, so
		// that neither is alone on a line, which Handlebars would remove with its newline).
		if (/^\s/.test(body)) body = `{{!}}{{!}}${body}`;
		if (/\s$/.test(body)) body = `${body}{{!}}{{!}}`;
	} else {
		prompt.messages.forEach((m, i) => {
			const text = run(m.content, `messages[${i}]`);
			// `~` drops the newline written for readability when the text has no whitespace there.
			const before = i > 0 && !/\s$/.test(body) ? '\n{{~' : '{{';
			const after = text !== '' && !/^\s/.test(text) ? '~}}\n' : '}}';
			body += `${before}role "${ROLE_NAME[m.role]}"${after}${text}`;
		});
		if (/\s$/.test(body)) body += '{{!}}{{!}}';
	}
	const fm: Record<string, unknown> = {};
	if (prompt.description) fm.description = prompt.description;
	const mc = prompt.modelConfig;
	if (mc.model) fm.model = mc.model;
	const config: Record<string, unknown> = {};
	if (mc.temperature !== undefined) config.temperature = mc.temperature;
	if (mc.maxTokens !== undefined) config.maxOutputTokens = mc.maxTokens;
	for (const [k, v] of Object.entries(mc.params))
		if (!(k in config) && k !== '__proto__') config[k] = v;
	if (Object.keys(config).length) fm.config = config;
	const kept = prompt.customFields.find((f) => f.key === DOTPROMPT_FIELD && f.type === 'string');
	let extra: Record<string, unknown> = {};
	if (kept) {
		try {
			const v = JSON.parse(String(kept.value));
			if (v && typeof v === 'object' && !Array.isArray(v)) extra = v as Record<string, unknown>;
		} catch {
			/* not ours: left out */
		}
	}
	if (!('input' in extra)) {
		try {
			const sources =
				prompt.type === 'text' ? prompt.content : prompt.messages.map((m) => m.content);
			const vars = extractVariables(sources, prompt.templateOptions);
			if (vars.length) fm.input = { schema: picoschema(vars) };
		} catch {
			/* a template that does not parse has no variables to describe */
		}
	}
	Object.assign(fm, extra);
	if (prompt.tags.length) fm[PL_EXT.tags] = prompt.tags;
	if (prompt.intent) fm[PL_EXT.intent] = prompt.intent;
	if (prompt.author) fm[PL_EXT.author] = prompt.author;
	const others = prompt.customFields.filter((f) => f !== kept);
	if (others.length) fm[PL_EXT.customFields] = others;
	// Without a front matter Dotprompt keeps the template as written (no trim, no final newline).
	if (!Object.keys(fm).length) return { text: body, body, issues, partials: [...partials] };
	const yaml = stringifyFrontMatter(fm);
	return { text: `---\n${yaml}---\n${body}\n`, body, issues, partials: [...partials] };
}
