/**
 * @module Dotprompt `.prompt` files (Google's format: YAML front matter, a Handlebars body) read
 * into prompts. The Handlebars template is parsed (never compiled or run) and translated to the
 * Jinja our engine renders: variables and paths, `#if`/`#unless`/`else if`, `#each` (with `@index`,
 * `@first`, `@last`, `@key`, block parameters), `#with`, `ifEquals`/`unlessEquals`, `json`,
 * comments, `{{role "…"}}` as chat messages, and partials as `include()`. Whatever has no Jinja
 * equivalent (`history`, `media`, `section`, unknown helpers, partial arguments, a role inside a
 * block…) is reported with its line and column, never dropped. Model, config and the rest of the
 * front matter (input and output schemas, tools…) are kept.
 */
import Handlebars from 'handlebars';
import { newId as randomId, SLUG_PATTERN, slugify } from '../model/ids';
import { promptSchema, type ChatMessage, type ChatRole, type Prompt } from '../model/prompt';
import { canonicalize } from '../util/crypto';
import { fmIssue, parseFrontMatter, splitFrontMatter, type FrontMatter } from './front-matter';
import { hasErrors, positionAt, type FileIssue } from './issues';
import { nameFromFileName } from './prompty';

type HNode = hbs.AST.Node;
type HProgram = hbs.AST.Program;
type HPath = hbs.AST.PathExpression;
type HExpr = hbs.AST.Expression;

export const DOTPROMPT_EXTENSION = '.prompt';
/** Custom field keeping the Dotprompt front matter Promptloom has no field for (JSON). */
export const DOTPROMPT_FIELD = 'dotprompt';
/** Front-matter keys Promptloom maps to its own fields. */
const MAPPED_KEYS = new Set(['name', 'description', 'model', 'config']);
/** Namespaced (`ext`) keys Promptloom writes for its own metadata. */
export const PL_EXT = {
	tags: 'promptloom.tags',
	intent: 'promptloom.intent',
	author: 'promptloom.author',
	customFields: 'promptloom.customFields'
} as const;

const ROLE_OF: Record<string, ChatRole | undefined> = {
	system: 'system',
	user: 'user',
	model: 'assistant',
	assistant: 'assistant'
};

export interface ReadDotpromptOptions {
	fileName: string;
	folderId?: string | null;
	now?: number;
	newId?: () => string;
}

export type DotpromptResult =
	| { ok: true; prompt: Prompt; issues: FileIssue[]; partials: string[] }
	| { ok: false; issues: FileIssue[] };

/** The prompt name of a Dotprompt file: `_header.prompt` (a partial) → `header`, `greet.formal.prompt` → `greet.formal`. */
export function dotpromptName(fileName: string): string {
	return nameFromFileName(fileName).replace(/^_/, '');
}

/** The include name for a partial: prompt names are lowercase slugs. */
export function partialPromptName(partial: string): string {
	return SLUG_PATTERN.test(partial) ? partial : slugify(partial);
}

// ---- the translation -----------------------------------------------------------------------

interface Scope {
	/** Jinja expression of the context (`item`, `user`); '' at the top. */
	context: string;
	/** Block parameters in force: Handlebars name → Jinja name. */
	params: Map<string, string>;
	/** Jinja names of `@key`, `@index`… in an `#each` (absent outside loops). */
	loop?: { key: string | null };
}

interface Translator {
	issues: FileIssue[];
	/** Where a node is in the file. */
	at(node: HNode): { line: number; column: number };
	partials: Set<string>;
	used: Set<string>;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const JINJA_WORDS = new Set([
	'true',
	'false',
	'none',
	'True',
	'False',
	'None',
	'and',
	'or',
	'not',
	'in',
	'is',
	'if',
	'else',
	'loop'
]);

function untranslatable(t: Translator, node: HNode, what: string): string {
	const { line, column } = t.at(node);
	t.issues.push({
		severity: 'error',
		line,
		column,
		endLine: line,
		endColumn: column + 1,
		message: `${what} cannot be translated to a Jinja template`
	});
	return '';
}

/** A Jinja attribute access of `part`: `.name`, `[0]` or `["odd name"]`. */
function access(base: string, part: string): string {
	if (/^\d+$/.test(part)) return `${base}[${part}]`;
	if (IDENT.test(part) && !JINJA_WORDS.has(part)) return base ? `${base}.${part}` : part;
	return base ? `${base}[${JSON.stringify(part)}]` : `${JSON.stringify(part)}`;
}

/** A Handlebars path in the scopes (innermost last) as a Jinja expression. */
function pathToJinja(t: Translator, path: HPath, scopes: Scope[]): string {
	let parts = [...path.parts];
	if (path.data) {
		const head = parts.shift();
		if (head === 'root')
			return parts.reduce((b, p) => access(b, p), '') || untranslatable(t, path, '`@root` alone');
		const loopScope = [...scopes].reverse().find((s) => s.loop);
		if (!loopScope?.loop) return untranslatable(t, path, `\`${path.original}\` outside an #each`);
		if (parts.length) return untranslatable(t, path, `\`${path.original}\``);
		switch (head) {
			case 'index':
				return 'loop.index0';
			case 'first':
				return 'loop.first';
			case 'last':
				return 'loop.last';
			case 'key':
				return loopScope.loop.key ?? 'loop.index0';
			default:
				return untranslatable(t, path, `\`@${head}\``);
		}
	}
	const depth = path.depth;
	const scope = scopes[Math.max(0, scopes.length - 1 - depth)];
	// A block parameter (`as |item|`) is visible in nested blocks too.
	if (depth === 0 && parts.length && !/^this\b|^\.\//.test(path.original)) {
		for (let i = scopes.length - 1; i >= 0; i--) {
			const bound = scopes[i].params.get(parts[0]);
			if (bound) {
				parts = parts.slice(1);
				return parts.reduce((b, p) => access(b, p), bound);
			}
		}
	}
	if (scope.context === '' && parts.length === 0)
		return untranslatable(t, path, '`this` at the top of the template');
	if (scope.context === '' && parts.length) t.used.add(parts[0]);
	return parts.reduce((b, p) => access(b, p), scope.context);
}

function literalToJinja(t: Translator, e: HExpr, scopes: Scope[]): string {
	switch (e.type) {
		case 'PathExpression':
			return pathToJinja(t, e as HPath, scopes);
		case 'StringLiteral':
			return JSON.stringify((e as hbs.AST.StringLiteral).value);
		case 'NumberLiteral':
			return String((e as hbs.AST.NumberLiteral).value);
		case 'BooleanLiteral':
			return (e as hbs.AST.BooleanLiteral).value ? 'true' : 'false';
		case 'NullLiteral':
		case 'UndefinedLiteral':
			return 'none';
		default:
			return untranslatable(t, e, 'a sub-expression');
	}
}

/** Literal text as Jinja text: `{` before `{`, `%` or `#` is written as an expression. */
function textToJinja(text: string): string {
	return text.replace(/\{(?=[{%#])/g, '{{ "{" }}');
}

function helperName(node: { path: HNode }): string | null {
	const p = node.path as HPath;
	// `./json` and `this.json` name a value even where a helper has the name.
	if (p.type !== 'PathExpression' || p.data || p.depth !== 0 || p.parts.length !== 1) return null;
	return /^(\.\/|this[./])/.test(p.original) ? null : p.parts[0];
}

function condition(t: Translator, block: hbs.AST.BlockStatement, scopes: Scope[]): string | null {
	const name = helperName(block);
	const [a, b] = block.params;
	const arg = (e: HExpr | undefined) => (e ? literalToJinja(t, e, scopes) : 'none');
	switch (name) {
		case 'if':
			return block.params.length === 1 ? arg(a) : null;
		case 'unless':
			return block.params.length === 1 ? `not ${arg(a)}` : null;
		case 'ifEquals':
			return block.params.length === 2 ? `${arg(a)} == ${arg(b)}` : null;
		case 'unlessEquals':
			return block.params.length === 2 ? `${arg(a)} != ${arg(b)}` : null;
		default:
			return null;
	}
}

/** Whether a program uses `@key` of its own #each (not of nested ones). */
function usesKey(program: HProgram | undefined): boolean {
	let found = false;
	const visit = (n: unknown, depth: number) => {
		if (found || !n || typeof n !== 'object') return;
		const node = n as Record<string, unknown>;
		if (node.type === 'PathExpression') {
			const p = n as HPath;
			if (p.data && p.parts[0] === 'key' && depth === 0) found = true;
			return;
		}
		const nested =
			node.type === 'BlockStatement' && helperName(n as hbs.AST.BlockStatement) === 'each';
		for (const [k, v] of Object.entries(node)) {
			if (k === 'loc') continue;
			const d = nested && (k === 'program' || k === 'inverse') ? depth + 1 : depth;
			if (Array.isArray(v)) v.forEach((x) => visit(x, d));
			else visit(v, d);
		}
	};
	visit(program, 0);
	return found;
}

function freshName(base: string, taken: Set<string>): string {
	let name = base;
	for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
	taken.add(name);
	return name;
}

function blockToJinja(
	t: Translator,
	block: hbs.AST.BlockStatement,
	scopes: Scope[],
	taken: Set<string>
): string {
	const name = helperName(block);
	if (block.hash?.pairs?.length)
		return untranslatable(t, block, `\`{{#${name ?? '…'}}}\` with named arguments`);
	const open = (tag: string, strip: hbs.AST.StripFlags | undefined) =>
		`{%${strip?.open ? '-' : ''} ${tag} ${strip?.close ? '-' : ''}%}`;
	if (name === 'each') {
		if (block.params.length !== 1)
			return untranslatable(t, block, '`{{#each}}` without exactly one list');
		const list = literalToJinja(t, block.params[0], scopes);
		const [itemParam, keyParam] = block.program.blockParams ?? [];
		const item = freshName(itemParam && IDENT.test(itemParam) ? itemParam : 'item', taken);
		const wantsKey = keyParam !== undefined || usesKey(block.program);
		const key = wantsKey
			? freshName(keyParam && IDENT.test(keyParam) ? keyParam : 'key', taken)
			: null;
		const params = new Map<string, string>();
		if (itemParam) params.set(itemParam, item);
		if (keyParam && key) params.set(keyParam, key);
		// The context is the item, with or without block parameters (as in Handlebars).
		const inner: Scope = { context: item, params, loop: { key } };
		const head = key ? `for ${key}, ${item} in ${list}.items()` : `for ${item} in ${list}`;
		let out =
			open(head, block.openStrip) + programToJinja(t, block.program, [...scopes, inner], taken);
		if (block.inverse)
			out += open('else', block.inverseStrip) + programToJinja(t, block.inverse, scopes, taken);
		taken.delete(item);
		if (key) taken.delete(key);
		return out + open('endfor', block.closeStrip);
	}
	if (name === 'with') {
		if (block.params.length !== 1)
			return untranslatable(t, block, '`{{#with}}` without exactly one value');
		const value = literalToJinja(t, block.params[0], scopes);
		const [param] = block.program.blockParams ?? [];
		const inner: Scope = { context: value, params: new Map(param ? [[param, value]] : []) };
		let out =
			open(`if ${value}`, block.openStrip) +
			programToJinja(t, block.program, [...scopes, inner], taken);
		if (block.inverse)
			out += open('else', block.inverseStrip) + programToJinja(t, block.inverse, scopes, taken);
		return out + open('endif', block.closeStrip);
	}
	const test = condition(t, block, scopes);
	if (test === null) return untranslatable(t, block, `the block helper \`{{#${name ?? '…'}}}\``);
	let out = open(`if ${test}`, block.openStrip) + programToJinja(t, block.program, scopes, taken);
	let inverse: HProgram | undefined = block.inverse;
	let strip = block.inverseStrip;
	// `{{else if x}}` is an inverse holding one chained block.
	while (inverse) {
		const chained = (inverse as HProgram & { chained?: boolean }).chained;
		const next = inverse.body[0] as hbs.AST.BlockStatement | undefined;
		if (chained && next?.type === 'BlockStatement') {
			const nextTest = condition(t, next, scopes);
			if (nextTest === null) {
				out += untranslatable(t, next, `\`{{else ${helperName(next) ?? '…'}}}\``);
				break;
			}
			out += open(`elif ${nextTest}`, strip) + programToJinja(t, next.program, scopes, taken);
			strip = next.inverseStrip;
			inverse = next.inverse;
		} else {
			out += open('else', strip) + programToJinja(t, inverse, scopes, taken);
			break;
		}
	}
	return out + open('endif', block.closeStrip);
}

function mustacheToJinja(t: Translator, m: hbs.AST.MustacheStatement, scopes: Scope[]): string {
	const strip = (inner: string) =>
		`{{${m.strip?.open ? '-' : ''} ${inner} ${m.strip?.close ? '-' : ''}}}`;
	const name = helperName(m);
	if (m.params.length === 0 && !m.hash?.pairs?.length) {
		if (m.path.type !== 'PathExpression') return strip(literalToJinja(t, m.path, scopes));
		if (name && ['history', 'section', 'media', 'role', 'json'].includes(name))
			return untranslatable(t, m, `\`{{${name}}}\``);
		return strip(pathToJinja(t, m.path as HPath, scopes));
	}
	if (name === 'json' && m.params.length === 1) {
		const indent = m.hash?.pairs?.find((p) => p.key === 'indent');
		const other = m.hash?.pairs?.find((p) => p.key !== 'indent');
		if (other) return untranslatable(t, m, `\`{{json … ${other.key}=…}}\``);
		const value = literalToJinja(t, m.params[0], scopes);
		// JSON.stringify's spacing: `,` and `: ` when indented, none otherwise.
		return strip(
			indent
				? `${value} | json(indent=${literalToJinja(t, indent.value, scopes)})`
				: `${value} | json(separators=(",", ":"))`
		);
	}
	if (name === 'role')
		return untranslatable(
			t,
			m,
			'`{{role}}` inside a block (a message cannot start in a condition or loop)'
		);
	if (name === 'history')
		return untranslatable(
			t,
			m,
			'`{{history}}` (conversation history is inserted by the caller in Promptloom)'
		);
	if (name === 'media') return untranslatable(t, m, '`{{media}}` (images and other media)');
	if (name === 'section') return untranslatable(t, m, '`{{section}}`');
	return untranslatable(t, m, `the helper \`{{${name ?? (m.path as HPath).original}}}\``);
}

function programToJinja(
	t: Translator,
	program: HProgram,
	scopes: Scope[],
	taken: Set<string>
): string {
	let out = '';
	for (const s of program.body) {
		switch (s.type) {
			case 'ContentStatement':
				out += textToJinja((s as hbs.AST.ContentStatement).value);
				break;
			case 'CommentStatement': {
				// Empty comments (`{{!}}`) only steer Handlebars' whitespace, already applied.
				const c = (s as hbs.AST.CommentStatement).value.trim();
				if (c) out += `{# ${c.replace(/#\}/g, '# }')} #}`;
				break;
			}
			case 'MustacheStatement':
				out += mustacheToJinja(t, s as hbs.AST.MustacheStatement, scopes);
				break;
			case 'BlockStatement':
				out += blockToJinja(t, s as hbs.AST.BlockStatement, scopes, taken);
				break;
			case 'PartialStatement': {
				const p = s as hbs.AST.PartialStatement;
				if (p.params.length || p.hash?.pairs?.length || p.name.type !== 'PathExpression') {
					out += untranslatable(t, p, 'a partial with arguments');
					break;
				}
				const partial = (p.name as HPath).original;
				t.partials.add(partial);
				out += `${p.indent ?? ''}{{ include(${JSON.stringify(partialPromptName(partial))}) }}`;
				break;
			}
			default:
				out += untranslatable(t, s, `\`${s.type}\``);
		}
	}
	return out;
}

/** Top-level statements split at `{{role "…"}}`: Dotprompt starts a message at each. */
function splitMessages(t: Translator, program: HProgram) {
	const parts: { role: ChatRole; body: hbs.AST.Statement[] }[] = [{ role: 'user', body: [] }];
	let roles = false;
	for (const s of program.body) {
		if (s.type === 'MustacheStatement' && helperName(s as hbs.AST.MustacheStatement) === 'role') {
			const m = s as hbs.AST.MustacheStatement;
			const arg = m.params[0];
			const value =
				arg?.type === 'StringLiteral' ? (arg as hbs.AST.StringLiteral).value : undefined;
			const role = value !== undefined ? ROLE_OF[value] : undefined;
			if (!role) {
				untranslatable(
					t,
					m,
					`\`{{role ${arg ? (arg as { original?: unknown }).original : ''}}}\` (a role is "system", "user" or "model")`
				);
				continue;
			}
			roles = true;
			parts.push({ role, body: [] });
		} else parts[parts.length - 1].body.push(s);
	}
	return { roles, parts };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);

/** The model config from Dotprompt's `model` and `config`. */
function readConfig(fm: FrontMatter, issues: FileIssue[]): Prompt['modelConfig'] {
	const out: Prompt['modelConfig'] = { model: '', params: {} };
	const model = fm.data.model;
	if (model !== undefined && model !== null) {
		if (typeof model === 'string') out.model = model;
		else
			issues.push(
				fmIssue(fm, ['model'], 'error', 'must be a model name such as googleai/gemini-1.5-flash')
			);
	}
	const config = fm.data.config;
	if (config === undefined || config === null) return out;
	if (!isRecord(config)) {
		issues.push(fmIssue(fm, ['config'], 'error', 'must be a mapping of setting → value'));
		return out;
	}
	for (const [k, v] of Object.entries(config)) {
		if (k === '__proto__') continue;
		if (k === 'temperature') {
			if (typeof v === 'number' && v >= 0 && v <= 2) out.temperature = v;
			else
				issues.push(
					fmIssue(fm, ['config', k], 'error', 'temperature must be a number from 0 to 2')
				);
		} else if (k === 'maxOutputTokens') {
			if (typeof v === 'number' && Number.isInteger(v) && v > 0) out.maxTokens = v;
			else
				issues.push(
					fmIssue(fm, ['config', k], 'error', 'maxOutputTokens must be a positive whole number')
				);
		} else out.params[k] = v;
	}
	return out;
}

/**
 * Reads a Dotprompt file into a prompt: a text prompt when the template has no
 * `{{role}}`, else a chat prompt (Dotprompt's first message is the user's). Problems,
 * untranslatable constructs included, come with their line and column in the file.
 */
export function readDotprompt(text: string, options: ReadDotpromptOptions): DotpromptResult {
	const issues: FileIssue[] = [];
	const { split, issues: splitIssues } = splitFrontMatter(text);
	issues.push(...splitIssues);
	const { fm, issues: yamlIssues } = parseFrontMatter(text, split);
	issues.push(...yamlIssues);
	if (hasErrors(issues)) return { ok: false, issues };

	// Dotprompt trims the template when the file has a front matter (an empty one, `---` twice,
	// is not one to it: the whole file is the template); positions count from what is kept.
	const fmText = split.present && split.yaml !== '';
	if (split.present && split.yaml === '')
		issues.push({
			severity: 'warning',
			line: 1,
			column: 1,
			message: 'an empty front matter: Dotprompt reads the two --- lines as template text'
		});
	const source = fmText ? split.body : split.present ? text : split.body;
	const sourceStart = fmText ? split.bodyStart : split.present ? 0 : split.bodyStart;
	const lead = fmText ? source.length - source.trimStart().length : 0;
	const template = fmText ? source.trim() : source;
	const origin = positionAt(text, sourceStart + lead);
	const toFile = (line: number, column: number) => ({
		line: origin.line + line - 1,
		column: line === 1 ? origin.column + column : column + 1
	});
	let program: HProgram;
	try {
		program = Handlebars.parse(template);
	} catch (e) {
		const message = e instanceof Error ? e.message : String(e);
		const m = /line (\d+)/.exec(message);
		const line = m ? Number(m[1]) : 1;
		const first = message.split('\n')[0].replace(/^Parse error on line \d+:?\s*/, '');
		const detail = message.split('\n').slice(-1)[0];
		issues.push({
			severity: 'error',
			...toFile(line, 0),
			message: `Handlebars syntax: ${first || detail}${first && detail !== first ? ` (${detail})` : ''}`
		});
		return { ok: false, issues };
	}
	const t: Translator = {
		issues,
		at: (node) => toFile(node.loc?.start.line ?? 1, node.loc?.start.column ?? 0),
		partials: new Set(),
		used: new Set()
	};
	const top: Scope = { context: '', params: new Map() };
	const { roles, parts } = splitMessages(t, program);
	// Jinja drops one newline at the end of a template: one more keeps Dotprompt's output.
	const translate = (body: hbs.AST.Statement[]) => {
		const out = programToJinja(t, { ...program, body } as HProgram, [top], new Set());
		return out.endsWith('\n') ? `${out}\n` : out;
	};
	let content = '';
	let messages: ChatMessage[] = [];
	if (!roles) content = translate(parts[0].body);
	else
		messages = parts
			.map((p) => ({ role: p.role, content: translate(p.body) }))
			// Dotprompt drops messages with nothing in them.
			.filter((m) => m.content.trim() !== '');

	const modelConfig = readConfig(fm, issues);
	const description = fm.data.description;
	if (description !== undefined && description !== null && typeof description !== 'string')
		issues.push(fmIssue(fm, ['description'], 'error', 'must be a text'));
	const str = (k: string) => (typeof fm.data[k] === 'string' ? (fm.data[k] as string) : '');
	const tags = fm.data[PL_EXT.tags];
	if (tags !== undefined && (!Array.isArray(tags) || tags.some((x) => typeof x !== 'string')))
		issues.push(fmIssue(fm, [PL_EXT.tags], 'error', 'must be a list of texts'));
	const kept: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(fm.data))
		if (!MAPPED_KEYS.has(k) && !Object.values(PL_EXT).includes(k as never)) kept[k] = v;
	const name = dotpromptName(options.fileName);
	const slug = SLUG_PATTERN.test(name) ? name : slugify(name);
	if (slug !== name)
		issues.push({
			severity: 'warning',
			line: 1,
			column: 1,
			message: `"${name}" is not a prompt name (lowercase letters, digits, "-", "_", "."): imported as "${slug}"`
		});
	if (hasErrors(issues)) return { ok: false, issues };
	const now = options.now ?? Date.now();
	const candidate = {
		id: (options.newId ?? randomId)(),
		name: slug,
		type: roles ? 'chat' : 'text',
		content,
		messages,
		description: typeof description === 'string' ? description : '',
		tags: Array.isArray(tags) ? tags : [],
		intent: str(PL_EXT.intent),
		author: str(PL_EXT.author),
		modelConfig,
		customFields: [
			...(Array.isArray(fm.data[PL_EXT.customFields])
				? (fm.data[PL_EXT.customFields] as unknown[])
				: []),
			...(Object.keys(kept).length
				? [{ key: DOTPROMPT_FIELD, type: 'string', value: canonicalize(kept) }]
				: [])
		],
		// The translation already has Handlebars' whitespace: Jinja's options stay off.
		templateOptions: { trimBlocks: false, lstripBlocks: false },
		folderId: options.folderId ?? null,
		projectId: null,
		createdAt: now,
		updatedAt: now,
		deletedAt: null
	};
	const parsed = promptSchema.safeParse(candidate);
	if (!parsed.success) {
		for (const i of parsed.error.issues)
			issues.push({
				severity: 'error',
				line: 1,
				column: 1,
				message: `${i.path.map(String).join('.')}: ${i.message}`
			});
		return { ok: false, issues };
	}
	return { ok: true, prompt: parsed.data, issues, partials: [...t.partials] };
}
