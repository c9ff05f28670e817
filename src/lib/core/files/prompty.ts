/**
 * @module Prompty `.prompty` files, the on-disk format of a prompt: YAML front matter and a Jinja2
 * body whose `system:` / `user:` / `assistant:` lines start chat messages (Microsoft's Prompty reads
 * the same files). Promptloom-only metadata lives under `metadata.promptloom`, which Prompty keeps
 * as opaque metadata. Writing then reading a prompt gives it back exactly: message text that
 * Prompty would take for a role line is written behind an empty Jinja comment `{##}` (it renders
 * to nothing), and anything the standard keys cannot say exactly is kept in
 * `metadata.promptloom.exact`.
 */
import { newId as randomId, SLUG_PATTERN, slugify } from '../model/ids';
import {
	CUSTOM_FIELD_TYPES,
	ROLES,
	customFieldSchema,
	promptSchema,
	type ChatMessage,
	type ChatRole,
	type CustomField,
	type Prompt
} from '../model/prompt';
import { checkTemplate } from '../template/lint';
import {
	fmIssue,
	parseFrontMatter,
	splitFrontMatter,
	stringifyFrontMatter,
	type FrontMatter
} from './front-matter';
import { hasErrors, issueAt, positionAt, type FileIssue } from './issues';

export const PROMPTY_EXTENSION = '.prompty';

/** A line Prompty reads as the start of a message: `system:`, `# user:`, `assistant[name="x"]:`. */
const BOUNDARY = /^\s*#?\s*(assistant|function|system|user|tools)(\[[^\]\n]*\])?\s*:\s*$/i;
/** Lines written behind `{##}` so they stay message text (any number of `{##}` before a boundary). */
const ESCAPABLE =
	/^(?:\{##\})*\s*#?\s*(?:assistant|function|system|user|tools)(?:\[[^\]\n]*\])?\s*:\s*$/i;
const ESCAPE = '{##}';

/** Keys Prompty itself defines at the top of the front matter. */
const PROMPTY_KEYS = new Set([
	'$schema',
	'id',
	'name',
	'description',
	'version',
	'authors',
	'tags',
	'model',
	'sample',
	'inputs',
	'outputs',
	'template',
	'metadata',
	'base',
	'tools'
]);
const PROMPTLOOM_KEYS = new Set([
	'id',
	'intent',
	'customFields',
	'templateOptions',
	'project',
	'folder',
	'created',
	'updated',
	'deleted',
	'labels',
	'exact'
]);
const EXACT_KEYS = new Set(['params', 'content', 'messages', 'author', 'name']);

/** Where one chat message is in the file (1-based lines), for editors. */
export interface PromptySection {
	role: ChatRole;
	/** Line of the `role:` line (0 when the message has none: text before the first role line). */
	roleLine: number;
	/** First and last line of its text (`endLine` < `startLine` when it is empty). */
	startLine: number;
	endLine: number;
}

export interface ParsedPrompty {
	prompt: Prompt;
	/** Sample variable values (`sample:`, or `inputs.<name>.sample` / `.default`), for previews. */
	sample: Record<string, unknown>;
	/** Labels the file says point at its version (informational, written by `pull`). */
	labels: string[];
	sections: PromptySection[];
	/** Offset of the body in the file (after the front matter). */
	bodyStart: number;
	frontMatter: FrontMatter;
}

export interface ReadPromptyOptions {
	/** The file name (its base name without `.prompty` is the prompt's name). */
	fileName: string;
	/** The folder (from the file's directory); absent: the folder id the file records, if any. */
	folderId?: string | null;
	/** Time given to a prompt whose file records none (ms). */
	now?: number;
	newId?: () => string;
}

export type PromptyResult =
	| { ok: true; value: ParsedPrompty; issues: FileIssue[] }
	| { ok: false; issues: FileIssue[]; partial: Partial<ParsedPrompty> };

/** The prompt name a file name gives: `support/refund-reply.prompty` → `refund-reply`. */
export function nameFromFileName(fileName: string): string {
	const base = fileName.split(/[\\/]/).pop() ?? fileName;
	return base.replace(/\.(prompty|prompt|json|ya?ml)$/i, '');
}

// ---- writing ------------------------------------------------------------------------------

export interface WritePromptyOptions {
	/** Write the prompt's id and times (a library export). Pulled files leave them out. */
	identity?: boolean;
	/** Labels pointing at the written version (informational). */
	labels?: readonly string[];
	/** Record the folder's id (for a file kept outside its folder's directory, as in the trash). */
	folderId?: boolean;
}

const DATE_MAX = 8.64e15;
const timeOut = (ms: number): string | number =>
	ms >= 0 && ms <= DATE_MAX ? new Date(ms).toISOString() : ms;

function escapeLine(line: string): string {
	return ESCAPABLE.test(line) ? ESCAPE + line : line;
}

function unescapeLine(line: string): string {
	return line.startsWith(ESCAPE) && ESCAPABLE.test(line.slice(ESCAPE.length))
		? line.slice(ESCAPE.length)
		: line;
}

/** The body of a chat prompt: each message after its `role:` line, a blank line between them. */
function chatBody(messages: readonly ChatMessage[]): string {
	if (messages.length === 0) return '';
	const parts = messages.map(
		(m) => `${m.role}:\n${m.content.split('\n').map(escapeLine).join('\n')}`
	);
	return `\n${parts.join('\n\n')}\n`;
}

/** The front matter data of `prompt` (keys in the order a reader expects them). */
function frontMatterOf(prompt: Prompt, options: WritePromptyOptions): Record<string, unknown> {
	const identity = options.identity ?? true;
	const mc = prompt.modelConfig;
	const exact: Record<string, unknown> = {};
	const fm: Record<string, unknown> = {};
	if (!SLUG_PATTERN.test(prompt.name)) exact.name = prompt.name;
	fm.name = prompt.name;
	if (prompt.description) fm.description = prompt.description;
	if (prompt.author) fm.authors = [prompt.author];
	if (prompt.tags.length) fm.tags = [...prompt.tags];
	const parameters: Record<string, unknown> = {};
	const clash = 'temperature' in mc.params || 'max_tokens' in mc.params;
	if (mc.temperature !== undefined) parameters.temperature = mc.temperature;
	if (mc.maxTokens !== undefined) parameters.max_tokens = mc.maxTokens;
	for (const [k, v] of Object.entries(mc.params))
		if (k !== 'temperature' && k !== 'max_tokens' && k !== '__proto__') parameters[k] = v;
	if (clash) exact.params = structuredClone(mc.params);
	fm.model = {
		api: prompt.type === 'chat' ? 'chat' : 'completion',
		...(mc.model ? { configuration: { name: mc.model } } : {}),
		...(Object.keys(parameters).length ? { parameters } : {})
	};
	if (prompt.type === 'chat' && prompt.content !== '') exact.content = prompt.content;
	if (prompt.type === 'text' && prompt.messages.length) exact.messages = prompt.messages;
	const pl: Record<string, unknown> = {};
	if (identity) pl.id = prompt.id;
	if (prompt.intent) pl.intent = prompt.intent;
	if (prompt.customFields.length) pl.customFields = prompt.customFields.map((f) => ({ ...f }));
	const to = prompt.templateOptions;
	if (to.trimBlocks || to.lstripBlocks)
		pl.templateOptions = { trimBlocks: to.trimBlocks, lstripBlocks: to.lstripBlocks };
	if (identity && prompt.projectId !== null) pl.project = prompt.projectId;
	if (options.folderId && prompt.folderId !== null) pl.folder = prompt.folderId;
	if (identity) {
		pl.created = timeOut(prompt.createdAt);
		pl.updated = timeOut(prompt.updatedAt);
		if (prompt.deletedAt !== null) pl.deleted = timeOut(prompt.deletedAt);
	}
	if (options.labels?.length) pl.labels = [...options.labels].sort();
	if (Object.keys(exact).length) pl.exact = exact;
	if (Object.keys(pl).length) fm.metadata = { promptloom: pl };
	return fm;
}

/** Writes `prompt` as a `.prompty` file. {@link readPrompty} gives it back exactly. */
export function writePrompty(prompt: Prompt, options: WritePromptyOptions = {}): string {
	const yaml = stringifyFrontMatter(frontMatterOf(prompt, options));
	const body = prompt.type === 'chat' ? chatBody(prompt.messages) : `${prompt.content}\n`;
	return `---\n${yaml}---\n${body}`;
}

// ---- reading ------------------------------------------------------------------------------

interface BodySections {
	messages: ChatMessage[];
	sections: PromptySection[];
	/** Offset in the body of each message's first text character (for template positions). */
	starts: number[];
}

/** Splits a chat body at its role lines (after removing the file's final newline). */
function readChatBody(text: string, bodyStart: number, issues: FileIssue[]): BodySections {
	let body = text.slice(bodyStart);
	if (body.endsWith('\n')) body = body.slice(0, -1);
	const lines = body === '' ? [] : body.split('\n');
	const firstLine = positionAt(text, bodyStart).line;
	const out: BodySections = { messages: [], sections: [], starts: [] };
	let role: ChatRole | null = null;
	let roleLine = 0;
	let buf: string[] = [];
	let bufStart = 0;
	let offset = 0;
	const flush = (nextIsRole: boolean) => {
		if (role === null) {
			// Text before the first role line: Prompty makes it a system message.
			if (buf.join('\n').trim() === '') return;
			role = 'system';
		}
		const lines = [...buf];
		if (nextIsRole && lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
		out.messages.push({ role, content: lines.map(unescapeLine).join('\n') });
		out.sections.push({
			role,
			roleLine,
			startLine: firstLine + bufStart,
			endLine: firstLine + bufStart + lines.length - 1
		});
		out.starts.push(offsetOfLine(body, bufStart));
	};
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i];
		const m = BOUNDARY.exec(line);
		if (m) {
			flush(true);
			const name = m[1].toLowerCase();
			const lineNo = firstLine + i;
			const at = bodyStart + offset;
			if (!ROLES.includes(name as ChatRole)) {
				issues.push(
					issueAt(
						text,
						at,
						at + line.length,
						'error',
						`role "${name}" is not supported: a message is system, user or assistant`
					)
				);
				role = 'user';
			} else role = name as ChatRole;
			if (m[2])
				issues.push(
					issueAt(
						text,
						at,
						at + line.length,
						'warning',
						`role arguments ${m[2]} are ignored (Promptloom keeps role and text only)`
					)
				);
			roleLine = lineNo;
			buf = [];
			bufStart = i + 1;
		} else buf.push(line);
		offset += line.length + 1;
	}
	flush(false);
	return out;
}

function offsetOfLine(text: string, line: number): number {
	let at = 0;
	for (let i = 0; i < line; i++) {
		const next = text.indexOf('\n', at);
		if (next === -1) return text.length;
		at = next + 1;
	}
	return at;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);

function readTime(
	fm: FrontMatter,
	path: string[],
	value: unknown,
	issues: FileIssue[]
): number | undefined {
	if (value === undefined) return undefined;
	if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
	if (value instanceof Date && !Number.isNaN(value.getTime())) return value.getTime();
	if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) {
		const t = Date.parse(value);
		if (!Number.isNaN(t)) return t;
	}
	issues.push(
		fmIssue(
			fm,
			path,
			'error',
			'must be a date-time such as 2024-05-01T12:00:00.000Z (or milliseconds since 1970)'
		)
	);
	return undefined;
}

/** The prompt name from the file name, and a warning when the front matter says otherwise. */
function readName(fm: FrontMatter, fileName: string, issues: FileIssue[]): string {
	const fromFile = nameFromFileName(fileName);
	const declared = fm.data.name;
	if (declared !== undefined && typeof declared !== 'string')
		issues.push(fmIssue(fm, ['name'], 'error', 'must be a text'));
	if (SLUG_PATTERN.test(fromFile)) {
		if (typeof declared === 'string' && SLUG_PATTERN.test(declared) && declared !== fromFile)
			issues.push(
				fmIssue(
					fm,
					['name'],
					'warning',
					`name "${declared}" differs from the file name: the prompt is named "${fromFile}" after its file`
				)
			);
		return fromFile;
	}
	if (typeof declared === 'string' && SLUG_PATTERN.test(declared)) return declared;
	const slug = slugify(fromFile);
	issues.push(
		issueAt(
			fm.text,
			0,
			0,
			'warning',
			`"${fromFile}" is not a prompt name (lowercase letters, digits, "-", "_", "."): imported as "${slug}"`
		)
	);
	return slug;
}

function stringList(
	fm: FrontMatter,
	path: string[],
	value: unknown,
	issues: FileIssue[]
): string[] | undefined {
	if (value === undefined || value === null) return undefined;
	if (!Array.isArray(value)) {
		issues.push(fmIssue(fm, path, 'error', 'must be a list of texts'));
		return undefined;
	}
	const out: string[] = [];
	value.forEach((v, i) => {
		if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
			out.push(String(v));
		else issues.push(fmIssue(fm, [...path, i], 'error', 'must be a text'));
	});
	return out;
}

function readSample(fm: FrontMatter): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	const { sample, inputs } = fm.data;
	if (Array.isArray(inputs)) {
		for (const i of inputs)
			if (isRecord(i) && typeof i.name === 'string') {
				if (i.sample !== undefined) out[i.name] = i.sample;
				else if (i.default !== undefined) out[i.name] = i.default;
			}
	} else if (isRecord(inputs)) {
		for (const [k, v] of Object.entries(inputs)) {
			if (isRecord(v)) {
				if (v.sample !== undefined) out[k] = v.sample;
				else if (v.default !== undefined) out[k] = v.default;
			} else if (v !== null && v !== undefined) out[k] = v;
		}
	}
	if (isRecord(sample)) Object.assign(out, sample);
	return out;
}

/** Reads the model section: api, the model's name and its parameters. */
function readModel(fm: FrontMatter, issues: FileIssue[]) {
	const model = fm.data.model;
	const out = {
		api: undefined as 'chat' | 'completion' | undefined,
		name: '',
		temperature: undefined as number | undefined,
		maxTokens: undefined as number | undefined,
		params: {} as Record<string, unknown>
	};
	if (model === undefined || model === null) return out;
	if (typeof model === 'string') {
		out.name = model;
		return out;
	}
	if (!isRecord(model)) {
		issues.push(
			fmIssue(fm, ['model'], 'error', 'must be a mapping (api, configuration, parameters)')
		);
		return out;
	}
	if (model.api !== undefined) {
		if (model.api === 'chat' || model.api === 'completion') out.api = model.api;
		else
			issues.push(
				fmIssue(
					fm,
					['model', 'api'],
					'error',
					`must be "chat" or "completion", got ${JSON.stringify(model.api)}`
				)
			);
	}
	const connKey = 'configuration' in model ? 'configuration' : 'connection';
	const conn = model[connKey];
	if (conn !== undefined && conn !== null) {
		if (!isRecord(conn))
			issues.push(fmIssue(fm, ['model', connKey], 'error', 'must be a mapping (type, name, …)'));
		else {
			const name = conn.name ?? conn.model ?? conn.azure_deployment;
			if (name !== undefined) {
				if (typeof name === 'string') out.name = name;
				else issues.push(fmIssue(fm, ['model', connKey, 'name'], 'error', 'must be a text'));
			}
		}
	}
	if (typeof model.id === 'string' && !out.name) out.name = model.id;
	const paramKey = 'parameters' in model ? 'parameters' : 'options';
	const params = model[paramKey];
	if (params !== undefined && params !== null) {
		if (!isRecord(params))
			issues.push(
				fmIssue(fm, ['model', paramKey], 'error', 'must be a mapping of parameter → value')
			);
		else
			for (const [k, v] of Object.entries(params)) {
				if (k === 'temperature') {
					if (typeof v === 'number' && v >= 0 && v <= 2) out.temperature = v;
					else
						issues.push(
							fmIssue(
								fm,
								['model', paramKey, k],
								'error',
								'temperature must be a number from 0 to 2'
							)
						);
				} else if (k === 'max_tokens') {
					if (typeof v === 'number' && Number.isInteger(v) && v > 0) out.maxTokens = v;
					else
						issues.push(
							fmIssue(
								fm,
								['model', paramKey, k],
								'error',
								'max_tokens must be a positive whole number'
							)
						);
				} else if (k !== '__proto__') out.params[k] = v;
			}
	}
	return out;
}

function readCustomFields(fm: FrontMatter, value: unknown, issues: FileIssue[]): CustomField[] {
	const path = ['metadata', 'promptloom', 'customFields'];
	if (value === undefined) return [];
	if (!Array.isArray(value)) {
		issues.push(fmIssue(fm, path, 'error', 'must be a list of {key, type, value}'));
		return [];
	}
	const out: CustomField[] = [];
	value.forEach((item, i) => {
		const r = customFieldSchema.safeParse(item);
		if (r.success) out.push(r.data);
		else {
			const issue = r.error.issues[0];
			const where = issue?.path.length ? [...path, i, ...issue.path.map(String)] : [...path, i];
			const hint = issue?.path[0] === 'type' ? ` (one of ${CUSTOM_FIELD_TYPES.join(', ')})` : '';
			issues.push(
				fmIssue(fm, where, 'error', `custom field: ${issue?.message ?? 'invalid'}${hint}`)
			);
		}
	});
	return out;
}

/** Reads the Promptloom section `metadata.promptloom`. */
function readPromptloom(fm: FrontMatter, issues: FileIssue[]) {
	const meta = fm.data.metadata;
	if (meta !== undefined && meta !== null && !isRecord(meta))
		issues.push(fmIssue(fm, ['metadata'], 'error', 'must be a mapping'));
	const pl = isRecord(meta) ? meta.promptloom : undefined;
	if (pl === undefined || pl === null) return {} as Record<string, unknown>;
	if (!isRecord(pl)) {
		issues.push(fmIssue(fm, ['metadata', 'promptloom'], 'error', 'must be a mapping'));
		return {};
	}
	for (const k of Object.keys(pl))
		if (!PROMPTLOOM_KEYS.has(k))
			issues.push(
				fmIssue(
					fm,
					['metadata', 'promptloom', k],
					'warning',
					`unknown Promptloom key "${k}" (known: ${[...PROMPTLOOM_KEYS].join(', ')})`,
					true
				)
			);
	return pl;
}

/**
 * Reads a `.prompty` file into a prompt, validated as the library validates prompts, with every
 * problem (front matter, fields, roles, template syntax) at its line and column.
 */
export function readPrompty(source: string, options: ReadPromptyOptions): PromptyResult {
	// A file saved with Windows line endings throughout reads like one with "\n".
	const text =
		/\r\n/.test(source) && !/(^|[^\r])\n/.test(source) ? source.replace(/\r\n/g, '\n') : source;
	const issues: FileIssue[] = [];
	const { split, issues: splitIssues } = splitFrontMatter(text);
	issues.push(...splitIssues);
	const { fm, issues: yamlIssues } = parseFrontMatter(text, split);
	issues.push(...yamlIssues);
	if (hasErrors(issues)) return { ok: false, issues, partial: { frontMatter: fm } };

	for (const k of Object.keys(fm.data))
		if (!PROMPTY_KEYS.has(k))
			issues.push(
				fmIssue(
					fm,
					[k],
					'warning',
					`unknown key "${k}": neither Prompty nor Promptloom reads it (Promptloom's own keys go under metadata.promptloom)`,
					true
				)
			);
	const template = fm.data.template;
	const format = isRecord(template) ? (template.format ?? template.type) : template;
	if (format !== undefined && format !== null && String(format).toLowerCase() !== 'jinja2')
		issues.push(
			fmIssue(
				fm,
				isRecord(template) ? ['template', 'format' in template ? 'format' : 'type'] : ['template'],
				'error',
				`template format ${JSON.stringify(format)} is not supported: Promptloom templates are Jinja2`
			)
		);

	const name = readName(fm, options.fileName, issues);
	const description = fm.data.description;
	if (description !== undefined && description !== null && typeof description !== 'string')
		issues.push(fmIssue(fm, ['description'], 'error', 'must be a text'));
	const authors = stringList(fm, ['authors'], fm.data.authors, issues) ?? [];
	const tags = stringList(fm, ['tags'], fm.data.tags, issues) ?? [];
	tags.forEach((t, i) => {
		if (t.length < 1 || t.length > 64)
			issues.push(fmIssue(fm, ['tags', i], 'error', 'a tag has 1 to 64 characters'));
	});
	const model = readModel(fm, issues);
	const pl = readPromptloom(fm, issues);
	const exact = isRecord(pl.exact) ? pl.exact : {};
	if (pl.exact !== undefined && !isRecord(pl.exact))
		issues.push(fmIssue(fm, ['metadata', 'promptloom', 'exact'], 'error', 'must be a mapping'));
	for (const k of Object.keys(exact))
		if (!EXACT_KEYS.has(k))
			issues.push(
				fmIssue(fm, ['metadata', 'promptloom', 'exact', k], 'warning', `unknown key "${k}"`, true)
			);
	const plPath = (k: string) => ['metadata', 'promptloom', k];
	const str = (k: string): string | undefined => {
		const v = pl[k];
		if (v === undefined || v === null) return undefined;
		if (typeof v === 'string') return v;
		issues.push(fmIssue(fm, plPath(k), 'error', 'must be a text'));
		return undefined;
	};
	const id = str('id');
	const intent = str('intent');
	const project = str('project');
	const folder = str('folder');
	const customFields = readCustomFields(fm, pl.customFields, issues);
	let trimBlocks = false;
	let lstripBlocks = false;
	if (pl.templateOptions !== undefined) {
		const to = pl.templateOptions;
		if (!isRecord(to))
			issues.push(
				fmIssue(
					fm,
					plPath('templateOptions'),
					'error',
					'must be a mapping (trimBlocks, lstripBlocks)'
				)
			);
		else
			for (const [k, v] of Object.entries(to)) {
				if ((k !== 'trimBlocks' && k !== 'lstripBlocks') || typeof v !== 'boolean')
					issues.push(
						fmIssue(
							fm,
							[...plPath('templateOptions'), k],
							'error',
							'templateOptions has trimBlocks and lstripBlocks, each true or false'
						)
					);
				else if (k === 'trimBlocks') trimBlocks = v;
				else lstripBlocks = v;
			}
	}
	const now = options.now ?? Date.now();
	const created = readTime(fm, plPath('created'), pl.created, issues);
	const updated = readTime(fm, plPath('updated'), pl.updated, issues);
	const deleted =
		pl.deleted === null ? undefined : readTime(fm, plPath('deleted'), pl.deleted, issues);
	const labels = stringList(fm, plPath('labels'), pl.labels, issues) ?? [];

	// The body: a chat prompt's messages at their role lines, or a text prompt's template.
	const hasBoundary = split.body.split('\n').some((l) => BOUNDARY.test(l));
	const type: Prompt['type'] =
		(model.api ?? (hasBoundary ? 'chat' : 'completion')) === 'chat' ? 'chat' : 'text';
	let content = '';
	let messages: ChatMessage[] = [];
	let sections: PromptySection[] = [];
	const templateOptions = { trimBlocks, lstripBlocks };
	const checkAt = (source: string, start: number) => {
		const d = checkTemplate(source, templateOptions);
		if (!d) return;
		const base = positionAt(text, start);
		const line = base.line + (d.line ?? 1) - 1;
		const column = (d.line ?? 1) === 1 ? base.column + (d.column ?? 1) - 1 : (d.column ?? 1);
		const message = d.message.replace(/^line \d+, column \d+: /, '');
		issues.push({
			severity: 'error',
			message: `template: ${message}`,
			line,
			column,
			endLine: line,
			endColumn: column + 1
		});
	};
	if (type === 'chat') {
		const body = readChatBody(text, split.bodyStart, issues);
		messages = body.messages;
		sections = body.sections;
		body.messages.forEach((m, i) => checkAt(m.content, split.bodyStart + body.starts[i]));
	} else {
		content = split.body.endsWith('\n') ? split.body.slice(0, -1) : split.body;
		checkAt(content, split.bodyStart);
	}
	if (typeof exact.content === 'string') content = exact.content;
	if (Array.isArray(exact.messages)) messages = exact.messages as ChatMessage[];
	const params = isRecord(exact.params) ? exact.params : model.params;

	const candidate = {
		id: id ?? (options.newId ?? randomId)(),
		name: typeof exact.name === 'string' ? exact.name : name,
		type,
		content,
		messages,
		description: typeof description === 'string' ? description : '',
		tags,
		intent: intent ?? '',
		author: authors.join(', '),
		modelConfig: {
			model: model.name,
			...(model.temperature !== undefined ? { temperature: model.temperature } : {}),
			...(model.maxTokens !== undefined ? { maxTokens: model.maxTokens } : {}),
			params
		},
		customFields,
		templateOptions,
		folderId: options.folderId === undefined ? (folder ?? null) : options.folderId,
		projectId: project ?? null,
		createdAt: created ?? updated ?? now,
		updatedAt: updated ?? created ?? now,
		deletedAt: deleted ?? null
	};
	if (hasErrors(issues)) return { ok: false, issues, partial: { sections, frontMatter: fm } };
	const parsed = promptSchema.safeParse(candidate);
	if (!parsed.success) {
		for (const issue of parsed.error.issues)
			issues.push(
				fmIssue(
					fm,
					yamlPathOf(issue.path),
					'error',
					`${issue.path.map(String).join('.')}: ${issue.message}`
				)
			);
		return { ok: false, issues, partial: { sections, frontMatter: fm } };
	}
	return {
		ok: true,
		issues,
		value: {
			prompt: parsed.data,
			sample: readSample(fm),
			labels,
			sections,
			bodyStart: split.bodyStart,
			frontMatter: fm
		}
	};
}

/** Where a prompt field lives in the front matter (for problems the prompt schema finds). */
function yamlPathOf(path: ReadonlyArray<PropertyKey>): Array<string | number> {
	const [head, ...rest] = path.map((p) => (typeof p === 'number' ? p : String(p)));
	switch (head) {
		case 'name':
			return ['name'];
		case 'tags':
			return ['tags', ...rest];
		case 'customFields':
			return ['metadata', 'promptloom', 'customFields', ...rest];
		case 'modelConfig':
			return ['model'];
		default:
			return ['metadata', 'promptloom'];
	}
}
