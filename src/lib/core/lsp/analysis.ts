/**
 * @module What the language server knows of a prompt file (`.prompty` or Dotprompt `.prompt`):
 * diagnostics (front matter, template syntax with exact ranges, unknown includes, the prompt lint
 * rules, the security scanner), completion (variables, filters, include names, front-matter
 * keys), hover (a variable's kind and a preview rendered with the file's sample values),
 * go to definition of includes and document symbols. Pure: positions are LSP's (0-based lines
 * and UTF-16 characters); the server supplies the workspace's other prompts.
 */
import { lintPrompt } from '../analytics/lint/lint-prompt';
import { dotpromptName, readDotprompt } from '../files/dotprompt';
import type { FileIssue } from '../files/issues';
import { nameFromFileName, readPrompty, type PromptySection } from '../files/prompty';
import { promptText, type ChatRole, type Prompt } from '../model/prompt';
import { scanText } from '../security/scan/scanner';
import type { Finding } from '../security/scan/types';
import { parseTemplate } from '../template/parse';
import { renderRequest } from '../template/render';
import { resolveIncludes } from '../template/includes';
import type { IncludeRef, TemplateVariable } from '../template/types';
import { extractVariables } from '../template/variables';

export interface Position {
	line: number;
	character: number;
}
export interface Range {
	start: Position;
	end: Position;
}
/** LSP severities: 1 error, 2 warning, 3 information, 4 hint. */
export interface Diagnostic {
	range: Range;
	severity: 1 | 2 | 3 | 4;
	message: string;
	source: string;
	code?: string;
}

/** The other prompts of the workspace, by name. */
export interface PromptIndex {
	has(name: string): boolean;
	names(): string[];
	/** Where the prompt's file is (for go to definition). */
	uri(name: string): string | undefined;
	/** The prompt's template text (for previews), or null. */
	source(name: string): Promise<string | null>;
}

/** One template of the file: a text prompt's body or one chat message, and where it starts. */
export interface TemplatePart {
	source: string;
	/** Offset of the template's first character in the file. */
	offset: number;
	role?: ChatRole;
	message: number | null;
}

export interface AnalyzedDocument {
	uri: string;
	text: string;
	kind: 'prompty' | 'prompt';
	prompt: Prompt | null;
	sample: Record<string, unknown>;
	issues: FileIssue[];
	parts: TemplatePart[];
	sections: PromptySection[];
	/** Line (0-based) where the body starts. */
	bodyLine: number;
	variables: TemplateVariable[];
}

const SOURCE = 'promptloom';

// ---- positions ----------------------------------------------------------------------------

export function lineStarts(text: string): number[] {
	const out = [0];
	for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) out.push(i + 1);
	return out;
}

export function positionOf(starts: number[], offset: number): Position {
	let lo = 0;
	let hi = starts.length - 1;
	while (lo < hi) {
		const mid = (lo + hi + 1) >> 1;
		if (starts[mid] <= offset) lo = mid;
		else hi = mid - 1;
	}
	return { line: lo, character: offset - starts[lo] };
}

export function offsetOf(starts: number[], pos: Position): number {
	return (starts[Math.min(pos.line, starts.length - 1)] ?? 0) + pos.character;
}

// ---- analysis -----------------------------------------------------------------------------

const fileName = (uri: string) =>
	decodeURIComponent(
		uri
			.replace(/^[a-z]+:\/\/[^/]*/, '')
			.split('/')
			.pop() ?? uri
	);

/** Reads a document: its prompt when valid, its problems, and its templates with their offsets. */
export function analyze(uri: string, text: string): AnalyzedDocument {
	const starts = lineStarts(text);
	const kind = /\.prompt$/i.test(uri) ? 'prompt' : 'prompty';
	const doc: AnalyzedDocument = {
		uri,
		text,
		kind,
		prompt: null,
		sample: {},
		issues: [],
		parts: [],
		sections: [],
		bodyLine: 0,
		variables: []
	};
	if (kind === 'prompt') {
		const r = readDotprompt(text, { fileName: fileName(uri), now: 0, newId: () => 'doc' });
		doc.issues = r.issues;
		if (r.ok) doc.prompt = r.prompt;
		const fm = /^---\r?\n[\s\S]*?\n---[ \t]*\r?\n/.exec(text);
		doc.bodyLine = fm ? positionOf(starts, fm[0].length).line : 0;
		const roles = [...text.matchAll(/\{\{\s*role\s+"(\w+)"\s*\}\}/g)];
		doc.sections = roles.map((m, i) => {
			const line = positionOf(starts, m.index).line + 1;
			const next = roles[i + 1] ? positionOf(starts, roles[i + 1].index).line : starts.length;
			const role = (m[1] === 'model' ? 'assistant' : m[1]) as ChatRole;
			return { role, roleLine: line, startLine: line, endLine: Math.max(line, next) };
		});
		return doc;
	}
	const r = readPrompty(text, { fileName: fileName(uri), now: 0, newId: () => 'doc' });
	doc.issues = r.issues;
	const sections = r.ok ? r.value.sections : (r.partial.sections ?? []);
	doc.sections = sections;
	const bodyStart = r.ok ? r.value.bodyStart : bodyStartOf(text);
	doc.bodyLine = positionOf(starts, bodyStart).line;
	if (r.ok) {
		const p = r.value.prompt;
		doc.prompt = p;
		doc.sample = r.value.sample;
		if (p.type === 'text') doc.parts = [{ source: p.content, offset: bodyStart, message: null }];
		else
			doc.parts = p.messages.map((m, i) => ({
				source: m.content,
				offset: starts[(sections[i]?.startLine ?? 1) - 1] ?? bodyStart,
				role: m.role,
				message: i
			}));
		try {
			doc.variables = extractVariables(
				doc.parts.map((x) => x.source),
				p.templateOptions
			);
		} catch {
			/* a template that does not parse: its syntax error is a diagnostic */
		}
	}
	return doc;
}

function bodyStartOf(text: string): number {
	const m = /^\uFEFF?---[ \t]*\r?\n[\s\S]*?\n---[ \t]*\r?(?:\n|$)/.exec(text);
	return m ? m[0].length : 0;
}

// ---- diagnostics --------------------------------------------------------------------------

const SCAN_SEVERITY: Record<Finding['severity'], Diagnostic['severity']> = {
	critical: 1,
	high: 2,
	medium: 3,
	low: 4
};

function issueDiagnostic(i: FileIssue): Diagnostic {
	const start = { line: i.line - 1, character: Math.max(0, i.column - 1) };
	const end =
		i.endLine !== undefined && i.endColumn !== undefined
			? { line: i.endLine - 1, character: Math.max(0, i.endColumn - 1) }
			: { line: start.line, character: start.character + 1 };
	if (end.line === start.line && end.character <= start.character)
		end.character = start.character + 1;
	return {
		range: { start, end },
		severity: i.severity === 'error' ? 1 : 2,
		message: i.message,
		source: SOURCE
	};
}

/** Where `include("name"` names `name` in a template (offsets in the template). */
function includeSpans(source: string, name: string): Array<[number, number]> {
	const out: Array<[number, number]> = [];
	const re = /include\(\s*(["'])([^"'\n]*)\1/g;
	for (const m of source.matchAll(re))
		if (m[2] === name) {
			const at = m.index + m[0].indexOf(m[1]) + 1;
			out.push([at, at + name.length]);
		}
	return out;
}

export interface DiagnosticOptions {
	/** Run the security scanner (on by default). */
	scan?: boolean;
	/** Run the prompt lint rules (on by default). */
	lint?: boolean;
}

/** Every problem of the document: file, template, unknown includes, lint rules, scanner findings. */
export function diagnostics(
	doc: AnalyzedDocument,
	index: PromptIndex,
	options: DiagnosticOptions = {}
): Diagnostic[] {
	const out = doc.issues.map(issueDiagnostic);
	const starts = lineStarts(doc.text);
	const rangeAt = (from: number, to: number): Range => ({
		start: positionOf(starts, from),
		end: positionOf(starts, Math.max(to, from + 1))
	});
	for (const part of doc.parts) {
		let includes: IncludeRef[] = [];
		try {
			includes = parseTemplate(part.source, doc.prompt?.templateOptions).includes;
		} catch {
			continue;
		}
		for (const ref of includes) {
			if (index.has(ref.name)) continue;
			for (const [a, b] of includeSpans(part.source, ref.name))
				out.push({
					range: rangeAt(part.offset + a, part.offset + b),
					severity: 2,
					message: `include("${ref.name}"): no prompt named "${ref.name}" in this workspace`,
					source: SOURCE,
					code: 'unknown-include'
				});
		}
	}
	if (doc.prompt && options.lint !== false) {
		for (const f of lintPrompt(doc.prompt)) {
			const part = doc.parts.find((p) => p.message === f.span.message);
			if (!part) continue;
			out.push({
				range: rangeAt(part.offset + f.span.start, part.offset + f.span.end),
				severity: f.severity === 'error' ? 1 : f.severity === 'warning' ? 2 : 3,
				message: f.message,
				source: `${SOURCE} lint`,
				code: f.ruleId
			});
		}
	}
	if (options.scan !== false)
		for (const part of doc.parts)
			for (const f of scanText(part.source, {
				kinds: ['injection', 'jailbreak', 'pii', 'secret', 'unsafe']
			}).findings)
				out.push({
					range: rangeAt(part.offset + f.start, part.offset + f.end),
					severity: SCAN_SEVERITY[f.severity],
					message: f.message ?? `${f.kind}: ${f.type}`,
					source: `${SOURCE} scan`,
					code: `${f.kind}/${f.type}`
				});
	return out;
}

// ---- completion ---------------------------------------------------------------------------

/** Completion item kinds used (LSP numbers). */
export const ITEM = { variable: 6, function: 3, property: 10, keyword: 14, file: 17 } as const;

export interface CompletionItem {
	label: string;
	kind: number;
	detail?: string;
	insertText?: string;
}

export const FILTERS = [
	['json', 'the value as JSON'],
	['trim', 'strip whitespace (or the given characters)'],
	['indent', 'indent lines by n spaces'],
	['truncate_tokens', 'cut to n model tokens'],
	['default', 'a value when undefined'],
	['upper', 'upper case'],
	['lower', 'lower case'],
	['title', 'title case'],
	['capitalize', 'first letter upper case'],
	['join', 'join a list with a separator'],
	['length', 'number of items or characters'],
	['first', 'first item'],
	['last', 'last item'],
	['replace', 'replace text'],
	['round', 'round a number'],
	['sort', 'sort a list'],
	['unique', 'drop repeated items'],
	['tojson', 'the value as JSON'],
	['items', 'a mapping as (key, value) pairs'],
	['map', 'an attribute of each item'],
	['select', 'items passing a test'],
	['selectattr', 'items whose attribute passes a test']
] as const;

const KEYWORDS = [
	'if',
	'elif',
	'else',
	'endif',
	'for',
	'endfor',
	'set',
	'macro',
	'endmacro',
	'raw',
	'endraw'
];

/** Front-matter keys offered under each parent key (`''`: the top). */
export const FRONT_MATTER_KEYS: Record<string, Array<[string, string]>> = {
	'': [
		['name', 'the prompt name (its file name wins)'],
		['description', 'what the prompt is for'],
		['authors', 'list of authors'],
		['tags', 'list of tags'],
		['model', 'api, configuration and parameters'],
		['sample', 'sample variable values for previews'],
		['inputs', 'the variables, with sample or default values'],
		['metadata', 'Promptloom keeps its own fields under metadata.promptloom'],
		['template', 'jinja2']
	],
	model: [
		['api', 'chat or completion'],
		['configuration', 'the model: name'],
		['parameters', 'temperature, max_tokens, …']
	],
	configuration: [
		['name', 'model name, e.g. gpt-4o-mini'],
		['type', 'openai, azure_openai, …']
	],
	parameters: [
		['temperature', '0 to 2'],
		['max_tokens', 'most tokens to generate'],
		['top_p', 'nucleus sampling'],
		['stop', 'stop sequences'],
		['seed', 'for reproducible samples']
	],
	metadata: [['promptloom', 'Promptloom-only fields']],
	promptloom: [
		['intent', 'intent category'],
		['customFields', 'list of {key, type, value}'],
		['templateOptions', 'trimBlocks, lstripBlocks'],
		['id', 'the prompt id (written by export)']
	],
	templateOptions: [
		['trimBlocks', 'drop the first newline after a block tag'],
		['lstripBlocks', 'strip spaces before a block tag']
	]
};

const RESERVED = new Set([
	'loop',
	'true',
	'false',
	'none',
	'True',
	'False',
	'None',
	'include',
	'fewshot',
	'range',
	'namespace',
	'not',
	'and',
	'or',
	'in',
	'is',
	'if',
	'else'
]);

/** Variables of a template text by their look, for files that do not parse while being typed. */
export function variablesByLook(text: string): string[] {
	const names = new Set<string>();
	const loopVars = new Set<string>();
	for (const m of text.matchAll(/\{%-?\s*for\s+([\w\s,]+?)\s+in\s+([A-Za-z_]\w*)/g)) {
		for (const v of m[1].split(',')) loopVars.add(v.trim());
		names.add(m[2]);
	}
	for (const m of text.matchAll(/\{\{-?\s*([A-Za-z_]\w*)/g)) names.add(m[1]);
	for (const m of text.matchAll(/\{%-?\s*(?:if|elif)\s+(?:not\s+)?([A-Za-z_]\w*)/g))
		names.add(m[1]);
	return [...names].filter((n) => !RESERVED.has(n) && !loopVars.has(n)).sort();
}

/** The parent key of a front-matter line (by indentation), `''` at the top. */
function parentKey(lines: string[], line: number): string {
	const indent = /^\s*/.exec(lines[line])![0].length;
	for (let i = line - 1; i >= 0; i--) {
		const m = /^(\s*)([\w$.-]+):\s*$/.exec(lines[i]);
		if (m && m[1].length < indent) return m[2];
		if (/^\S/.test(lines[i]) && i < line && indent > 0 && !m) return '';
	}
	return '';
}

/** Completions at `pos`: front-matter keys, or inside a tag variables, filters and include names. */
export function completions(
	doc: AnalyzedDocument,
	pos: Position,
	index: PromptIndex
): CompletionItem[] {
	const lines = doc.text.split('\n');
	const line = lines[pos.line] ?? '';
	const before = line.slice(0, pos.character);
	const inFrontMatter = doc.text.startsWith('---') && pos.line > 0 && pos.line < doc.bodyLine - 1;
	if (inFrontMatter) {
		if (!/^\s*[\w$.-]*$/.test(before)) return [];
		const parent =
			before.trim() === '' && /^\s*$/.test(before) && before.length === 0
				? ''
				: parentKey(lines, pos.line);
		return (FRONT_MATTER_KEYS[parent] ?? []).map(([label, detail]) => ({
			label,
			kind: ITEM.property,
			detail,
			insertText: `${label}: `
		}));
	}
	const upto = lines.slice(0, pos.line).join('\n') + (pos.line ? '\n' : '') + before;
	const open = Math.max(upto.lastIndexOf('{{'), upto.lastIndexOf('{%'));
	if (open < 0 || upto.indexOf(open === upto.lastIndexOf('{{') ? '}}' : '%}', open) !== -1)
		return [];
	const inside = upto.slice(open + 2);
	if (/include\(\s*["'][^"']*$/.test(inside))
		return index
			.names()
			.map((n) => ({ label: n, kind: ITEM.file, detail: 'prompt in this workspace' }));
	if (/\|\s*\w*$/.test(inside))
		return FILTERS.map(([label, detail]) => ({ label, kind: ITEM.function, detail }));
	const vars = new Map<string, string>();
	for (const v of doc.variables) vars.set(v.name, `${v.kind}${v.required ? '' : ', optional'}`);
	for (const n of variablesByLook(doc.text)) if (!vars.has(n)) vars.set(n, 'variable');
	const items: CompletionItem[] = [...vars].map(([label, detail]) => ({
		label,
		kind: ITEM.variable,
		detail
	}));
	if (upto.lastIndexOf('{%') === open && /^-?\s*\w*$/.test(inside))
		items.push(...KEYWORDS.map((k) => ({ label: k, kind: ITEM.keyword })));
	items.push({
		label: 'include',
		kind: ITEM.function,
		detail: 'include("name") another prompt',
		insertText: 'include("'
	});
	return items;
}

// ---- hover, definition, symbols ----------------------------------------------------------

function wordAt(text: string, offset: number): { word: string; start: number; end: number } | null {
	let a = offset;
	let b = offset;
	while (a > 0 && /[\w.-]/.test(text[a - 1])) a--;
	while (b < text.length && /[\w.-]/.test(text[b])) b++;
	if (a === b) return null;
	return { word: text.slice(a, b), start: a, end: b };
}

/** The template part containing `offset`, if any. */
function partAt(doc: AnalyzedDocument, offset: number): TemplatePart | undefined {
	return doc.parts.find((p) => offset >= p.offset && offset <= p.offset + p.source.length);
}

/** Renders the document's prompt (or one message of it) with its sample values, for previews. */
export async function renderPreview(
	doc: AnalyzedDocument,
	index: PromptIndex,
	message?: number
): Promise<{ ok: true; text: string } | { ok: false; error: string }> {
	const p = doc.prompt;
	if (!p)
		return {
			ok: false,
			error: doc.issues.find((i) => i.severity === 'error')?.message ?? 'the file does not parse'
		};
	const options = {
		...p.templateOptions,
		strict: false,
		limits: { timeoutMs: 500, maxOutputChars: 50_000 }
	};
	const messages = message === undefined ? p.messages : p.messages.filter((_, i) => i === message);
	const sources = p.type === 'text' ? p.content : messages.map((m) => m.content);
	try {
		const includes = await resolveIncludes(
			sources,
			async (ref) => {
				const source = await index.source(ref.name);
				return source === null ? null : { source, versionId: 'file' };
			},
			options
		);
		const r = renderRequest({
			...(p.type === 'text' ? { template: p.content } : { messages }),
			variables: doc.sample,
			options,
			includes
		});
		const text =
			r.kind === 'text' ? r.output : r.output.map((m) => `[${m.role}]\n${m.content}`).join('\n\n');
		const missing = r.warnings.filter((w) => w.code === 'missing_variable').map((w) => w.variable);
		return {
			ok: true,
			text: missing.length ? `${text}\n\n(no sample value for: ${missing.join(', ')})` : text
		};
	} catch (e) {
		return { ok: false, error: e instanceof Error ? e.message : String(e) };
	}
}

const fence = (text: string) => {
	const ticks = text.includes('```') ? '````' : '```';
	return `${ticks}text\n${text.length > 4000 ? `${text.slice(0, 4000)}\n…` : text}\n${ticks}`;
};

/** Hover: a variable's kind and the preview, or the preview of the message under a role line. */
export async function hover(
	doc: AnalyzedDocument,
	pos: Position,
	index: PromptIndex
): Promise<{ contents: string; range: Range } | null> {
	const starts = lineStarts(doc.text);
	const offset = offsetOf(starts, pos);
	const w = wordAt(doc.text, offset);
	const section = doc.sections.find((s) => s.roleLine - 1 === pos.line);
	const range = (a: number, b: number) => ({
		start: positionOf(starts, a),
		end: positionOf(starts, b)
	});
	if (section && doc.prompt) {
		const i = doc.sections.indexOf(section);
		const r = await renderPreview(doc, index, i);
		const body = r.ok ? fence(r.text) : `Cannot render: ${r.error}`;
		const lineStart = starts[pos.line];
		return {
			contents: `**${section.role}** message, rendered with the sample values:\n\n${body}`,
			range: range(lineStart, lineStart + (doc.text.slice(lineStart).indexOf('\n') >>> 0))
		};
	}
	if (!w || !partAt(doc, offset)) return null;
	const name = w.word.split('.')[0];
	const v = doc.variables.find((x) => x.name === name);
	if (!v) {
		const inc = /include\(\s*["']([^"']+)["']/.exec(
			doc.text.slice(Math.max(0, w.start - 20), w.end + 2)
		);
		if (inc && index.has(inc[1])) {
			const src = await index.source(inc[1]);
			return {
				contents: `Includes prompt **${inc[1]}**${src !== null ? `:\n\n${fence(src)}` : ''}`,
				range: range(w.start, w.end)
			};
		}
		return null;
	}
	const facts = [
		`kind: ${v.kind}`,
		v.required ? 'required' : 'optional',
		...(v.default !== undefined ? [`default: ${JSON.stringify(v.default)}`] : []),
		...(v.fields?.length ? [`fields: ${v.fields.join(', ')}`] : []),
		...(name in doc.sample ? [`sample: ${JSON.stringify(doc.sample[name])}`] : [])
	];
	const preview = await renderPreview(doc, index);
	return {
		contents: `**${name}** — variable (${facts.join(', ')})\n\nPreview with the sample values:\n\n${preview.ok ? fence(preview.text) : `Cannot render: ${preview.error}`}`,
		range: range(w.start, w.start + name.length)
	};
}

/** Go to definition: the file of the prompt an `include("…")` at `pos` names. */
export function definition(
	doc: AnalyzedDocument,
	pos: Position,
	index: PromptIndex
): { uri: string; range: Range } | null {
	const starts = lineStarts(doc.text);
	const offset = offsetOf(starts, pos);
	const line = doc.text.slice(starts[pos.line], starts[pos.line + 1] ?? doc.text.length);
	const col = offset - starts[pos.line];
	for (const m of line.matchAll(/include\(\s*(["'])([^"'\n]*)\1/g)) {
		const a = m.index;
		const b = m.index + m[0].length;
		if (col < a || col > b) continue;
		const uri = index.uri(m[2]);
		if (!uri) return null;
		return { uri, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
	}
	if (doc.kind === 'prompt')
		for (const m of line.matchAll(/\{\{>\s*([\w./-]+)/g)) {
			if (col < m.index || col > m.index + m[0].length) continue;
			const uri = index.uri(m[1]) ?? index.uri(m[1].toLowerCase());
			return uri
				? { uri, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }
				: null;
		}
	return null;
}

export interface DocumentSymbol {
	name: string;
	detail?: string;
	/** LSP SymbolKind: 3 namespace, 7 property, 24 event (used for messages). */
	kind: number;
	range: Range;
	selectionRange: Range;
}

/** The front matter and each message, for an editor's outline. */
export function symbols(doc: AnalyzedDocument): DocumentSymbol[] {
	const lines = doc.text.split('\n');
	const out: DocumentSymbol[] = [];
	const lineRange = (a: number, b: number): Range => ({
		start: { line: a, character: 0 },
		end: { line: b, character: (lines[b] ?? '').length }
	});
	if (doc.bodyLine > 0)
		out.push({
			name: 'front matter',
			kind: 3,
			range: lineRange(0, doc.bodyLine - 1),
			selectionRange: lineRange(0, 0)
		});
	doc.sections.forEach((s, i) => {
		const first = Math.max(0, (s.roleLine || s.startLine) - 1);
		const last = Math.max(first, s.endLine - 1);
		const text = doc.prompt?.messages[i]?.content ?? '';
		out.push({
			name: `${s.role}`,
			detail:
				text
					.split('\n')
					.find((l) => l.trim())
					?.slice(0, 60) ?? '',
			kind: 24,
			range: lineRange(first, last),
			selectionRange: lineRange(first, first)
		});
	});
	if (!doc.sections.length && doc.prompt?.type === 'text' && doc.bodyLine < lines.length)
		out.push({
			name: 'template',
			kind: 24,
			range: lineRange(doc.bodyLine, lines.length - 1),
			selectionRange: lineRange(doc.bodyLine, doc.bodyLine)
		});
	return out;
}

/** The prompt name a file of the workspace defines. */
export function promptNameOfFile(path: string): string | null {
	if (/\.prompty$/i.test(path)) return nameFromFileName(path);
	if (/\.prompt$/i.test(path)) return dotpromptName(path);
	return null;
}

/** What a prompt file contributes to previews of prompts that include it. */
export function includeSource(path: string, text: string): string | null {
	const doc = analyze(path, text);
	return doc.prompt
		? doc.prompt.type === 'text'
			? doc.prompt.content
			: promptText(doc.prompt)
		: null;
}
